"""`make gallery`: docs/gallery.png, every fit and every effect on the same generated photo.

Each tile is an output declared the way chalicelib/config/outputs.toml declares them (the TOML below
goes through outputs.load_outputs, so it is validated and defaulted like the real file) and
rendered by render_outputs, the handler's own pipeline, from one JPEG upload. The picture
stays true because nothing in it is drawn by hand except the labels, the frames and the title.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devtools import samples
from devtools.stage import PROJECT_DIR

SOURCE_SIZE = (1200, 800)  # 3:2, like most cameras
CELL = (240, 160)  # every tile's picture area; the effect tiles fill it (contain 240x160)
FIT_BOX = (160, 160)  # a square box, so each fit has something to decide on a 3:2 photo
LABEL_HEIGHT, GAP, COLUMNS, TITLE_HEIGHT = 24, 12, 4, 40
PAD_BACKGROUND = "#39424e"
FRAME = (200, 40, 40)  # the box a fit was asked for, outlined in the fit tiles
PAGE = (250, 250, 250)


@dataclass(frozen=True)
class Tile:
    kind: str  # the fit or effect op it shows ("source" and "combined" show neither alone)
    label: str
    fields: str  # TOML fields of the output, after key and format


def _box(size: tuple[int, int]) -> str:
    return f'"{size[0]}x{size[1]}"'


_CONTAIN = f"size = {_box(CELL)}\nfit = \"contain\""
TILES: tuple[Tile, ...] = (
    Tile("source", "source 1200x800, subject off-centre", _CONTAIN),
    Tile("contain", "contain 160x160: all of it, inside",
         f"size = {_box(FIT_BOX)}\nfit = \"contain\""),
    Tile("cover", "cover 160x160: cropped to the detail",
         f"size = {_box(FIT_BOX)}\nfit = \"cover\""),
    Tile("pad", f"pad 160x160, background {PAD_BACKGROUND}",
         f"size = {_box(FIT_BOX)}\nfit = \"pad\"\nbackground = \"{PAD_BACKGROUND}\""),
    Tile("flip", "flip direction=horizontal",
         f'{_CONTAIN}\neffects = [{{ op = "flip", direction = "horizontal" }}]'),
    Tile("greyscale", "greyscale", f'{_CONTAIN}\neffects = [{{ op = "greyscale" }}]'),
    Tile("brightness", "brightness factor=1.5",
         f'{_CONTAIN}\neffects = [{{ op = "brightness", factor = 1.5 }}]'),
    Tile("contrast", "contrast factor=1.8",
         f'{_CONTAIN}\neffects = [{{ op = "contrast", factor = 1.8 }}]'),
    Tile("colorize", "colorize #1d2b53 .. #ffd89b",
         f'{_CONTAIN}\neffects = [{{ op = "colorize", black = "#1d2b53", white = "#ffd89b" }}]'),
    Tile("blur", "blur radius=3", f'{_CONTAIN}\neffects = [{{ op = "blur", radius = 3 }}]'),
    Tile("sharpen", "sharpen", f'{_CONTAIN}\neffects = [{{ op = "sharpen" }}]'),
    Tile("text", "text size=0.12, south-east",
         f'{_CONTAIN}\neffects = [{{ op = "text", text = "© Example", size = 0.12 }}]'),
    Tile("watermark", "watermark scale=0.3, opacity=0.8",
         f'{_CONTAIN}\neffects = [{{ op = "watermark", image = "watermarks/logo.png", '
         f'scale = 0.3, opacity = 0.8 }}]'),
    Tile("combined", "greyscale, text north, watermark",
         f'{_CONTAIN}\neffects = [{{ op = "greyscale" }}, '
         f'{{ op = "text", text = "© Example", gravity = "north", size = 0.1 }}, '
         f'{{ op = "watermark", image = "watermarks/logo.png", gravity = "south-west" }}]'),
)


def source_photo() -> Image.Image:
    """samples.photo_like with a bold, detailed subject right of centre: a target of rings on
    a post, so cover's content-aware crop has somewhere to go."""
    photo = samples.photo_like(SOURCE_SIZE, seed=6)
    draw = ImageDraw.Draw(photo)
    width, height = SOURCE_SIZE
    cx, cy, radius = int(width * 0.8), int(height * 0.42), int(height * 0.16)
    draw.rectangle((cx - 8, cy, cx + 8, int(height * 0.85)), fill=(70, 50, 35))
    for step, colour in enumerate([(250, 250, 245), (210, 30, 35)] * 4):
        r = radius * (8 - step) // 8
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return photo


def render_tiles() -> list[Image.Image]:
    """Each tile's picture, rendered by the handler's pipeline from one JPEG upload."""
    from chalicelib.config.outputs import load_outputs
    from chalicelib.image.render import OutputRequest, render_outputs

    declared = load_outputs("\n\n".join(
        f'[{tile.kind}]\nkey = "{{folder}}{{stem}}-{tile.kind}.png"\nformat = "png"\n{tile.fields}'
        for tile in TILES))
    upload_key = "gallery/photo.jpg"
    requests = [
        OutputRequest(name=output.name, box=output.size, fit=output.fit,
                      pillow_format=output.pillow_format(upload_key), quality=output.quality,
                      background=output.background or (255, 255, 255), effects=output.effects)
        for output in (declared[tile.kind] for tile in TILES)
    ]
    rendered = render_outputs(samples.jpeg_bytes(source_photo(), quality=92), requests)
    return [Image.open(io.BytesIO(image.data)).convert("RGB") for image in rendered.images]


def canvas_size(tiles: int) -> tuple[int, int]:
    rows = -(-tiles // COLUMNS)
    return (GAP + COLUMNS * (CELL[0] + GAP),
            TITLE_HEIGHT + rows * (CELL[1] + LABEL_HEIGHT + GAP))


def cell_origin(index: int) -> tuple[int, int]:
    """Top-left of tile `index`'s picture area."""
    row, column = divmod(index, COLUMNS)
    return (GAP + column * (CELL[0] + GAP), TITLE_HEIGHT + row * (CELL[1] + LABEL_HEIGHT + GAP))


def compose(pictures: list[Image.Image]) -> Image.Image:
    sheet = Image.new("RGB", canvas_size(len(TILES)), PAGE)
    draw = ImageDraw.Draw(sheet)
    draw.text((GAP, 10), "Fits and effects, rendered by chalicelib.image.render.render_outputs "
                         "(make gallery)", fill=(30, 30, 30), font=ImageFont.load_default(size=17))
    font = ImageFont.load_default(size=13)
    for index, (tile, picture) in enumerate(zip(TILES, pictures, strict=True)):
        x, y = cell_origin(index)
        draw.rectangle((x, y, x + CELL[0] - 1, y + CELL[1] - 1), fill=(225, 225, 225))
        # Centred in the cell; a fit tile also shows the box it was asked for.
        left, top = x + (CELL[0] - picture.width) // 2, y + (CELL[1] - picture.height) // 2
        sheet.paste(picture, (left, top))
        if tile.kind in ("contain", "cover", "pad"):
            bx, by = x + (CELL[0] - FIT_BOX[0]) // 2, y + (CELL[1] - FIT_BOX[1]) // 2
            draw.rectangle((bx - 1, by - 1, bx + FIT_BOX[0], by + FIT_BOX[1]), outline=FRAME)
        draw.text((x, y + CELL[1] + 5), tile.label, fill=(30, 30, 30), font=font)
    return sheet


def save_small(image: Image.Image, path: Path) -> None:
    """PNG with an adaptive 256-colour palette: a quarter of the bytes of full colour, and the
    labels stay sharp (a JPEG would blur them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(
        path, "PNG", optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "docs" / "gallery.png")
    out = parser.parse_args(argv).out
    save_small(compose(render_tiles()), out)
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {len(TILES)} tiles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
