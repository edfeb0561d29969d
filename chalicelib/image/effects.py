"""Effects on a final-size output image: one small function per op, applied in the file's order.

Every function takes an image in mode RGB, RGBA, L or LA and returns a new one of the same
family: alpha stays where there was alpha and is never touched by colour operations. Grey
images become RGB only where the result has colour (colorize; coloured text or a watermark).
Parameters arrive validated, with defaults filled (outputs.py): these functions trust them.

Text and watermarks are drawn at the output's own resolution, so they are crisp at any size;
their size and margin are fractions of the output, so they look the same on every size.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

GRAVITIES = (
    "north-west", "north", "north-east",
    "west", "centre", "east",
    "south-west", "south", "south-east",
)
# Distance of text and watermarks from the edge: 2% of the shorter side, at least 4 px.
MARGIN_FRACTION, MIN_MARGIN = 0.02, 4
# UnsharpMask for `sharpen`: a visible but halo-free lift at thumbnail sizes.
SHARPEN = ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2)


class Effect(Protocol):
    op: str
    params: Mapping


def apply(image: Image.Image, effects: Iterable[Effect]) -> Image.Image:
    """Apply `effects` in order. Files they name (fonts, watermark images) are opened as given:
    outputs.py resolved and checked them when it loaded the file."""
    for effect in effects:
        params = dict(effect.params)
        if effect.op == "watermark":  # the file's `image`: the function's image is the output
            params["image_path"] = params.pop("image")
        try:
            operation = OPERATIONS[effect.op]
        except KeyError:
            raise ValueError(f"unknown effect {effect.op!r}") from None
        image = operation(image, **params)
    return image


def flip(image: Image.Image, direction: str) -> Image.Image:
    """Mirror left-right ("horizontal") or top-bottom ("vertical")."""
    if direction == "horizontal":
        return ImageOps.mirror(image)
    if direction == "vertical":
        return ImageOps.flip(image)
    raise ValueError(f"flip direction must be horizontal or vertical, not {direction!r}")


def greyscale(image: Image.Image) -> Image.Image:
    """Luminance only, in a mode every output format stores: RGB stays RGB (R=G=B) so a
    colour profile still describes it, RGBA keeps its alpha, L and LA are already grey."""
    if image.mode in ("L", "LA"):
        return image.copy()
    grey = image.convert("L")
    bands = [grey, grey, grey] + ([image.getchannel("A")] if image.mode == "RGBA" else [])
    return Image.merge(image.mode, bands)


def brightness(image: Image.Image, factor: float) -> Image.Image:
    """Scale brightness: 1.0 leaves the image as is, towards 0 darker, above 1 brighter."""
    return _on_colour(image, lambda colour: ImageEnhance.Brightness(colour).enhance(factor),
                      unchanged=factor == 1.0)


def contrast(image: Image.Image, factor: float) -> Image.Image:
    """Scale contrast around the mean grey: 1.0 leaves the image as is, 0 is flat grey."""
    return _on_colour(image, lambda colour: ImageEnhance.Contrast(colour).enhance(factor),
                      unchanged=factor == 1.0)


def colorize(
    image: Image.Image, black: tuple[int, int, int], white: tuple[int, int, int]
) -> Image.Image:
    """Duotone: luminance mapped from `black` (darkest) to `white` (lightest). The result has
    colour, so grey sources become RGB (LA: RGBA)."""
    tinted = ImageOps.colorize(image.convert("L"), black=black, white=white)
    if image.mode in ("RGBA", "LA"):
        tinted.putalpha(image.getchannel("A"))
    return tinted


def blur(image: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur, radius in output pixels. Alpha blurs too (soft edges), premultiplied so
    transparent pixels' colour does not bleed in."""
    if image.mode in ("RGBA", "LA"):
        premultiplied = image.convert(image.mode[:-1] + "a")
        return premultiplied.filter(ImageFilter.GaussianBlur(radius)).convert(image.mode)
    return image.filter(ImageFilter.GaussianBlur(radius))


def sharpen(image: Image.Image) -> Image.Image:
    """Unsharp mask on the colour; alpha untouched (a sharpened edge of alpha would ring)."""
    return _on_colour(image, lambda colour: colour.filter(SHARPEN))


def text(
    image: Image.Image,
    text: str,
    gravity: str,
    size: float,
    color: tuple[int, int, int],
    opacity: float,
    font: Path | None = None,
) -> Image.Image:
    """Draw `text` at `gravity`, `size` x the image height tall (0.05 on 720 px: 36 px type),
    in `color` at `opacity`. Pillow's built-in scalable font unless `font` names a TrueType or
    OpenType file. Text wider than the image is clipped, never wrapped; only the part that lands
    on the image is drawn (1,000 characters of 720 px type are 300,000 px wide: drawn whole,
    gigabytes)."""
    pixels = max(1, round(size * image.height))
    typeface = (ImageFont.truetype(str(font), pixels) if font
                else ImageFont.load_default(size=pixels))
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(
        (0, 0), text, font=typeface)
    width, height = max(1, right - left), max(1, bottom - top)
    x, y = _position(image.size, (width, height), gravity)
    visible = (max(0, x), max(0, y), min(image.width, x + width), min(image.height, y + height))
    if visible[2] <= visible[0] or visible[3] <= visible[1]:
        return image.copy()
    overlay = Image.new("RGBA", (visible[2] - visible[0], visible[3] - visible[1]), (*color, 0))
    origin = (x - left - visible[0], y - top - visible[1])  # the text's (0, 0) on the overlay
    ink = (*color, _alpha_value(opacity))
    if overlay.size == (width, height):  # all of it shows
        ImageDraw.Draw(overlay).text(origin, text, font=typeface, fill=ink)
    else:
        _draw_visible_part(overlay, origin, text, typeface, ink)
    return _composite(image, overlay, visible[:2], grey=color[0] == color[1] == color[2])


def watermark(
    image: Image.Image, image_path: Path, gravity: str, scale: float, opacity: float
) -> Image.Image:
    """Composite the PNG at `image_path`, `scale` x the output's width wide, at `gravity`,
    its alpha multiplied by `opacity`."""
    mark = _load_watermark(Path(image_path))
    width = max(1, round(scale * image.width))
    height = max(1, round(mark.height * width / mark.width))
    mark = mark.resize((width, height), Image.Resampling.LANCZOS)
    if opacity < 1.0:
        mark.putalpha(mark.getchannel("A").point(_opacity_table(opacity)))
    return _composite(image, mark, _position(image.size, mark.size, gravity), grey=False)


OPERATIONS = {
    "flip": flip,
    "greyscale": greyscale,
    "brightness": brightness,
    "contrast": contrast,
    "colorize": colorize,
    "blur": blur,
    "sharpen": sharpen,
    "text": text,
    "watermark": watermark,
}


@functools.lru_cache(maxsize=16)
def _load_watermark(path: Path) -> Image.Image:
    """The watermark file, decoded once per process (every output of every upload reuses it).
    Callers must not modify the returned image: resize() makes the copy they draw with."""
    with Image.open(path) as source:
        return source.convert("RGBA")


def _on_colour(image: Image.Image, operation, unchanged: bool = False) -> Image.Image:
    """Run `operation` on the colour bands only; alpha comes back exactly as it was."""
    if unchanged:
        return image.copy()
    if image.mode not in ("RGBA", "LA"):
        return operation(image)
    result = operation(image.convert(image.mode[:-1]))
    result.putalpha(image.getchannel("A"))
    return result


# ImageDraw.text's default gap between lines, in pixels, added to the height of an "A".
LINE_SPACING = 4
# Characters drawn beyond each side of the visible part, for glyphs that overhang their advance.
OVERHANG_CHARACTERS = 2


def _draw_visible_part(overlay: Image.Image, origin: tuple[int, int], text: str,
                       typeface: ImageFont.FreeTypeFont, ink: tuple[int, ...]) -> None:
    """Draw the characters of each line that can land on `overlay`, where ImageDraw.text would
    draw them at `origin` (left-aligned lines, as ImageDraw lays out multiline text)."""
    draw = ImageDraw.Draw(overlay)
    line_spacing = typeface.getbbox("A")[3] + LINE_SPACING
    ascent, descent = typeface.getmetrics()
    for number, line in enumerate(text.split("\n")):
        line_y = origin[1] + number * line_spacing
        margin = typeface.size  # accents above the ascent, tails below the descent
        if line_y + ascent + descent + margin < 0 or line_y - margin > overlay.height:
            continue
        first = _characters_before(line, typeface, -origin[0])
        last = len(line) - _characters_after(line, typeface, overlay.width - origin[0])
        first = max(0, first - OVERHANG_CHARACTERS)
        last = min(len(line), last + OVERHANG_CHARACTERS)
        if first >= last:
            continue
        # Where the full line puts character `first`, kerning with its neighbour included.
        line_x = typeface.getlength(line[:first + 1]) - typeface.getlength(line[first])
        draw.text((origin[0] + line_x, line_y), line[first:last], font=typeface, fill=ink)


def _characters_before(line: str, typeface: ImageFont.FreeTypeFont, x: float) -> int:
    """How many leading characters of `line` end at or before `x` (a binary search)."""
    low, high = 0, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if typeface.getlength(line[:middle]) <= x:
            low = middle
        else:
            high = middle - 1
    return low


def _characters_after(line: str, typeface: ImageFont.FreeTypeFont, x: float) -> int:
    """How many trailing characters of `line` start at or after `x`."""
    low, high = 0, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if typeface.getlength(line[:len(line) - middle]) >= x:
            low = middle
        else:
            high = middle - 1
    return low


def _composite(
    image: Image.Image, overlay: Image.Image, xy: tuple[int, int], grey: bool
) -> Image.Image:
    """Alpha-composite an RGBA overlay with its top left at `xy`, touching only the pixels
    under it."""
    x, y = xy
    # Clip an overlay larger than the image to the part that lands on it.
    clip = (max(0, -x), max(0, -y),
            min(overlay.width, image.width - x), min(overlay.height, image.height - y))
    overlay = overlay.crop(clip)
    x, y = x + clip[0], y + clip[1]
    region = image.crop((x, y, x + overlay.width, y + overlay.height)).convert("RGBA")
    region.alpha_composite(overlay)
    mode = image.mode
    if mode in ("L", "LA") and not grey:
        mode = "RGB" if mode == "L" else "RGBA"
    result = image.convert(mode) if mode != image.mode else image.copy()
    result.paste(region.convert(mode), (x, y))
    return result


def _position(
    size: tuple[int, int], item: tuple[int, int], gravity: str
) -> tuple[int, int]:
    width, height = size
    margin = max(MIN_MARGIN, round(MARGIN_FRACTION * min(width, height)))
    if gravity not in GRAVITIES:
        raise ValueError(f"unknown gravity {gravity!r}")
    if gravity.endswith("west"):
        x = margin
    elif gravity.endswith("east"):
        x = width - margin - item[0]
    else:
        x = (width - item[0]) // 2
    if gravity.startswith("north"):
        y = margin
    elif gravity.startswith("south"):
        y = height - margin - item[1]
    else:
        y = (height - item[1]) // 2
    return x, y


def _alpha_value(opacity: float) -> int:
    return max(0, min(255, round(255 * opacity)))


@functools.lru_cache(maxsize=32)
def _opacity_table(opacity: float) -> list[int]:
    return [round(value * opacity) for value in range(256)]
