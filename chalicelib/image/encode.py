"""Encode a finished output image: one format per branch, settings chosen by measurement.

Nothing from the source's metadata travels except the colour profile: no EXIF (GPS is private,
and a leftover orientation tag would turn the upright pixels again), no comments. Alpha is kept
by every format that has it and flattened onto the background only for JPEG. Nothing travels
under fully transparent pixels either: their colour is zeroed, so a picture hidden at alpha 0
(past a moderation check that looks at the visible image) is gone once alpha is dropped.
"""

from __future__ import annotations

import io

from PIL import Image

from chalicelib.image import decode

CONTENT_TYPES = {
    "JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "AVIF": "image/avif"}
DEFAULT_QUALITY = {"JPEG": 85, "WEBP": 80, "AVIF": 60}

# PNG, as render.py does it: the fast zlib level first; content that compresses well (graphics,
# logos, screenshots) is worth the stronger level, photo-like content is not.
PNG_FAST_LEVEL, PNG_STRONG_LEVEL = 1, 6
PNG_COMPRESSIBLE_RATIO = 4
# WebP `method` (0 fast .. 6 small) and AVIF `speed` (0 slow .. 10 fast), measured at 1280x720
# (samples.photo_like, a softened copy of it, transparent_logo; ms on a shared 2-core box):
#   WebP q80 method 0: 12-26 ms, logo twice the bytes; method 4: 58-119 ms; method 6: 0.3-2 s
#   for under 1.5% fewer bytes. AVIF q60 speed 6 (Pillow's default): 120-390 ms; speed 8:
#   34-119 ms, 2-3% smaller than speed 6 on photos; speed 9 (10 is the same here): 18-52 ms,
#   the logo a third larger. Speed 8 costs about what WebP method 4 does.
WEBP_METHOD = 4
AVIF_SPEED = 8

def encode(
    image: Image.Image,
    pillow_format: str,
    quality: int | None,
    background: tuple[int, int, int],
    icc_profile: bytes | None,
) -> bytes:
    """The image as `pillow_format` bytes (a key of CONTENT_TYPES); `quality` None means the
    format's default. `background` is used only where alpha must be flattened (JPEG).
    The profile is dropped if it describes another colour space than the pixels (an effect
    such as colorize can turn grey pixels into RGB)."""
    if pillow_format not in CONTENT_TYPES:
        raise ValueError(f"unsupported output format {pillow_format!r}")
    if pillow_format == "JPEG" and image.mode in ("RGBA", "LA"):
        image = flatten(image, background)
    if pillow_format == "WEBP" and image.mode in ("L", "LA"):  # WebP stores colour only: say so
        image = image.convert("RGB" if image.mode == "L" else "RGBA")  # before the profile check
    if image.mode in ("RGBA", "LA"):
        image = clear_under_transparency(image)
    if image.info:  # plugins fall back to image.info for EXIF and profiles: start clean
        image = image.copy()
        image.info = {}
    if icc_profile and not decode.profile_describes(icc_profile, image.mode):
        icc_profile = None
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    quality = DEFAULT_QUALITY.get(pillow_format) if quality is None else quality
    if pillow_format == "JPEG":
        # optimize=True saved 1-2% of bytes for 2.5x the encode time: not worth it here.
        return _save(image, "JPEG", quality=quality, **extra)
    if pillow_format == "PNG":
        return _png(image, extra)
    if pillow_format == "WEBP":
        return _save(image, "WEBP", quality=quality, method=WEBP_METHOD, **extra)
    return _save(image, "AVIF", quality=quality, speed=AVIF_SPEED, **extra)


def flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite transparent pixels onto the background colour (for formats without alpha).
    A grey image on a grey background stays grey (a third of the bytes to encode)."""
    if image.mode == "LA" and background[0] == background[1] == background[2]:
        base = Image.new("L", image.size, background[0])
        base.paste(image.convert("L"), mask=image.getchannel("A"))
        return base
    base = Image.new("RGB", image.size, background)
    rgba = image.convert("RGBA")
    base.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return base


def clear_under_transparency(image: Image.Image) -> Image.Image:
    """The image with colour 0 wherever alpha is 0 (a copy; the same image if none is)."""
    alpha = image.getchannel("A")
    if alpha.getextrema()[0] > 0:
        return image
    # 2.8 ms at 1280x720 (paste with a mask: 5.4 ms), against 50-130 ms to encode it.
    return Image.composite(Image.new(image.mode, image.size), image, alpha.point(_HIDDEN))


_HIDDEN = [255] + [0] * 255  # alpha 0 -> mask 255 (zeroed), anything visible -> 0 (kept)


def _png(image: Image.Image, extra: dict) -> bytes:
    fast = _save(image, "PNG", compress_level=PNG_FAST_LEVEL, **extra)
    raw_size = image.width * image.height * len(image.getbands())
    if len(fast) * PNG_COMPRESSIBLE_RATIO > raw_size:
        return fast
    return min(fast, _save(image, "PNG", compress_level=PNG_STRONG_LEVEL, **extra), key=len)


def _save(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()
