"""Generated sample images for tests, the demo and benchmarks: deterministic, no files needed."""

from __future__ import annotations

import ctypes
import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageFilter

ORIENTATION_TAG = 0x0112
GPS_IFD_TAG = 0x8825

# The pixels to store so that a viewer applying EXIF orientation N shows the upright image.
# Orientations 6 and 8 are rotations in opposite directions, so each stores the other's turn.
STORE_FOR_ORIENTATION = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}

# Quadrant colours of the orientation card, upright: which corner is where is unambiguous.
CARD_COLOURS = {
    "top_left": (220, 30, 30),
    "top_right": (30, 200, 30),
    "bottom_left": (30, 30, 220),
    "bottom_right": (240, 240, 240),
}


_C_LIBRARY = ctypes.CDLL(None)


def photo_like(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A photo-like RGB image: smooth sky and ground gradients, hard edges, fine noise."""
    width, height = size
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.merge("RGB", [
        sky.getchannel(0).point(lambda v: 70 + v // 3),
        sky.getchannel(1).point(lambda v: 110 + v // 4),
        sky.getchannel(2).point(lambda v: 200 - v // 4),
    ])
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    draw.polygon(
        [(0, horizon), (width // 3, height // 3), (width * 2 // 3, horizon), (width, height // 2),
         (width, height), (0, height)],
        fill=(60 + seed * 7 % 40, 90, 50),
    )
    for i in range(12):
        x = (seed * 97 + i * 131) % width
        y = horizon + (i * 53 % max(1, height - horizon))
        r = max(2, min(width, height) // (20 + i))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(120 + i * 9, 80 + i * 5, 40))
    # Texture at several scales, so it survives downscaling the way real detail does. Pillow's
    # noise comes from the C library's rand(): seeded here, the same seed gives the same
    # picture whatever ran before in the process (tests no longer depend on their order).
    _C_LIBRARY.srand(seed)
    for divisor, weight in ((16, 0.18), (4, 0.12), (1, 0.10)):
        small = (max(1, width // divisor), max(1, height // divisor))
        noise = Image.effect_noise(small, 60).resize(size, Image.Resampling.BICUBIC)
        image = Image.blend(image, Image.merge("RGB", [noise] * 3), weight)
    return image.filter(ImageFilter.DETAIL)


def orientation_card(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """An upright image whose four quadrants have distinct colours."""
    width, height = size
    card = Image.new("RGB", size)
    draw = ImageDraw.Draw(card)
    half_w, half_h = width // 2, height // 2
    draw.rectangle((0, 0, half_w, half_h), fill=CARD_COLOURS["top_left"])
    draw.rectangle((half_w, 0, width, half_h), fill=CARD_COLOURS["top_right"])
    draw.rectangle((0, half_h, half_w, height), fill=CARD_COLOURS["bottom_left"])
    draw.rectangle((half_w, half_h, width, height), fill=CARD_COLOURS["bottom_right"])
    return card


def stored_with_orientation(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores when it tags the file with `orientation`."""
    method = STORE_FOR_ORIENTATION[orientation]
    return upright.copy() if method is None else upright.transpose(method)


def exif_bytes(orientation: int | None = None, gps: bool = False) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION_TAG] = orientation
    exif[0x010F] = "SampleCam"  # Make
    if gps:
        exif.get_ifd(GPS_IFD_TAG).update({
            1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0),
        })
    return exif.tobytes()


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=options.pop("quality", 90), **options)
    return out.getvalue()


def png_bytes(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def image_bytes(image: Image.Image, pillow_format: str, **options) -> bytes:
    """WEBP or AVIF (Pillow writes both), at quality 80 unless told otherwise."""
    out = io.BytesIO()
    image.save(out, pillow_format, quality=options.pop("quality", 80), **options)
    return out.getvalue()


def heic_bytes(image: Image.Image, orientation: int = 1) -> bytes:
    """A HEIC as a phone writes it: the pixels stored turned, `irot` saying how to show them,
    and the same EXIF orientation. pillow-heif (a test and tooling dependency, never deployed)
    encodes; it turns the EXIF orientation it is given into irot/imir."""
    import pillow_heif  # lazily: only what makes HEIC samples needs the encoder

    stored = stored_with_orientation(image, orientation) if orientation != 1 else image
    heif = pillow_heif.from_pillow(stored)
    heif.info["exif"] = exif_bytes(orientation=orientation)
    out = io.BytesIO()
    heif.save(out, quality=85, enc_params={"preset": "ultrafast"})  # x265's default: 10x slower
    return out.getvalue()


def transparent_logo(size: tuple[int, int] = (900, 600)) -> Image.Image:
    """RGBA: an opaque disc with a soft edge on a fully transparent background."""
    width, height = size
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse((width // 6, height // 8, width * 5 // 6, height * 7 // 8),
                                 fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(6))
    logo = Image.new("RGBA", size, (200, 40, 120, 0))
    logo.putalpha(mask)
    return logo


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


# Content that encoders find easy or hard, for the perceptual-quality search and its bench: each
# deterministic, made at the size asked (no resampling artefacts of their own).

def screenshot_like(size: tuple[int, int] = (1280, 720), seed: int = 1) -> Image.Image:
    """A UI screenshot: flat panels, thin rules, lines of small dark text on light ground."""
    width, height = size
    image = Image.new("RGB", size, (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height // 12), fill=(36, 41, 46))
    draw.rectangle((0, height // 12, width // 5, height), fill=(230, 233, 237))
    words = ("thumbnail", "bucket", "quality", "lambda", "output", "render", "event", "key")
    line_height = max(10, height // 40)
    for row, y in enumerate(range(height // 12 + line_height, height - line_height, line_height)):
        text = " ".join(words[(seed + row * 3 + i) % len(words)] for i in range(3 + row % 9))
        draw.text((width // 5 + 16, y), text, fill=(30, 30, 30))
        draw.text((12, y), words[(row + seed) % len(words)], fill=(80, 80, 90))
        if row % 6 == 5:
            draw.line((width // 5 + 8, y - 2, width - 8, y - 2), fill=(210, 210, 215))
    draw.rectangle((width - width // 6, height // 6, width - 24, height // 6 + line_height * 2),
                   fill=(46, 120, 220))
    return image


def flat_graphic(size: tuple[int, int] = (1280, 720), seed: int = 1) -> Image.Image:
    """A flat-colour graphic: a few saturated shapes with hard edges on a plain ground."""
    width, height = size
    image = Image.new("RGB", size, (250, 220, 60))
    draw = ImageDraw.Draw(image)
    colours = ((220, 40, 60), (30, 90, 200), (20, 160, 90), (250, 250, 250), (40, 40, 40))
    for i in range(9):
        x = (seed * 53 + i * 211) % width
        y = (seed * 31 + i * 97) % height
        r = min(width, height) // (4 + i % 4)
        box = (x - r, y - r, x + r, y + r)
        if i % 3 == 0:
            draw.ellipse(box, fill=colours[i % len(colours)])
        elif i % 3 == 1:
            draw.rectangle(box, fill=colours[i % len(colours)])
        else:
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=colours[i % 5])
    return image


def night_scene(size: tuple[int, int] = (1280, 720), seed: int = 1) -> Image.Image:
    """A noisy night photo: dark ground, a few bright lights, heavy sensor noise everywhere."""
    width, height = size
    base = Image.linear_gradient("L").resize(size).point(lambda v: 8 + v // 10)
    image = Image.merge("RGB", [base, base, base.point(lambda v: v + 10)])
    draw = ImageDraw.Draw(image)
    for i in range(14):
        x = (seed * 71 + i * 173) % width
        y = (seed * 29 + i * 61) % (height * 2 // 3)
        r = 3 + i % 6
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 220 - i * 5, 150))
    image = image.filter(ImageFilter.GaussianBlur(2))
    _C_LIBRARY.srand(seed)  # the same picture for the same seed (see photo_like)
    grain = Image.effect_noise(size, 30 + seed % 5)
    chroma = Image.effect_noise((width // 2, height // 2), 20).resize(size)
    noise = Image.merge("RGB", [grain, chroma, grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    return Image.blend(image, noise.point(lambda v: max(0, v - 100)), 0.35)


def portrait_like(size: tuple[int, int] = (1280, 720), seed: int = 1) -> Image.Image:
    """A smooth portrait-like picture: soft skin tones, a blurred background, few edges."""
    width, height = size
    image = Image.new("RGB", size, (120, 140, 150))
    draw = ImageDraw.Draw(image)
    for i in range(6):  # background bokeh
        x, y = (seed * 41 + i * 233) % width, (i * 127) % height
        r = min(width, height) // 5
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(150 + i * 12, 160, 130 + i * 8))
    image = image.filter(ImageFilter.GaussianBlur(min(width, height) // 25))
    draw = ImageDraw.Draw(image)
    cx, cy = width // 2, height // 2
    face = min(width, height) // 3
    draw.ellipse((cx - face, cy - face * 5 // 4, cx + face, cy + face * 5 // 4),
                 fill=(224, 172, 140))
    draw.ellipse((cx - face, cy - face * 3 // 2, cx + face, cy - face // 3), fill=(70, 45, 30))
    for dx in (-face // 3, face // 3):
        draw.ellipse((cx + dx - face // 10, cy - face // 5, cx + dx + face // 10, cy),
                     fill=(60, 50, 45))
    image = image.filter(ImageFilter.GaussianBlur(max(1, min(width, height) // 240)))
    _C_LIBRARY.srand(seed)
    skin = Image.effect_noise(size, 6).resize(size)
    return Image.blend(image, Image.merge("RGB", [skin] * 3), 0.04)
