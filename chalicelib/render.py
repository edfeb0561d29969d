"""The pure core: image bytes in, thumbnail bytes out. No S3, no logging, no settings lookup.

Every decision here is about real photos: orientation applied to the small image (never a
full-size transpose), JPEG decoded at reduced scale, colour profiles kept only on pixels they
describe, alpha flattened only where the output format cannot carry it.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass, field

from PIL import ExifTags, Image, UnidentifiedImageError

from chalicelib import budget
from chalicelib.deadline import OutOfTime
from chalicelib.errors import ImageRejected
from chalicelib.structure import Inspected, inspect

# The pixel limit is ours (ThumbnailSpec.max_pixels), checked right after the header is read.
# Pillow's global check would otherwise cap it at 2 x 89 megapixels and warn on panoramas.
Image.MAX_IMAGE_PIXELS = None

# Pillow opens multi-picture (MPO) camera JPEGs through its JPEG plugin, at the primary image.
ACCEPTED_FORMATS = ("JPEG", "PNG")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}

# Decode JPEGs at the smallest 1/2, 1/4 or 1/8 scale that is still at least the final size
# (libjpeg's scaled IDCT filters as it shrinks), then Lanczos the small remainder. Decoding at
# twice the final size instead cost 1.5x the time for no visible gain (see README, Performance).
JPEG_DRAFT_MARGIN = 1.0
# The resampling filter by reduction factor (after shrink-on-load): Lanczos for small factors,
# where its sharpness shows; bicubic from 1.5x, where the two look the same at thumbnail size
# and bicubic costs a third less (8-megapixel photos: 61 -> 52 ms, see README, Performance).
BICUBIC_FROM_FACTOR = 1.5
# For large factors (PNG: no shrink-on-load), the image is first box-reduced to at least
# budget.REDUCING_GAP (2) times the final size, then resampled: 2.5x faster than from full size
# on a 12 MP image, mean difference 0.5 of 255. The reduction runs in strips of rows, together
# with any mode conversion, so the full-size image is held once (budget.py counts on it).
# PNG: the fast zlib level first; content that compresses well (graphics, logos, screenshots)
# is worth the stronger level, photo-like content is not (level 6 made photos slower AND larger).
PNG_FAST_LEVEL, PNG_STRONG_LEVEL = 1, 6
PNG_COMPRESSIBLE_RATIO = 4

# A colour profile larger than this is not copied into thumbnails (CMYK ones are still used).
MAX_EMBEDDED_PROFILE = 256 * 1024

# Errors Pillow raises for bytes it cannot decode. Rendering is deterministic, so these are
# permanent: the same bytes fail the same way on every retry.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)

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
    (b"RIFF", "RIFF/WebP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"\x00\x00\x00\x0cjP", "JPEG 2000"),
)


@dataclass(frozen=True)
class ThumbnailSpec:
    """What to make: the output format and the limits that apply before any pixel is decoded."""

    output_format: str  # "JPEG" or "PNG"
    box: tuple[int, int] = (1280, 720)
    jpeg_quality: int = 85
    background: tuple[int, int, int] = (255, 255, 255)
    max_pixels: int = 150_000_000
    memory_mb: int = 1024  # the function's memory; budget.py keeps the runtime's share aside
    seconds_left: float = math.inf  # what the invocation can still spend on this render


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    content_type: str
    size: tuple[int, int]  # as displayed (orientation applied)
    source_size: tuple[int, int]  # as displayed (orientation applied)
    source_format: str
    source_mode: str
    notes: tuple[str, ...] = field(default=())  # harmless oddities worth a log mention


def render_thumbnail(data: bytes, spec: ThumbnailSpec) -> Thumbnail:
    """Make a thumbnail of `data` that fits inside `spec.box`, upright, in `spec.output_format`.

    Raises ImageRejected with a human-readable reason when the bytes cannot be rendered.
    """
    if spec.output_format not in CONTENT_TYPES:
        raise ValueError(f"unsupported output format {spec.output_format!r}")
    if not data:
        raise ImageRejected("empty file (0 bytes)")
    inspected = inspect(data)  # refuses marker and chunk floods before Pillow parses them
    notes: list[str] = list(inspected.notes)
    try:
        with Image.open(io.BytesIO(inspected.data), formats=ACCEPTED_FORMATS) as source:
            _check_pixel_count(source.size, spec.max_pixels)
            _check_budget(source, inspected, spec)
            source_size, source_format, source_mode = source.size, source.format, source.mode
            if source_format == "PNG":
                source.load()  # no shrink-on-load for PNG, and its EXIF may follow the pixels
            orientation = _read_orientation(source, notes)
            box = spec.box if orientation < 5 else (spec.box[1], spec.box[0])
            small = _decode_reduced(source, fit_inside(source_size, box))
            icc_profile = source.info.get("icc_profile")
    except UnidentifiedImageError:
        raise ImageRejected(f"not a JPEG or PNG image{_sniff(data)}") from None
    except _DECODE_ERRORS as error:
        raise ImageRejected(f"corrupt or truncated image: {error}") from None

    small = small.transpose(_TRANSPOSE_FOR_ORIENTATION[orientation]) if orientation > 1 else small
    pixels, icc_profile = _to_output_pixels(small, spec, icc_profile, notes)
    if orientation >= 5:
        source_size = (source_size[1], source_size[0])
    return Thumbnail(
        data=_encode(pixels, spec, icc_profile),
        content_type=CONTENT_TYPES[spec.output_format],
        size=pixels.size,
        source_size=source_size,
        source_format=source_format or "?",
        source_mode=source_mode,
        notes=tuple(notes),
    )


def fit_inside(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with `size`'s aspect ratio that fits in `box`; never larger than `size`."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    if scale == 1.0:
        return size
    return (  # round half up: 112.5 -> 113, as an image editor would
        max(1, min(box[0], int(width * scale + 0.5))),
        max(1, min(box[1], int(height * scale + 0.5))),
    )


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


def _check_budget(image: Image.Image, inspected: Inspected, spec: ThumbnailSpec) -> None:
    """Refuse, from the header alone, what would not fit in the function's memory (for good)
    or in the time left (for this invocation). The orientation may only be known after a PNG's
    pixels, so both of the box's turns count."""
    worst = max(
        (budget.estimate(inspected, image.mode, image.size, fit_inside(image.size, box),
                         needs_conversion=_working_mode(image) != image.mode)
         for box in (spec.box, spec.box[::-1])),
        key=lambda estimate: estimate.total,
    )
    kind = f"{image.width}x{image.height} {image.format} {image.mode}"
    if inspected.jpeg and inspected.jpeg.progressive:
        kind += " progressive"
    try:
        budget.check(worst, spec.memory_mb)
    except budget.OverBudget as over:
        raise ImageRejected(f"over the memory budget: {kind} {over}") from None
    seconds = budget.render_seconds(inspected, image.size, fit_inside(image.size, spec.box))
    if seconds > spec.seconds_left:  # transient: a fresh invocation has its whole timeout
        raise OutOfTime(
            f"rendering {kind} may take {seconds:.1f} s, {max(spec.seconds_left, 0):.1f} s are "
            "left; retry with a fresh timeout"
        )


def _decode_reduced(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    """Decode (JPEG: at reduced scale) and resample to exactly `target`, in a mode that
    resamples well (RGB, RGBA, L, LA, CMYK, or 32-bit grey made 8-bit later by to_8bit_gray)."""
    if target != image.size:
        image.draft(None, (int(target[0] * JPEG_DRAFT_MARGIN), int(target[1] * JPEG_DRAFT_MARGIN)))
    image.load()
    working = _working_mode(image)
    if image.size == target:  # nothing to resample, so no premultiplied round trip either
        working = _UNPREMULTIPLIED.get(working, working)
    factors = budget.reduce_factors(image.size, target)
    if working != image.mode:
        reduced = _convert_and_reduce_in_strips(image, working, factors)
    elif factors != (1, 1):
        reduced = image.reduce(factors)  # holds only the reduced copy in these modes
    elif image.size == target:
        return image.copy()  # the source closes with its file
    else:
        reduced = image
    if reduced.size != target:
        factor = image.width / target[0]
        resample = (Image.Resampling.LANCZOS if factor < BICUBIC_FROM_FACTOR
                    else Image.Resampling.BICUBIC)
        region = (0, 0, image.width / factors[0], image.height / factors[1])
        reduced = reduced.resize(target, resample, box=region)
    return reduced.convert(_UNPREMULTIPLIED[working]) if working in _UNPREMULTIPLIED else reduced


# Alpha is resampled premultiplied (as Pillow's own resize does), so transparent pixels' colour
# never bleeds into their visible neighbours.
_UNPREMULTIPLIED = {"RGBa": "RGBA", "La": "LA"}
_WIDE_GRAY = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def _working_mode(image: Image.Image) -> str:
    """The mode pixels are resampled in: rare modes become common ones, a PNG tRNS colour key
    becomes real alpha, alpha is premultiplied, 16-bit grey widens to 32-bit (Pillow cannot
    box-reduce it)."""
    mode = image.mode
    keyed = "transparency" in image.info and mode in ("P", "L", "RGB")
    if mode in ("RGBA", "PA") or (keyed and mode in ("P", "RGB")):
        return "RGBa"
    if mode == "LA" or keyed:
        return "La"
    if mode in ("RGB", "L", "CMYK", "I", "F"):
        return mode
    if mode == "P":
        return "RGB"
    if mode == "1":
        return "L"
    if mode in _WIDE_GRAY:
        return "I"
    raise ImageRejected(f"cannot render pixel mode {mode}")


def _convert_and_reduce_in_strips(
    image: Image.Image, working: str, factors: tuple[int, int]
) -> Image.Image:
    """Mode conversion and box reduction a band of rows at a time: Pillow's convert() and
    reduce() on the whole image would each hold a second full-size copy."""
    width, height = image.size
    step_x, step_y = factors
    rows = max(step_y, budget.STRIP_BYTES // (4 * width) // step_y * step_y)
    reduced = Image.new(working, (-(-width // step_x), -(-height // step_y)))
    for top in range(0, height, rows):
        strip = _to_working_mode(image.crop((0, top, width, min(height, top + rows))), working)
        if factors != (1, 1):
            strip = strip.reduce(factors)
        reduced.paste(strip, (0, top // step_y))
    return reduced


def _to_working_mode(strip: Image.Image, working: str) -> Image.Image:
    if strip.mode == working:
        return strip
    straight = _UNPREMULTIPLIED.get(working)
    if straight and strip.mode != straight:  # via RGBA/LA, which applies a colour key
        strip = strip.convert(straight)
    return strip.convert(working)


def to_8bit_gray(image: Image.Image) -> Image.Image:
    """Map 16-bit, 32-bit integer and float grayscale to 8-bit L.

    16-bit data keeps its nominal 0-65535 range (a dark photo stays dark); 32-bit integers that
    fit 16 bits are treated the same; float images in 0-1 scale by 255; anything else is
    stretched from its own minimum to maximum.
    """
    if image.mode.startswith("I;16"):
        image = image.convert("I")
    if image.mode == "I":
        low, high = image.getextrema()
        if low >= 0 and high <= 65535:
            low, high = 0, 65535
    else:
        low, high = image.getextrema()
        if low >= 0.0 and high <= 1.0:
            low, high = 0.0, 1.0
    span = (high - low) or 1
    scale = 255 / span
    floats = image.convert("F") if image.mode != "F" else image
    return floats.point(lambda value: (value - low) * scale).convert("L")


def _to_output_pixels(
    image: Image.Image, spec: ThumbnailSpec, icc_profile: bytes | None, notes: list[str]
) -> tuple[Image.Image, bytes | None]:
    """Convert to a mode the output format stores, keeping the profile only where it fits."""
    icc_profile = _usable_profile(icc_profile, notes)
    if image.mode in _WIDE_GRAY:
        image = to_8bit_gray(image)
    if image.mode == "CMYK":
        image, icc_profile = _cmyk_to_srgb(image, icc_profile, notes)
    if spec.output_format == "JPEG" and image.mode in ("RGBA", "LA"):
        image = _flatten(image, spec.background)
    if icc_profile and _icc_colour_space(icc_profile) != _COLOUR_SPACE_OF_MODE[image.mode]:
        icc_profile = None
    return image, icc_profile


_COLOUR_SPACE_OF_MODE = {"RGB": b"RGB ", "RGBA": b"RGB ", "L": b"GRAY", "LA": b"GRAY"}


def _usable_profile(profile: bytes | None, notes: list[str]) -> bytes | None:
    """The profile trimmed to its declared size, or None if it is malformed or oversized.

    Real RGB and grey profiles are a few kilobytes; one that is not would make every
    thumbnail carry it (an upload could pad it to a megabyte).
    """
    if not profile:
        return None
    declared = int.from_bytes(profile[:4], "big")
    if len(profile) < 128 or profile[36:40] != b"acsp" or not 128 <= declared <= len(profile):
        notes.append("malformed ICC profile dropped")
        return None
    if declared > MAX_EMBEDDED_PROFILE and _icc_colour_space(profile) != b"CMYK":
        notes.append(f"ICC profile of {declared:,} bytes dropped (over {MAX_EMBEDDED_PROFILE:,})")
        return None
    return profile[:declared]


def _icc_colour_space(profile: bytes) -> bytes:
    return profile[16:20]


def _cmyk_to_srgb(
    image: Image.Image, icc_profile: bytes | None, notes: list[str]
) -> tuple[Image.Image, None]:
    """CMYK pixels become sRGB: through their own profile when they have one."""
    if icc_profile and _icc_colour_space(icc_profile) == b"CMYK":
        from PIL import ImageCms  # only CMYK sources pay for loading LittleCMS

        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError) as error:
            notes.append(f"CMYK profile unusable, converted without it ({error})")
        else:
            if converted is not None:
                return converted, None
    return image.convert("RGB"), None


def _flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite transparent pixels onto the background colour (JPEG has no alpha)."""
    gray_background = background[0] == background[1] == background[2]
    if image.mode == "LA" and gray_background:
        base = Image.new("L", image.size, background[0])
        base.paste(image.convert("L"), mask=image.getchannel("A"))
        return base
    base = Image.new("RGB", image.size, background)
    rgba = image.convert("RGBA")
    base.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return base


def _encode(image: Image.Image, spec: ThumbnailSpec, icc_profile: bytes | None) -> bytes:
    # Nothing from the source's metadata travels except the colour profile: no EXIF (GPS is
    # private, and a leftover orientation tag would turn the upright pixels again), no comments.
    image.info = {}
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if spec.output_format == "JPEG":
        # optimize=True saved 1-2% of bytes for 2.5x the encode time: not worth it here.
        return _save(image, "JPEG", quality=spec.jpeg_quality, **extra)
    fast = _save(image, "PNG", compress_level=PNG_FAST_LEVEL, **extra)
    raw_size = image.width * image.height * len(image.getbands())
    if len(fast) * PNG_COMPRESSIBLE_RATIO > raw_size:
        return fast
    return min(fast, _save(image, "PNG", compress_level=PNG_STRONG_LEVEL, **extra), key=len)


def _save(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def _sniff(data: bytes) -> str:
    """A hint for the log: what the bytes look like instead."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f" (looks like {name})"
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return " (looks like HTML/XML text)"
    return ""
