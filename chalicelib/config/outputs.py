"""The declared outputs: what `outputs.toml` says each upload becomes, and where it goes.

The whole file is validated once, at load, and every problem is reported with the output and
the field it belongs to, the way `settings.py` names the variable: a typo in an effect fails
the deploy's first event loudly instead of silently skipping the effect (thumbor's habit).
Nothing here touches pixels; the renderer reads the frozen `Output`s this module hands it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from PIL import Image, ImageFont, UnidentifiedImageError

from chalicelib.config import keys, labels, manifest
from chalicelib.config.values import parse_color, parse_size
from chalicelib.errors import PermanentError
from chalicelib.image.effects import GRAVITIES
from chalicelib.image.encode import DEFAULT_TARGET, QUALITY_RANGE, QualityTarget
from chalicelib.image.fits import FITS
from chalicelib.image.render import OutputRequest

# The folder that holds outputs.toml and the files its effects name (watermarks/, fonts).
ASSET_DIR = Path(__file__).resolve().parent
OUTPUTS_FILE = "outputs.toml"

FORMATS = ("same", "jpeg", "png", "webp", "avif")
PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF"}
# A literal extension in a key template must agree with the declared format. Image extensions
# that no output format writes (gif, tiff...) contradict every format.
_FORMAT_OF_EXTENSION = {
    "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "png": "png", "webp": "webp", "avif": "avif",
    "gif": None, "tif": None, "tiff": None, "bmp": None, "heic": None, "heif": None,
}
PLACEHOLDERS = ("folder", "stem", "ext")
# upload: made by the upload's own event (stored before anyone asks); request: made the first
# time someone asks for its key (the renditions function), then stored like any other.
WHEN = ("upload", "request")

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class OutputsError(ValueError):
    """outputs.toml (or the OUTPUTS setting) is wrong; each line names the output and field."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Effect:
    """One step of an output's effects stage: an op name and its checked, complete params."""

    op: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class Output:
    """One declared output: geometry, encoding, which uploads it applies to, where it goes."""

    name: str
    key: str
    size: tuple[int, int]
    fit: str
    format: str
    quality: int | QualityTarget | None  # QualityTarget: quality = "auto" or {target, ...}
    background: tuple[int, int, int] | None
    prefix: str
    effects: tuple[Effect, ...]
    when: str = "upload"  # WHEN: made by the upload's event, or on the first request for it

    @property
    def on_request(self) -> bool:
        return self.when == "request"

    def applies_to(self, upload_key: str) -> bool:
        return upload_key.startswith(self.prefix)

    def key_for(self, upload_key: str) -> str:
        return fill_key(self.key, upload_key, self.name)

    def pillow_format(self, upload_key: str) -> str:
        if self.format == "same":
            return keys.output_format(upload_key)
        return PILLOW_FORMAT[self.format]

    def request_for(self, upload_key: str) -> OutputRequest:
        """What the renderer makes of an upload under `upload_key` for this output (the one
        place an Output becomes pixels and encoding: keys are not the renderer's business)."""
        background = {"background": self.background} if self.background else {}
        return OutputRequest(name=self.name, box=self.size, fit=self.fit,
                             pillow_format=self.pillow_format(upload_key), quality=self.quality,
                             effects=self.effects, **background)


def fill_key(template: str, upload_key: str, what: str) -> str:
    """The template filled in with the parts of the upload key (keys.split_key):
    a/b/x.v2.JPG -> folder "a/b/", stem "x.v2", ext "JPG"; ext is "HEIC.jpg" for a/x.HEIC,
    whose format "same" is JPEG (keys.output_extension). `what` names it in errors."""
    folder, stem, extension = keys.split_key(upload_key)
    parts = {"folder": folder, "stem": stem, "ext": keys.output_extension(extension)}
    result = _PLACEHOLDER.sub(lambda match: parts[match[1]], template)
    if len(result.encode("utf-8")) > keys.MAX_KEY_BYTES:
        raise PermanentError(f"{what} key would exceed S3's {keys.MAX_KEY_BYTES}-byte key limit")
    return result


def load_outputs(text: str | None = None, *,
                 asset_root: Path = ASSET_DIR) -> dict[str, Output]:
    """Every output of outputs.toml (or of `text`), or one OutputsError listing every problem."""
    if text is None:
        text = (asset_root / OUTPUTS_FILE).read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OutputsError(f"{OUTPUTS_FILE}: not valid TOML: {error}") from None
    problems = _Problems()
    if not document:
        problems.add(f"{OUTPUTS_FILE}: declares no outputs")
    outputs = {}
    for name, table in document.items():
        output = _output(name, table, asset_root, problems)
        if output is not None:
            outputs[name] = output
    # From the raw tables, so a clash is reported even beside another mistake in an output.
    _check_keys_apart({name: table["key"] for name, table in document.items()
                       if isinstance(table, dict) and _is_key_template(table.get("key"))},
                      problems)
    problems.raise_any()
    return outputs


def select(outputs: Mapping[str, Output], names: str) -> tuple[Output, ...]:
    """The outputs the OUTPUTS setting names, comma-separated, in its order."""
    wanted = [name.strip() for name in names.split(",")]
    if not any(wanted):
        raise OutputsError(f"OUTPUTS names no output; {OUTPUTS_FILE} declares {_known(outputs)}")
    if "" in wanted:
        raise OutputsError(f"OUTPUTS has an empty name in {names!r}")
    unknown = [name for name in wanted if name not in outputs]
    if unknown:
        raise OutputsError(
            f"OUTPUTS names {', '.join(map(repr, unknown))}, not declared in {OUTPUTS_FILE} "
            f"(it declares {_known(outputs)})"
        )
    duplicates = sorted({name for name in wanted if wanted.count(name) > 1})
    if duplicates:
        raise OutputsError(f"OUTPUTS names {', '.join(map(repr, duplicates))} twice")
    return tuple(outputs[name] for name in wanted)


def with_overrides(output: Output, size: tuple[int, int] | None = None,
                   quality: int | None = None,
                   background: tuple[int, int, int] | None = None) -> Output:
    """The output with the legacy settings (THUMBNAIL_SIZE, JPEG_QUALITY, BACKGROUND_COLOR)
    that are given; the caller has validated them."""
    changes = {"size": size, "quality": quality, "background": background}
    return dataclasses.replace(output, **{k: v for k, v in changes.items() if v is not None})


def resource_pattern(template: str) -> str:
    """The key template as an IAM resource key pattern: every placeholder becomes `*`,
    adjacent stars merge. "{folder}{stem}-thumbnail.{ext}" -> "*-thumbnail.*"."""
    return re.sub(r"\*+", "*", _PLACEHOLDER.sub("*", template))


# --- validation ----------------------------------------------------------------------------

class _Problems:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def at(self, where: str, message: str) -> None:
        self.messages.append(f"{OUTPUTS_FILE} {where}: {message}")

    def raise_any(self) -> None:
        if self.messages:
            raise OutputsError(self.messages)


class _Invalid(Exception):
    """One field's value is wrong; the message says how, the caller says where."""


def _known(outputs: Mapping[str, object]) -> str:
    return ", ".join(sorted(outputs)) or "none"


def _output(name: str, table: object, asset_root: Path, problems: _Problems) -> Output | None:
    if not isinstance(table, dict):
        problems.at(f"{name!r}", f"must be a table [{name}] of output fields, got {table!r}")
        return None
    where = f"[{name}]"
    if not _NAME.match(name):
        problems.at(where, "an output name may hold only letters, digits, - and _ "
                           "(the OUTPUTS setting lists names separated by commas)")
    for field in sorted(set(table) - set(_FIELDS)):
        problems.at(f"{where}.{field}",
                    f"unknown field; an output has {', '.join(_FIELDS)}")
    values = {}
    for field, (parse, default) in _FIELDS.items():
        if field not in table:
            if default is _REQUIRED:
                problems.at(f"{where}.{field}", "is required")
            values[field] = None if default is _REQUIRED else default
            continue
        try:
            values[field] = parse(table[field])
        except _Invalid as error:
            problems.at(f"{where}.{field}", str(error))
            values[field] = None
    effects = _effects(where, table.get("effects", []), asset_root, problems)
    if values["key"] is not None and values["format"] is not None:
        _check_key_against_format(where, values["key"], values["format"], problems)
    if values["format"] is not None:
        _check_quality_against_format(where, values["quality"], values["format"], problems)
    if any(value is None for field, value in values.items()
           if _FIELDS[field][1] is _REQUIRED) or effects is None:
        return None
    return Output(name=name, key=values["key"], size=values["size"], fit=values["fit"],
                  format=values["format"], quality=values["quality"],
                  background=values["background"], prefix=values["prefix"], effects=effects,
                  when=values["when"])


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be a string, got {value!r}")
    return value


def _choice(options: tuple[str, ...], aliases: Mapping[str, str] | None = None):
    def parse(value: object) -> str:
        text = _string(value)
        text = (aliases or {}).get(text, text)
        if text not in options:
            listed = ", ".join(options[:-1]) + " or " + options[-1]
            raise _Invalid(f"must be {listed}, got {value!r}")
        return text
    return parse


def _key_template(value: object) -> str:
    template = _string(value)
    if not template:
        raise _Invalid("must not be empty")
    names = _PLACEHOLDER.findall(template)
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        raise _Invalid(f"unknown placeholder {{{unknown[0]}}} in {template!r} "
                       "(known: {folder}, {stem}, {ext})")
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        raise _Invalid(f"unbalanced brace in {template!r}")
    if "stem" not in names:
        raise _Invalid(f"{template!r} has no {{stem}}: every upload would write the same key")
    if "folder" not in names:
        raise _Invalid(f"{template!r} has no {{folder}}: users/alice/me.jpg and "
                       "users/bob/me.jpg would share one output, and deleting either upload "
                       "would delete the other's")
    return template


def _is_key_template(value: object) -> bool:
    try:
        _key_template(value)
    except _Invalid:
        return False
    return True


def _size(value: object) -> tuple[int, int]:
    try:
        return parse_size(_string(value))
    except ValueError as error:
        raise _Invalid(str(error)) from None


def _quality(value: object) -> int | QualityTarget:
    if value == "auto":
        return QualityTarget()
    if isinstance(value, dict):
        return _quality_target(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(f'must be an integer from 1 to 100, "auto" or a table '
                       f"{{target = ..., min = ..., max = ...}}, got {value!r}")
    if not 1 <= value <= 100:
        raise _Invalid(f"must be from 1 to 100, got {value}")
    return value


def _quality_target(table: dict) -> QualityTarget:
    unknown = sorted(set(table) - {"target", "min", "max"})
    if unknown:
        raise _Invalid(f"unknown field {unknown[0]!r}; a quality target has target, min, max")
    target = table.get("target")
    if target is not None and (not isinstance(target, (int, float)) or isinstance(target, bool)
                               or not 0.5 <= target <= 0.999):
        raise _Invalid(f"target must be a score from 0.5 to 0.999 (default: the format's, "
                       f"{_default_targets()}), got {target!r}")
    bounds = {}
    for end in ("min", "max"):
        if end in table:
            bound = table[end]
            if not isinstance(bound, int) or isinstance(bound, bool) or not 1 <= bound <= 100:
                raise _Invalid(f"{end} must be an integer from 1 to 100, got {bound!r}")
            bounds[end] = bound
    if bounds.get("min", 1) > bounds.get("max", 100):
        raise _Invalid(f"min {bounds['min']} is above max {bounds['max']}")
    return QualityTarget(target=None if target is None else float(target), **bounds)


def _default_targets() -> str:
    return ", ".join(f"{name} {value:g}" for name, value in DEFAULT_TARGET.items())


def _check_quality_against_format(where: str, quality: object, output_format: str,
                                  problems: _Problems) -> None:
    """A quality target needs a lossy format whose range holds its bounds."""
    if not isinstance(quality, QualityTarget):
        return
    if output_format == "png":
        problems.at(f"{where}.quality", "a quality target needs a lossy format (jpeg, webp, "
                                        "avif or same): PNG is lossless and has no quality")
        return
    formats = ("JPEG", "WEBP", "AVIF") if output_format == "same" else (
        PILLOW_FORMAT[output_format],)
    for pillow_format in formats:
        low, high = quality.range_for(pillow_format)
        if low > high:
            problems.at(f"{where}.quality", f"min {low} is above max {high} for "
                                            f"{pillow_format} (its default range is "
                                            f"{QUALITY_RANGE[pillow_format][0]} to "
                                            f"{QUALITY_RANGE[pillow_format][1]})")


def _color(value: object) -> tuple[int, int, int]:
    try:
        return parse_color(_string(value))
    except ValueError as error:
        raise _Invalid(str(error)) from None


def _pass_through(value: object) -> object:
    return value  # effects are checked on their own, one by one


_REQUIRED = object()
_FIELDS: dict[str, tuple[Callable[[object], object], object]] = {
    "key": (_key_template, _REQUIRED),
    "size": (_size, _REQUIRED),
    "fit": (_choice(FITS), "contain"),
    "format": (_choice(FORMATS), "same"),
    "quality": (_quality, None),
    "background": (_color, None),
    "prefix": (_string, ""),
    "effects": (_pass_through, ()),
    "when": (_choice(WHEN), "upload"),
}


def _literal_extension(template: str) -> str | None:
    """The extension written literally at the end of the template, if it is an image one."""
    tail = _PLACEHOLDER.split(template)[-1]  # the text after the last placeholder
    name = tail.rpartition("/")[2]
    if "." not in name:
        return None
    extension = name.rpartition(".")[2].lower()
    return extension if extension in _FORMAT_OF_EXTENSION else None


def _check_key_against_format(where: str, template: str, output_format: str,
                              problems: _Problems) -> None:
    uses_ext = "ext" in _PLACEHOLDER.findall(template)
    if uses_ext and output_format != "same":
        problems.at(f"{where}.key", f"{{ext}} is the upload's extension, but format is "
                                    f"{output_format!r}: write the extension literally")
    extension = _literal_extension(template)
    if extension is None:
        return
    if output_format == "same":
        problems.at(f"{where}.format", f"'same' follows the upload's format, but key "
                                       f"{template!r} always ends in .{extension}: use "
                                       f"{{ext}} or name the format")
    elif _FORMAT_OF_EXTENSION[extension] != output_format:
        problems.at(f"{where}.format", f"{output_format!r} contradicts the .{extension} "
                                       f"extension of key {template!r}")


# --- keys apart ----------------------------------------------------------------------------
# Two outputs, or an output and the labels sidecar, must never name one object: one would
# overwrite the other, and delete sync, which deletes every key an upload's templates fill to,
# would delete another upload's output. Comparing template text misses most such pairs
# ("-x.{ext}" and "-x.jpg" for a .jpg; "-small" and "-x-small" for photo-x.jpg beside
# photo.jpg), so each template is filled for an ordinary upload of every extension, in both
# letter cases, and every upload key any template (the same one included) fills to that same
# key is worked out; then again for photo with the templates' literal text around it
# ("{folder}thumb-{stem}.jpg" for photo-small.jpg is "{folder}{stem}-small.jpg" for
# thumb-photo.jpg). Found: every clash one of whose two uploads can be such a name. Not
# proven: that no clash needs two stranger names; none is known. Prefixes are not considered:
# the templates must stay apart whatever the uploads are called.
# Not a clash, by design: uploads that differ only by extension (a.jpg, a.png) share the
# outputs of a template without {ext} (a-card.webp), as outputs.toml says.

_SIDECAR = object()  # the labels sidecar among the outputs' names; no output is called that
_MANIFEST = object()  # the manifest (MANIFEST=true), likewise
# The files written beside the outputs: what a message calls each, and when it is written.
_BESIDE = {_SIDECAR: ("the labels sidecar", "written with LABELS"),
           _MANIFEST: ("the manifest", "written with MANIFEST=true")}


def _probe_uploads(templates: Iterable[str]) -> list[str]:
    """folder/photo.<every extension, both cases>, then photo with each piece of the templates'
    literal text before or after it (a "thumb-{stem}" meets a "{stem}-small" only there)."""
    extensions = keys.supported_extensions()
    ordinary = [f"folder/photo.{extension}"
                for extension in (*extensions, *(extension.upper() for extension in extensions))]
    affixes = sorted({segment for template in templates
                      for literal in _PLACEHOLDER.split(template)[::2]
                      for segment in literal.split("/") if segment})
    return ordinary + [f"folder/{stem}.jpg" for affix in affixes
                       for stem in (f"{affix}photo", f"photo{affix}")]


def _uploads_filling(template: str, key: str, extension: str) -> Iterator[str]:
    """Every upload key `template` fills to `key`: a folder that is empty or ends in /, a stem
    without /, and a supported extension in any letter case. Where the template has no {ext},
    every extension fills it alike and `extension` stands for them all: the uploads that
    differ only by extension, which share its output by design, count as one."""
    pieces = _PLACEHOLDER.split(template)  # literal, placeholder, literal, ..., literal
    if not (key.startswith(pieces[0]) and key.endswith(pieces[-1])):
        return  # most pairs of templates part here

    def match(index: int, position: int, bound: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(pieces):
            if position == len(key):
                yield dict(bound)
            return
        piece = pieces[index]
        if index % 2 == 0 or piece in bound:  # literal text, or a placeholder seen before
            text = piece if index % 2 == 0 else bound[piece]
            if key.startswith(text, position):
                yield from match(index + 1, position + len(text), bound)
            return
        follows = pieces[index + 1]  # the literal after it, maybe empty
        for value in _placeholder_values(piece, key, position, follows):
            bound[piece] = value
            yield from match(index + 1, position + len(value), bound)
            del bound[piece]

    for parts in match(0, 0, {}):
        written = parts.get("ext")
        upload_extension = written.partition(".")[0] if written else extension
        yield f"{parts['folder']}{parts['stem']}.{upload_extension}"


def _placeholder_values(name: str, key: str, position: int, follows: str) -> Iterator[str]:
    """What `name` can stand for at `position` of a filled key, followed by `follows`."""
    if name == "folder":
        ends = [position] + [end for end in range(position + 1, len(key) + 1)
                             if key[end - 1] == "/"]
    elif name == "stem":
        slash = key.find("/", position)
        stop = len(key) if slash < 0 else slash
        ends = range(position + 1, stop + 1)
        if follows:  # only where the literal after the stem starts
            ends = [end for end in ends if key.startswith(follows, end)]
    else:  # ext: what keys.output_extension writes for an extension in any letter case
        ends = []
        for known in keys.supported_extensions():
            written = keys.output_extension(key[position:position + len(known)])
            if written.partition(".")[0].lower() == known and key.startswith(written, position):
                ends.append(position + len(written))
    for end in ends:
        if key.startswith(follows, end):
            yield key[position:end]


def _check_keys_apart(templates: Mapping[str, str], problems: _Problems) -> None:
    owners: dict[object, str] = {**templates, _SIDECAR: labels.SIDECAR_TEMPLATE,
                                 _MANIFEST: manifest.MANIFEST_TEMPLATE}
    order = list(owners)
    reported: set[frozenset] = set()
    probes = _probe_uploads(owners.values())
    for name in order:
        for upload in probes:
            try:
                key = fill_key(owners[name], upload, "probe")
            except PermanentError:
                continue  # longer than S3 allows for this upload: never written
            extension = upload.rpartition(".")[2]
            for other_name in order:
                for other in _uploads_filling(owners[other_name], key, extension):
                    pair = frozenset((name, other_name))
                    if pair in reported or (other_name == name and other == upload):
                        continue
                    reported.add(pair)
                    if other_name == name:
                        _self_clash(name, owners[name], upload, other, key, problems)
                    else:
                        first, second = sorted(((name, upload), (other_name, other)),
                                               key=lambda owner: order.index(owner[0]))
                        _pair_clash(second, first, owners, key, problems)


def _self_clash(name: object, template: str, upload: str, other: str, key: str,
                problems: _Problems) -> None:
    hint = f"; put text between {{stem}} and .{{ext}} (like -{name})" if (
        "{stem}.{ext}" in template) else ""
    problems.at(f"[{name}].key", f"{template!r} gives two uploads one object: {upload} and "
                                 f"{other} both get {key!r}; one would overwrite the other's "
                                 f"output, and deleting one upload would delete it{hint}")


def _pair_clash(reported: tuple[object, str], other: tuple[object, str],
                owners: Mapping[object, str], key: str, problems: _Problems) -> None:
    """Named at the later output of the two; the files beside the outputs, last, never are."""
    (name, upload), (other_name, other_upload) = reported, other
    if name in _BESIDE:
        (name, upload), (other_name, other_upload) = other, reported
    if other_name in _BESIDE:
        called, when = _BESIDE[other_name]
        described = f"{called}'s {owners[other_name]!r} ({when})"
    else:
        called, described = f"[{other_name}]", f"[{other_name}]'s {owners[other_name]!r}"
    if upload == other_upload:
        how = f"for {upload} both write {key!r}; one output would overwrite the other"
    else:
        how = (f"[{name}] for {upload} and {called} for {other_upload} both write {key!r}; "
               "one would overwrite the other, and deleting one upload would delete the "
               "other's output")
    problems.at(f"[{name}].key", f"{owners[name]!r} and {described} name one object: {how}")


# --- effects -------------------------------------------------------------------------------

def _number(low: float, high: float | None = None, *, low_inclusive: bool = False):
    def parse(value: object) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _Invalid(f"must be a number, got {value!r}")
        number = float(value)
        above = number >= low if low_inclusive else number > low
        if not math.isfinite(number) or not above or (high is not None and number > high):
            bound = f"{'at least' if low_inclusive else 'greater than'} {low:g}"
            if high is not None:
                bound += f" and at most {high:g}"
            raise _Invalid(f"must be {bound}, got {value!r}")
        return number
    return parse


def _non_empty_text(value: object) -> str:
    text = _string(value)
    if not text.strip():
        raise _Invalid("must not be empty")
    return text


# A caption or credit, drawn on one line, never wrapped, clipped at the image's edge. 200
# characters of Pillow's default font fill a 1280x720 output at size 0.02 (14 px, about the
# smallest legible); more is never seen, and drawing it costs memory all the same (1,000 at
# size 1.0 on 720 px: an overlay 347,000 px wide, 0.9 GB).
MAX_TEXT_CHARACTERS = 200


def _one_line_of_text(value: object) -> str:
    text = _non_empty_text(value)
    if len(text) > MAX_TEXT_CHARACTERS:
        raise _Invalid(f"is {len(text)} characters, over {MAX_TEXT_CHARACTERS}: it is drawn on "
                       "one line, never wrapped, and what passes the image's edge is not seen")
    if not text.isprintable():
        raise _Invalid("must be one line of printable characters (no line breaks, tabs or "
                       f"control characters), got {text!r}")
    return text


_GRAVITY = (_choice(GRAVITIES, {"center": "centre"}), "south-east")
_OPACITY_RANGE = _number(0, 1, low_inclusive=True)
# A watermark is decoded once per process and kept, as RGBA, outside the memory budget of
# each upload (image/effects.py), and drawn at most as wide as the output: 2048x2048 is 16 MB.
MAX_WATERMARK_PIXELS = 2048 * 2048


def _watermark_file(path: Path, value: str) -> None:
    """An image Pillow opens and decodes whole (drawing converts it to RGBA), small enough."""
    try:
        with Image.open(path) as mark:
            width, height = mark.size
            if width * height > MAX_WATERMARK_PIXELS:
                raise _Invalid(f"{value!r} is {width}x{height}, over {MAX_WATERMARK_PIXELS:,} "
                               "pixels (2048x2048)")
            try:
                mark.convert("RGBA")
            except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many kinds
                raise _Invalid(f"{value!r} cannot be read whole: {error}") from None
    except UnidentifiedImageError:
        raise _Invalid(f"{value!r} is no image Pillow can open (PNG, WebP, JPEG...)") from None
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise _Invalid(f"{value!r} cannot be opened as an image: {error}") from None


def _font_file(path: Path, value: str) -> None:
    try:
        ImageFont.truetype(str(path), 12)
    except Exception as error:  # noqa: BLE001 - FreeType's refusals come as several kinds
        raise _Invalid(f"{value!r} is no font Pillow can load (TrueType or OpenType): "
                       f"{error}") from None


@dataclass(frozen=True)
class _Asset:
    """A file under chalicelib/config/ (checked against asset_root), and what it must be."""

    check: Callable[[Path, str], None]


_WATERMARK, _FONT = _Asset(_watermark_file), _Asset(_font_file)
_EFFECTS: dict[str, dict[str, tuple[object, object]]] = {
    "flip": {"direction": (_choice(("horizontal", "vertical")), _REQUIRED)},
    "greyscale": {},
    "brightness": {"factor": (_number(0), _REQUIRED)},
    "contrast": {"factor": (_number(0), _REQUIRED)},
    "colorize": {"black": (_color, _REQUIRED), "white": (_color, _REQUIRED)},
    "blur": {"radius": (_number(0), _REQUIRED)},
    "sharpen": {},
    "text": {
        "text": (_one_line_of_text, _REQUIRED),
        "gravity": _GRAVITY,
        "size": (_number(0, 1), 0.05),
        "color": (_color, (255, 255, 255)),
        "opacity": (_OPACITY_RANGE, 0.8),
        "font": (_FONT, None),
    },
    "watermark": {
        "image": (_WATERMARK, _REQUIRED),
        "gravity": _GRAVITY,
        "scale": (_number(0, 1), 0.2),
        "opacity": (_OPACITY_RANGE, 0.5),
    },
}


def _effects(where: str, value: object, asset_root: Path,
             problems: _Problems) -> tuple[Effect, ...] | None:
    if not isinstance(value, list):
        problems.at(f"{where}.effects", f"must be an array of tables like "
                                        f"[{{op = \"greyscale\"}}], got {value!r}")
        return None
    before = len(problems.messages)
    effects = []
    for number, entry in enumerate(value, start=1):
        effect = _effect(f"{where}.effects[{number}]", entry, asset_root, problems)
        if effect is not None:
            effects.append(effect)
    return tuple(effects) if len(problems.messages) == before else None


def _effect(where: str, entry: object, asset_root: Path, problems: _Problems) -> Effect | None:
    if not isinstance(entry, dict):
        problems.at(where, f"must be a table like {{op = \"greyscale\"}}, got {entry!r}")
        return None
    op = entry.get("op")
    if op not in _EFFECTS:
        problems.at(f"{where}.op", f"unknown op {op!r}; known: {', '.join(_EFFECTS)}")
        return None
    schema = _EFFECTS[op]
    ok = True
    for parameter in sorted(set(entry) - set(schema) - {"op"}):
        known = ", ".join(schema) or "no parameters"
        problems.at(f"{where}.{parameter}", f"{op} has no parameter {parameter!r} "
                                            f"(it takes {known})")
        ok = False
    params = {}
    for parameter, (parse, default) in schema.items():
        if parameter not in entry:
            if default is _REQUIRED:
                problems.at(f"{where}.{parameter}", f"{op} needs {parameter}")
                ok = False
            params[parameter] = default
            continue
        try:
            if isinstance(parse, _Asset):
                params[parameter] = _asset(entry[parameter], asset_root, parse)
            else:
                params[parameter] = parse(entry[parameter])
        except _Invalid as error:
            problems.at(f"{where}.{parameter}", f"{op} {parameter} {error}")
            ok = False
    return Effect(op, MappingProxyType(params)) if ok else None


def _asset(value: object, asset_root: Path, kind: _Asset) -> Path:
    """A file shipped inside chalicelib/config/ (so it is deployed) that is what `kind`
    needs: its absolute path."""
    relative = _string(value)
    parts = PurePosixPath(relative)
    if not relative or parts.is_absolute() or "\\" in relative or ".." in parts.parts:
        raise _Invalid(f"must be a path under chalicelib/config/ like \"watermarks/logo.png\", "
                       f"got {value!r}")
    root = asset_root.resolve()
    path = (root / parts).resolve()
    if not path.is_relative_to(root):
        raise _Invalid(f"{value!r} leads outside chalicelib/config/")
    if not path.is_file():
        raise _Invalid(f"{value!r}: no such file under chalicelib/config/")
    kind.check(path, relative)
    return path
