"""Decoding: from an opened upload to upright-ready pixels that every output step takes.

Shrink-on-load for JPEG, mode conversions and box reduction in strips (so the full-size image
exists once: budget.py counts on it), wide grey made 8-bit, CMYK made sRGB through its profile,
colour profiles kept only where they describe the pixels.
"""

from __future__ import annotations

import io

from PIL import Image

from chalicelib.errors import ImageRejected
from chalicelib.image import budget

# Decode JPEGs at the smallest 1/2, 1/4 or 1/8 scale that is still at least the final size
# (libjpeg's scaled IDCT filters as it shrinks), then Lanczos the small remainder. Decoding at
# twice the final size instead cost 1.5x the time for no visible gain (see docs/performance.md).
JPEG_DRAFT_MARGIN = 1.0
# The resampling filter by reduction factor (after shrink-on-load): Lanczos for small factors,
# where its sharpness shows; bicubic from 1.5x, where the two look the same at thumbnail size
# and bicubic costs a third less (8-megapixel photos: 61 -> 52 ms, see docs/performance.md).
BICUBIC_FROM_FACTOR = 1.5
# For large factors (PNG: no shrink-on-load), the image is first box-reduced to at least
# budget.REDUCING_GAP (2) times the final size, then resampled: 2.5x faster than from full size
# on a 12 MP image, mean difference 0.5 of 255. The reduction runs in strips of rows, together
# with any mode conversion, so the full-size image is held once (budget.py counts on it).

# A colour profile larger than this is not copied into thumbnails (CMYK ones are still used).
MAX_EMBEDDED_PROFILE = 256 * 1024

def decode_reduced(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    """Decode (JPEG: at reduced scale) and resample to exactly `target`, in a mode that
    resamples well (RGB, RGBA, L, LA, CMYK, or 32-bit grey made 8-bit later by to_8bit_gray)."""
    if target != image.size:
        image.draft(None, (int(target[0] * JPEG_DRAFT_MARGIN), int(target[1] * JPEG_DRAFT_MARGIN)))
    image.load()
    working = working_mode(image)
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
        reduced = resize(reduced, target, (0, 0, image.width / factors[0],
                                           image.height / factors[1]))
    return reduced.convert(_UNPREMULTIPLIED[working]) if working in _UNPREMULTIPLIED else reduced


def resize(image: Image.Image, size: tuple[int, int],
           region: tuple[float, float, float, float] | None = None) -> Image.Image:
    """`region` of `image` (default: all of it) resampled to `size`, the filter chosen by how
    much it shrinks (BICUBIC_FROM_FACTOR); large factors are box-reduced first, to at least
    budget.REDUCING_GAP times `size` (Pillow's reducing_gap). The one place the renderer
    resamples pixels: the decode's remainder and every output's resize."""
    region = region or (0, 0, image.width, image.height)
    factor = (region[2] - region[0]) / size[0]
    resample = (Image.Resampling.LANCZOS if factor < BICUBIC_FROM_FACTOR
                else Image.Resampling.BICUBIC)
    return image.resize(size, resample, box=region, reducing_gap=budget.REDUCING_GAP)


# Alpha is resampled premultiplied (as Pillow's own resize does), so transparent pixels' colour
# never bleeds into their visible neighbours.
_UNPREMULTIPLIED = {"RGBa": "RGBA", "La": "LA"}
_WIDE_GRAY = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def working_mode(image: Image.Image) -> str:
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


def to_common_pixels(
    image: Image.Image, icc_profile: bytes | None, notes: list[str]
) -> tuple[Image.Image, bytes | None]:
    """RGB, RGBA, L or LA, which every output format and effect takes; the profile kept only
    where it describes those pixels."""
    icc_profile = _usable_profile(icc_profile, notes)
    if image.mode in _WIDE_GRAY:
        image = to_8bit_gray(image)
    if image.mode == "CMYK":
        image, icc_profile = _cmyk_to_srgb(image, icc_profile, notes)
    if icc_profile and not profile_describes(icc_profile, image.mode):
        icc_profile = None
    return image, icc_profile


# The ICC colour space (header bytes 16-20) that describes each mode's pixels.
COLOUR_SPACE_OF_MODE = {"RGB": b"RGB ", "RGBA": b"RGB ", "L": b"GRAY", "LA": b"GRAY"}


def profile_describes(profile: bytes, mode: str) -> bool:
    """Whether the profile is for pixels of `mode`: an RGB profile on grey pixels (or a grey
    one on RGB) would make viewers misread every pixel."""
    return _icc_colour_space(profile) == COLOUR_SPACE_OF_MODE.get(mode)


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
        from PIL import ImageCms  # noqa: PLC0415 - only CMYK sources pay for loading LittleCMS

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
