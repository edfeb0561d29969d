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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from chalicelib.config import keys
from chalicelib.errors import PermanentError
from chalicelib.image.effects import GRAVITIES
from chalicelib.image.fits import FITS

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
MAX_SIDE = 10000

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_SIZE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")
_HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{6})$")
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
    quality: int | None
    background: tuple[int, int, int] | None
    prefix: str
    effects: tuple[Effect, ...]

    def applies_to(self, upload_key: str) -> bool:
        return upload_key.startswith(self.prefix)

    def key_for(self, upload_key: str) -> str:
        return fill_key(self.key, upload_key, self.name)

    def pillow_format(self, upload_key: str) -> str:
        if self.format == "same":
            return keys.output_format(upload_key)
        return PILLOW_FORMAT[self.format]


def fill_key(template: str, upload_key: str, what: str) -> str:
    """The template filled in as keys.thumbnail_key splits a key:
    a/b/x.v2.JPG -> folder "a/b/", stem "x.v2", ext "JPG"; ext is "jpg" for HEIC/HEIF uploads,
    whose format "same" is JPEG. `what` names it in errors."""
    keys.output_format(upload_key)  # the same check of the extension as today
    folder, slash, name = upload_key.rpartition("/")
    stem, _, extension = name.rpartition(".")
    values = {"folder": folder + slash, "stem": stem, "ext": keys.output_extension(extension)}
    result = _PLACEHOLDER.sub(lambda match: values[match[1]], template)
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
    _check_distinct_keys({name: table["key"] for name, table in document.items()
                          if isinstance(table, dict) and isinstance(table.get("key"), str)},
                         problems)
    problems.raise_any()
    return outputs


def select(outputs: dict[str, Output], names: str) -> tuple[Output, ...]:
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
    if any(value is None for field, value in values.items()
           if _FIELDS[field][1] is _REQUIRED) or effects is None:
        return None
    return Output(name=name, key=values["key"], size=values["size"], fit=values["fit"],
                  format=values["format"], quality=values["quality"],
                  background=values["background"], prefix=values["prefix"], effects=effects)


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
    return template


def _size(value: object) -> tuple[int, int]:
    match = _SIZE.match(_string(value))
    if not match:
        raise _Invalid(f"must look like \"1280x720\", got {value!r}")
    width, height = int(match[1]), int(match[2])
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise _Invalid(f"sides must be between 1 and {MAX_SIDE}, got {value!r}")
    return width, height


def _quality(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(f"must be an integer from 1 to 100, got {value!r}")
    if not 1 <= value <= 100:
        raise _Invalid(f"must be from 1 to 100, got {value}")
    return value


def _color(value: object) -> tuple[int, int, int]:
    match = _HEX_COLOR.match(_string(value))
    if not match:
        raise _Invalid(f"must be a colour like \"#ffffff\", got {value!r}")
    rgb = int(match[1], 16)
    return (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF


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


def _check_distinct_keys(templates: Mapping[str, str], problems: _Problems) -> None:
    first_with: dict[str, str] = {}
    for name, template in templates.items():
        if template in first_with:
            problems.at(f"[{name}].key", f"{template!r} is also the key of "
                                         f"[{first_with[template]}]: one would overwrite "
                                         "the other")
        else:
            first_with[template] = name


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


_GRAVITY = (_choice(GRAVITIES, {"center": "centre"}), "south-east")
_OPACITY_RANGE = _number(0, 1, low_inclusive=True)
_ASSET = object()  # a file under chalicelib/, checked against asset_root
_EFFECTS: dict[str, dict[str, tuple[object, object]]] = {
    "flip": {"direction": (_choice(("horizontal", "vertical")), _REQUIRED)},
    "greyscale": {},
    "brightness": {"factor": (_number(0), _REQUIRED)},
    "contrast": {"factor": (_number(0), _REQUIRED)},
    "colorize": {"black": (_color, _REQUIRED), "white": (_color, _REQUIRED)},
    "blur": {"radius": (_number(0), _REQUIRED)},
    "sharpen": {},
    "text": {
        "text": (_non_empty_text, _REQUIRED),
        "gravity": _GRAVITY,
        "size": (_number(0, 1), 0.05),
        "color": (_color, (255, 255, 255)),
        "opacity": (_OPACITY_RANGE, 0.8),
        "font": (_ASSET, None),
    },
    "watermark": {
        "image": (_ASSET, _REQUIRED),
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
            if parse is _ASSET:
                params[parameter] = _asset(entry[parameter], asset_root)
            else:
                params[parameter] = parse(entry[parameter])
        except _Invalid as error:
            problems.at(f"{where}.{parameter}", f"{op} {parameter} {error}")
            ok = False
    return Effect(op, MappingProxyType(params)) if ok else None


def _asset(value: object, asset_root: Path) -> Path:
    """A file shipped inside chalicelib/ (so it is deployed): its absolute path."""
    relative = _string(value)
    parts = PurePosixPath(relative)
    if not relative or parts.is_absolute() or "\\" in relative or ".." in parts.parts:
        raise _Invalid(f"must be a path under chalicelib/ like \"watermarks/logo.png\", "
                       f"got {value!r}")
    root = asset_root.resolve()
    path = (root / parts).resolve()
    if not path.is_relative_to(root):
        raise _Invalid(f"{value!r} leads outside chalicelib/")
    if not path.is_file():
        raise _Invalid(f"{value!r}: no such file under chalicelib/")
    return path
