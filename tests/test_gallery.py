"""`make gallery` draws one labelled tile per fit and per effect, with the real pipeline."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from PIL import Image, ImageStat

from chalicelib.image import effects, fits
from devtools import gallery
from devtools.stage import PROJECT_DIR


def test_gallery_has_one_labelled_tile_per_fit_and_effect(tmp_path):
    out = tmp_path / "gallery.png"
    run = subprocess.run([sys.executable, "-m", "devtools.gallery", "--out", str(out)],
                         cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr

    kinds = Counter(tile.kind for tile in gallery.TILES)
    for name in (*fits.FITS, *effects.OPERATIONS):
        assert kinds[name] == 1, name  # every fit and effect, each once
    assert all(tile.label.strip() for tile in gallery.TILES)

    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == gallery.canvas_size(len(gallery.TILES))
        sheet = image.convert("L")
    assert out.stat().st_size < 400_000
    for index, tile in enumerate(gallery.TILES):
        x, y = gallery.cell_origin(index)
        picture = sheet.crop((x, y, x + gallery.CELL[0], y + gallery.CELL[1]))
        label = sheet.crop((x, y + gallery.CELL[1], x + gallery.CELL[0],
                            y + gallery.CELL[1] + gallery.LABEL_HEIGHT))
        assert ImageStat.Stat(picture).stddev[0] > 10, tile.kind  # a picture, not a blank cell
        assert label.getextrema()[0] < 100, tile.kind  # something dark written under it


def test_committed_gallery_is_small():
    assert (PROJECT_DIR / "docs" / "gallery.png").stat().st_size < 400_000
