"""The pure core: image bytes in, thumbnail bytes out. No S3, no logging, no settings lookup.

Every decision here is about real photos: orientation applied to the small image (never a
full-size transpose), JPEG decoded at reduced scale, colour profiles kept only on pixels they
describe, alpha flattened only where the output format cannot carry it.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PIL import ExifTags, Image, UnidentifiedImageError

from chalicelib.errors import ImageRejected, OutOfTime
from chalicelib.image import budget, decode, effects, encode, fits, heif
from chalicelib.image.structure import Inspected, inspect

# The pixel limit is ours (Limits.max_pixels), checked right after the header is read.
# Pillow's global check would otherwise cap it at 2 x 89 megapixels and warn on panoramas.
Image.MAX_IMAGE_PIXELS = None

# Pillow opens multi-picture (MPO) camera JPEGs through its JPEG plugin, at the primary image.
# HEIF through pi-heif (heif.py, registered only when an upload is one), WebP and AVIF through
# Pillow. structure.py names the container from its header, and only that plugin may open it.
ACCEPTED_FORMATS = ("JPEG", "PNG", "HEIF", "WEBP", "AVIF")
_FORMATS_OF_CONTAINER = {"HEIF": ("HEIF",), "AVIF": ("AVIF",), "WEBP": ("WEBP",)}
FORMAT_NAMES = "JPEG, PNG, HEIC/HEIF, WebP or AVIF"

# Errors Pillow raises for bytes it cannot decode. Rendering is deterministic, so these are
# permanent: the same bytes fail the same way on every retry.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)
# Failures the same bytes repeat on every retry although the file may be well formed: decoding
# or resizing ran out of memory (MemoryError; libavif's "Pixel allocation failed" RuntimeError)
# or a codec gave up (Pillow's AVIF plugin raises RuntimeError for what it does not map).
_FAILS_AGAIN_ON_RETRY = (MemoryError, RuntimeError)

_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_MAGIC = (
    (b"GIF8", "GIF"),
    (b"RIFF", "RIFF (not WebP)"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"\x00\x00\x00\x0cjP", "JPEG 2000"),
)


@dataclass(frozen=True)
class Limits:
    """What applies before any pixel is decoded."""

    max_pixels: int = 150_000_000
    memory_mb: int = 1024  # the function's memory; budget.py keeps the runtime's share aside
    seconds_left: float = math.inf  # what the invocation can still spend on this render


@dataclass(frozen=True)
class OutputRequest:
    """One picture to make from the upload: pixels and encoding only (keys are not ours)."""

    name: str
    box: tuple[int, int]
    fit: str = "contain"  # fits.py: contain, cover, pad
    pillow_format: str = "JPEG"  # JPEG, PNG, WEBP, AVIF
    # None: the format's default; a QualityTarget: chosen per image (encode.py)
    quality: int | encode.QualityTarget | None = None
    background: tuple[int, int, int] = (255, 255, 255)
    effects: tuple = ()  # objects with .op and .params (outputs.Effect); file paths absolute


@dataclass(frozen=True)
class RenderedImage:
    name: str
    data: bytes
    content_type: str
    size: tuple[int, int]
    quality: int | None = None  # the encoder quality used (None: PNG)
    score: float | None = None  # similarity.score reached, when a quality target chose it

    @property
    def format(self) -> str:
        """jpeg, png, webp or avif, as outputs.toml names them."""
        return self.content_type.removeprefix("image/")


@dataclass(frozen=True)
class Rendered:
    images: tuple[RenderedImage, ...]
    source_size: tuple[int, int]  # as displayed (orientation applied)
    source_format: str
    source_mode: str
    notes: tuple[str, ...] = field(default=())  # harmless oddities worth a log mention


def render_outputs(data: bytes, requests: Sequence[OutputRequest], limits: Limits = Limits(),
                   on_image: Callable[[RenderedImage], None] | None = None) -> Rendered:
    """Every requested picture of `data` from one decode, upright, each in its own format.
    `on_image` is called with each picture as soon as it is encoded, in the requests' order
    (the caller can store one while the next is made).

    The upload is decoded once, at the scale the largest output needs (JPEG: shrink-on-load);
    every output is resampled from that. Raises ImageRejected with a human-readable reason when
    the bytes cannot be rendered, OutOfTime when the render would outlast the invocation.
    """
    if not requests:
        raise ValueError("no outputs requested")
    for request in requests:
        if request.pillow_format not in encode.CONTENT_TYPES:
            raise ValueError(f"unsupported output format {request.pillow_format!r}")
    if not data:
        raise ImageRejected("empty file (0 bytes)")
    inspected = inspect(data)  # refuses marker and chunk floods before Pillow parses them
    notes: list[str] = list(inspected.notes)
    if inspected.size:  # WebP: libwebp allocates the canvas on open, so check its header first
        _check_pixel_count(inspected.size, limits.max_pixels)
        _check_budget(inspected.size, "RGBA", "WEBP", True, inspected, requests, limits)
    if inspected.container == "HEIF":
        heif.register()  # loads pi-heif: only HEIF uploads pay for it
    formats = _FORMATS_OF_CONTAINER.get(inspected.container, ("JPEG", "PNG"))
    try:
        with Image.open(io.BytesIO(inspected.data), formats=formats) as source:
            _check_pixel_count(source.size, limits.max_pixels)
            stored_size, source_format, source_mode = source.size, source.format, source.mode
            if inspected.container and getattr(source, "n_frames", 1) > 1:
                notes.append(f"{source.n_frames} frames or images: the first (primary) rendered")
            picture = source
            if inspected.container == "HEIF":
                orientation = _heif_orientation(source, inspected, notes)
                picture = _heif_thumbnail(source, inspected, requests, limits, orientation,
                                          notes) or source
            else:
                _check_budget(source.size, source.mode, source_format, _converts(source),
                              inspected, requests, limits)
                if source_format == "PNG":
                    source.load()  # no shrink-on-load for PNG, and its EXIF may follow the pixels
                orientation = _read_orientation(source, notes)
            turned = orientation >= 5
            working = decode.decode_reduced(picture,
                                            _decode_size(picture.size, requests, turned))
            icc_profile = source.info.get("icc_profile")
    except UnidentifiedImageError:
        raise ImageRejected(f"not a {FORMAT_NAMES} image{_sniff(data, inspected)}") from None
    except _DECODE_ERRORS as error:
        raise ImageRejected(f"corrupt or truncated image: {error}") from None
    except _FAILS_AGAIN_ON_RETRY as error:
        raise _for_good("decoding", error) from None

    try:
        if orientation > 1:
            working = working.transpose(_TRANSPOSE_FOR_ORIENTATION[orientation])
        working, icc_profile = decode.to_common_pixels(working, icc_profile, notes)
        upright = (stored_size[1], stored_size[0]) if turned else stored_size
        images = []
        for request in requests:
            images.append(_make_output(working, upright, request, icc_profile))
            if on_image is not None:
                on_image(images[-1])
    except _FAILS_AGAIN_ON_RETRY as error:
        raise _for_good("making the outputs", error) from None
    return Rendered(images=tuple(images), source_size=upright, source_format=source_format or "?",
                    source_mode=source_mode, notes=tuple(notes))


def _decode_size(stored: tuple[int, int], requests: Sequence[OutputRequest],
                 turned: bool) -> tuple[int, int]:
    """The largest size any output needs, in the stored orientation, never above the source."""
    needed = [fits.needed_size(stored, request.box[::-1] if turned else request.box, request.fit)
              for request in requests]
    width, height = max(needed, key=lambda size: size[0] * size[1])
    if width > stored[0] or height > stored[1]:
        return stored  # an output larger than the upload is scaled up from the full decode
    return width, height


def _make_output(working: Image.Image, upright: tuple[int, int], request: OutputRequest,
                 icc_profile: bytes | None) -> RenderedImage:
    needed = fits.needed_size(upright, request.box, request.fit)
    if request.fit == "cover":  # resamples as it crops: the covering size may be huge
        pixels = fits.cover(working, request.box, needed)
    else:
        pixels = working if working.size == needed else decode.resize(working, needed)
    if request.fit == "pad":
        pixels = fits.pad(pixels, request.box, request.background)
    if request.effects:
        pixels = effects.apply(pixels, request.effects)
    encoded = encode.encode_output(pixels, request.pillow_format, request.quality,
                                   request.background, icc_profile)
    return RenderedImage(name=request.name, data=encoded.data, size=pixels.size,
                         content_type=encode.CONTENT_TYPES[request.pillow_format],
                         quality=encoded.quality, score=encoded.score)


def _for_good(step: str, error: BaseException) -> ImageRejected:
    """A failure of `step` that a retry of the same bytes would repeat."""
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return ImageRejected(f"{step} failed ({what}); the same bytes fail the same way again")


def _check_pixel_count(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise ImageRejected(
            f"over the pixel limit: {width}x{height} is {width * height:,} pixels, "
            f"the limit is {max_pixels:,}"
        )


def _read_orientation(image: Image.Image, notes: list[str]) -> int:
    """EXIF orientation 1-8; anything unreadable or out of range counts as upright (1)."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (SyntaxError, ValueError, struct.error, KeyError, IndexError, TypeError) as error:
        notes.append(f"unreadable EXIF ignored ({error})")
        return 1
    if value == 0:  # "undefined", written by some cameras and editors: upright
        return 1
    if value not in range(1, 9):
        notes.append(f"invalid EXIF orientation {value!r} ignored")
        return 1
    return value


def _converts(image: Image.Image) -> bool:
    return decode.working_mode(image) != image.mode


def _heif_orientation(source: Image.Image, inspected: Inspected, notes: list[str]) -> int:
    """libheif has applied irot/imir and pi-heif has set the EXIF orientation to 1: turning
    by the EXIF value as well would turn twice. Without irot/imir the EXIF value (kept by
    pi-heif as original_orientation) says how the stored pixels are meant to be shown."""
    exif_value = source.info.get("original_orientation") or 1
    if inspected.transformed:
        if exif_value != 1:
            notes.append(f"orientation from the container's irot/imir, applied by the "
                         f"decoder; EXIF orientation {exif_value} not applied again")
        return 1
    if exif_value not in range(1, 9):
        notes.append(f"invalid EXIF orientation {exif_value!r} ignored")
        return 1
    return exif_value


def _heif_thumbnail(source: Image.Image, inspected: Inspected,
                    requests: Sequence[OutputRequest], limits: Limits, orientation: int,
                    notes: list[str]) -> Image.Image | None:
    """The embedded thumbnail when it is at least as large as every output needs (decoded
    instead of the full image: HEIC has no shrink-on-load), else None after the budget check
    of the full decode."""
    needed = _decode_size(source.size, requests, orientation >= 5)
    size = (heif.thumbnail_size(inspected.data, source.size, needed)
            if needed != source.size else None)
    if size is None:
        _check_budget(source.size, source.mode, "HEIF", _converts(source), inspected, requests,
                      limits)
        return None
    _check_budget(size, source.mode, "HEIF", _converts(source), inspected, requests, limits)
    notes.append(f"embedded {size[0]}x{size[1]} thumbnail decoded instead of the "
                 f"{source.width}x{source.height} image")
    return heif.decode_thumbnail(inspected.data, size)


def _check_budget(size: tuple[int, int], mode: str, image_format: str | None,
                  needs_conversion: bool, inspected: Inspected,
                  requests: Sequence[OutputRequest], limits: Limits) -> None:
    """Refuse, from the header alone, what would not fit in the function's memory (for good)
    or in the time left (for this invocation). The orientation may only be known after a PNG's
    pixels, so both turns of the boxes count."""
    worst = max(
        (budget.estimate(inspected, mode, size, _decode_size(size, requests, turned),
                         needs_conversion, output_pixels=_held_pixels(size, requests, turned))
         for turned in (False, True)),
        key=lambda estimate: estimate.total,
    )
    kind = f"{size[0]}x{size[1]} {image_format} {mode}"
    if inspected.jpeg and inspected.jpeg.progressive:
        kind += " progressive"
    try:
        budget.check(worst, limits.memory_mb)
    except budget.OverBudget as over:
        raise ImageRejected(f"over the memory budget: {kind} {over}") from None
    outputs = [(_output_pixels(size, request), request.pillow_format,
                isinstance(request.quality, encode.QualityTarget)) for request in requests]
    seconds = budget.render_seconds(inspected, mode, size, _decode_size(size, requests, False),
                                    needs_conversion, outputs, limits.memory_mb)
    if seconds > limits.seconds_left:  # transient: a fresh invocation has its whole timeout
        raise OutOfTime(
            f"rendering {kind} is expected to take {seconds:.2f} s, "
            f"{max(limits.seconds_left, 0):.2f} s are left; retry with a fresh timeout"
        )


def _output_pixels(size: tuple[int, int], request: OutputRequest) -> int:
    """The pixels an output will have: the box for cover and pad, no more than the source's
    for contain (an orientation that turns the picture changes neither much)."""
    if request.fit != "contain":
        return request.box[0] * request.box[1]
    width, height = fits.needed_size(size, request.box, request.fit)
    return width * height


def _searched_pixels(size: tuple[int, int], requests: Sequence[OutputRequest]) -> int:
    """The largest output whose quality is searched (outputs are made one at a time)."""
    return max((_output_pixels(size, request) for request in requests
                if isinstance(request.quality, encode.QualityTarget)), default=0)


def _held_pixels(stored: tuple[int, int], requests: Sequence[OutputRequest],
                 turned: bool) -> int:
    """The outputs' pixels as they are made: each box, or a cover output's covering size when
    fits.cover resizes the whole decoded image to it before cropping."""
    decoded = _decode_size(stored, requests, turned)
    total = 0
    for request in requests:
        box = request.box[::-1] if turned else request.box  # in the stored orientation
        made = box
        if request.fit == "cover":
            covering = fits.needed_size(stored, box, "cover")
            made = covering if fits.makes_covering_size(decoded, covering) else box
        total += made[0] * made[1]
    return total


def _sniff(data: bytes, inspected: Inspected | None = None) -> str:
    """A hint for the log: what the bytes look like instead."""
    if inspected is not None and inspected.container:
        return f" (its header says {inspected.container}, but the decoder could not read it)"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f" (looks like {name})"
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return " (looks like HTML/XML text)"
    return ""
