"""Generated pictures whose pixels tell a test what happened to them.

Orientation is judged by pixels: a red block in the top-left corner of the picture as it is
meant to be seen, and nothing else red."""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image

from devtools import samples

RED, BLUE = (255, 0, 0), (0, 0, 255)
ORIENTATION = 0x0112


def upright_picture(size=(600, 400)) -> Image.Image:
    """Blue, with a red block in the top-left corner."""
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    return picture


# How the stored pixels must be turned to be seen upright, per EXIF orientation; its inverse
# turns an upright picture into what a camera stores.
_STORE_FOR = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
              3: Image.Transpose.ROTATE_180}


def exif_with(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()


def heic_with_irot(picture: Image.Image, orientation: int = 6, thumbnails=()) -> bytes:
    """What an iPhone writes: sensor pixels stored as shot, an irot (and imir) box saying how
    to show them, and the same value in the EXIF orientation. pillow-heif turns the EXIF
    orientation it is given into irot/imir and keeps the tag."""
    stored = picture.transpose(_STORE_FOR[orientation])
    heif = pillow_heif.from_pillow(stored)
    heif.info["exif"] = exif_with(orientation)
    out = io.BytesIO()
    heif.save(out, quality=90, thumbnails=list(thumbnails))
    return out.getvalue()


def assert_upright(image: Image.Image) -> None:
    rgb = image.convert("RGB")
    width, height = rgb.size
    corners = {"top-left": (2, 2), "top-right": (width - 3, 2),
               "bottom-left": (2, height - 3), "bottom-right": (width - 3, height - 3)}
    red = {name for name, xy in corners.items()
           if rgb.getpixel(xy)[0] > 200 and rgb.getpixel(xy)[2] < 60}
    assert red == {"top-left"}, f"red corners: {red}"


def red(size=(600, 400)) -> bytes:
    """Mostly pure red: the local stand-in's moderation flags it (confidence = red share)."""
    image = Image.new("RGB", size, (230, 10, 10))
    image.paste((40, 90, 160), (0, 0, size[0], size[1] // 5))  # 20 % not red
    return samples.jpeg_bytes(image)
