"""Pixel operations of declared outputs: fits (contain, cover, pad), effects and encoders.

All on generated images; effects receive stand-ins for outputs.py's Effect (`.op`, `.params`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageFilter, ImageOps, ImageStat

from chalicelib import fits
from devtools import samples

BOX = (1280, 720)


@dataclass(frozen=True)
class SimpleEffect:
    op: str
    params: dict = field(default_factory=dict)


def changed_bbox(before: Image.Image, after: Image.Image):
    """The bounding box of the pixels that differ (alpha included)."""
    assert before.size == after.size
    mode = "RGBA"
    return ImageChops.difference(before.convert(mode), after.convert(mode)).getbbox(
        alpha_only=False)


def edge_energy(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


# --- needed_size -------------------------------------------------------------------------

@pytest.mark.parametrize("fit", ["contain", "pad"])
@pytest.mark.parametrize("source, box, expected", [
    ((4000, 3000), BOX, (960, 720)),          # landscape, height-bound
    ((3000, 4000), BOX, (540, 720)),          # portrait
    ((4000, 1000), BOX, (1280, 320)),         # wide panorama, width-bound
    ((100, 50), BOX, (100, 50)),              # tiny: never upscaled
    ((1000, 225), (100, 100), (100, 23)),     # 22.5 rounds half up
    ((10000, 10), (100, 100), (100, 1)),      # at least one pixel
])
def test_needed_size_contain_and_pad_fit_inside_without_upscaling(fit, source, box, expected):
    assert fits.needed_size(source, box, fit) == expected


@pytest.mark.parametrize("source, expected", [
    ((4000, 3000), (1280, 960)),     # landscape 4:3 covers 16:9 by its width
    ((3000, 4000), (1280, 1707)),    # portrait: 1706.67 rounds up
    ((4000, 1000), (2880, 720)),     # panorama covers by its height
    ((1280, 720), (1280, 720)),      # exact
    ((100, 50), (1440, 720)),        # tiny: upscaled to fill (cover promises the box)
    ((64, 64), (1280, 1280)),
])
def test_needed_size_cover_is_the_smallest_covering_size(source, expected):
    size = fits.needed_size(source, BOX, "cover")
    assert size == expected
    assert size[0] >= BOX[0] and size[1] >= BOX[1]
    assert size[0] == BOX[0] or size[1] == BOX[1]  # no larger than needed


def test_needed_size_refuses_an_unknown_fit():
    with pytest.raises(ValueError, match="unknown fit 'stretch'"):
        fits.needed_size((100, 100), BOX, "stretch")


# --- contain, cover, pad -----------------------------------------------------------------

@pytest.mark.parametrize("source", [(4000, 3000), (3000, 4000), (4000, 1000), (100, 50), (1281, 721)])
def test_cover_gives_exactly_the_box_and_never_a_border(source):
    red = Image.new("RGB", source, (200, 20, 20))
    resized = red.resize(fits.needed_size(source, BOX, "cover"), Image.Resampling.LANCZOS)
    covered = fits.cover(resized, BOX)
    assert covered.size == BOX
    # Every pixel comes from the picture: no background, no black edge anywhere.
    assert all(abs(low - 200 * (band == 0) - 20 * (band != 0)) <= 1
               and abs(high - 200 * (band == 0) - 20 * (band != 0)) <= 1
               for band, (low, high) in enumerate(covered.getextrema()))


def test_contain_returns_the_resized_image_and_refuses_one_too_large():
    image = samples.photo_like((960, 720))
    assert fits.contain(image, BOX) is image
    with pytest.raises(ValueError, match="needed_size"):
        fits.contain(samples.photo_like((1300, 720)), BOX)


@pytest.mark.parametrize("size, box", [((960, 720), BOX), ((1280, 320), BOX), ((101, 50), (200, 100))])
def test_pad_centres_the_image_on_the_background(size, box):
    background = (10, 200, 30)
    padded = fits.pad(Image.new("RGB", size, (250, 250, 250)), box, background)
    assert padded.size == box and padded.mode == "RGB"
    left, top, right, bottom = ImageChops.difference(
        padded, Image.new("RGB", box, background)).getbbox()
    assert (right - left, bottom - top) == size
    assert abs(left - (box[0] - right)) <= 1 and abs(top - (box[1] - bottom)) <= 1
    assert padded.getpixel((0, 0)) == background
    assert padded.getpixel((box[0] - 1, box[1] - 1)) == background


def test_pad_with_alpha_is_transparent_and_grey_on_colour_becomes_rgb():
    logo = samples.transparent_logo((960, 720))
    padded = fits.pad(logo, BOX, (255, 255, 255))
    assert padded.mode == "RGBA"
    assert padded.getpixel((0, 0))[3] == 0 and padded.getpixel((1279, 719))[3] == 0
    assert padded.getpixel((640, 360)) == logo.getpixel((480, 360))

    la = fits.pad(logo.convert("LA"), BOX, (255, 255, 255))
    assert la.mode == "LA" and la.getpixel((0, 0))[1] == 0

    grey = fits.pad(Image.new("L", (960, 720), 128), BOX, (200, 0, 0))
    assert grey.mode == "RGB" and grey.getpixel((0, 0)) == (200, 0, 0)
    assert grey.getpixel((640, 360)) == (128, 128, 128)


def subject_on_flat(size: tuple[int, int], subject_at: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGB", size, (120, 130, 140))
    canvas.paste(samples.photo_like((240, 240), seed=3), subject_at)
    return canvas


@pytest.mark.parametrize("size, subject_at", [
    ((1280, 960), (600, 30)),     # 4:3 covering 16:9: the subject near the top edge
    ((1280, 960), (100, 690)),    # ... near the bottom
    ((1707, 720), (1440, 240)),   # wide: near the right edge
    ((1707, 720), (10, 400)),     # ... near the left
])
def test_cover_keeps_a_detailed_subject_near_an_edge(size, subject_at):
    image = subject_on_flat(size, subject_at)
    left, top, right, bottom = fits.crop_window(image, BOX)
    assert (right - left, bottom - top) == BOX
    x, y = subject_at
    assert left <= x and x + 240 <= right and top <= y and y + 240 <= bottom
    covered = fits.cover(image, BOX)
    assert covered.tobytes() == image.crop((left, top, right, bottom)).tobytes()


@pytest.mark.parametrize("scale", [1, 5])  # 1280x960 and 256x192 (analysed at full size)
def test_cover_ignores_detail_hidden_in_transparent_surroundings(scale):
    size, box = (1280 // scale, 960 // scale), (BOX[0] // scale, BOX[1] // scale)
    hidden = samples.photo_like(size, seed=5).convert("RGBA")  # detail everywhere...
    alpha = Image.new("L", size, 0)
    patch = (500 // scale, 700 // scale, 740 // scale, 940 // scale)
    alpha.paste(255, patch)  # ...but only this patch near the bottom is visible
    hidden.putalpha(alpha)
    left, top, right, bottom = fits.crop_window(hidden, box)
    assert bottom >= patch[3]


@pytest.mark.parametrize("image", [
    Image.new("RGB", (1280, 960), (90, 90, 90)),
    Image.new("RGBA", (1707, 720), (0, 0, 0, 0)),
    samples.photo_like((1280, 960)).filter(ImageFilter.GaussianBlur(40)),
], ids=["flat", "transparent", "featureless"])
def test_crop_window_centres_a_picture_without_a_subject(image):
    left, top, right, bottom = fits.crop_window(image, BOX)
    assert abs(left - (image.width - right)) <= 8 and abs(top - (image.height - bottom)) <= 8
