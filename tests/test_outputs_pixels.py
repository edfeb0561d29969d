"""Pixel operations of declared outputs: fits (contain, cover, pad), effects and encoders.

All on generated images; effects receive stand-ins for outputs.py's Effect (`.op`, `.params`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageStat

from chalicelib.image import effects, encode, fits
from chalicelib.image.decode import resize
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
    ((1280, 720), BOX, (1280, 720)),          # exactly the box
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

@pytest.mark.parametrize("source", [(4000, 3000), (3000, 4000), (4000, 1000), (100, 50),
                                    (1281, 721), (2, 3000), (3000, 2)])
def test_cover_gives_exactly_the_box_and_never_a_border(source):
    red = Image.new("RGB", source, (200, 20, 20))
    covered = fits.cover(red, BOX, fits.needed_size(source, BOX, "cover"))
    assert covered.size == BOX
    # Every pixel comes from the picture: no background, no black edge anywhere.
    assert all(abs(low - 200 * (band == 0) - 20 * (band != 0)) <= 1
               and abs(high - 200 * (band == 0) - 20 * (band != 0)) <= 1
               for band, (low, high) in enumerate(covered.getextrema()))


@pytest.mark.parametrize("size, box",
                         [((960, 720), BOX), ((1280, 320), BOX), ((101, 50), (200, 100))])
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
    covered = fits.cover(image, BOX, image.size)
    assert covered.tobytes() == image.crop((left, top, right, bottom)).tobytes()


@pytest.mark.parametrize("size, subject_at", [((1280, 960), (600, 30)), ((1707, 720), (10, 400))])
@pytest.mark.parametrize("held", [0.5, 3])  # upscaled to cover, or decoded larger for another
def test_cover_finds_the_subject_in_an_image_of_another_size(size, subject_at, held):
    """The window is chosen as if the image were resized to the covering size, and mapped
    back to the image's own pixels."""
    scaled = subject_on_flat(size, subject_at)
    image = scaled.resize((round(size[0] * held), round(size[1] * held)), Image.Resampling.BICUBIC)
    window = fits.crop_window(image, BOX, size)
    assert window == fits.crop_window(scaled, BOX)
    covered = fits.cover(image, BOX, size)
    assert covered.size == BOX
    difference = ImageStat.Stat(ImageChops.difference(covered, scaled.crop(window))).mean
    assert sum(difference) / 3 < 8  # the same picture (a softer one from the half size)


@pytest.mark.parametrize("picture", [samples.orientation_card, samples.photo_like])
@pytest.mark.parametrize("source, box", [((960, 720), (640, 360)), ((1280, 213), (640, 360)),
                                         ((800, 3000), (640, 360)), ((4000, 3000), (320, 180))])
def test_cover_of_an_ordinary_image_resizes_then_crops_as_it_always_did(picture, source, box):
    """Byte for byte: a flat picture's choice of window is fragile, any other analysis moves
    it (by 57 px on the card at 960x720, for one)."""
    image = picture(source)
    scaled = fits.needed_size(source, box, "cover")
    resized = resize(image, scaled)
    expected = resized.crop(fits.crop_window(resized, box))
    assert fits.cover(image, box, scaled).tobytes() == expected.tobytes()


@pytest.mark.parametrize("scale", [1, 5])  # 1280x960 and 256x192 (analysed at full size)
def test_cover_ignores_detail_hidden_in_transparent_surroundings(scale):
    size, box = (1280 // scale, 960 // scale), (BOX[0] // scale, BOX[1] // scale)
    hidden = samples.photo_like(size, seed=5).convert("RGBA")  # detail everywhere...
    alpha = Image.new("L", size, 0)
    patch = (500 // scale, 700 // scale, 740 // scale, 940 // scale)
    alpha.paste(255, patch)  # ...but only this patch near the bottom is visible
    hidden.putalpha(alpha)
    _left, _top, _right, bottom = fits.crop_window(hidden, box)
    assert bottom >= patch[3]


@pytest.mark.parametrize("image", [
    Image.new("RGB", (1280, 960), (90, 90, 90)),
    Image.new("RGBA", (1707, 720), (0, 0, 0, 0)),
    samples.photo_like((1280, 960)).filter(ImageFilter.GaussianBlur(40)),
], ids=["flat", "transparent", "featureless"])
def test_crop_window_centres_a_picture_without_a_subject(image):
    left, top, right, bottom = fits.crop_window(image, BOX)
    assert abs(left - (image.width - right)) <= 8 and abs(top - (image.height - bottom)) <= 8


# --- effects -----------------------------------------------------------------------------

PHOTO = samples.photo_like((320, 180))


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_greyscale_has_equal_channels_and_keeps_alpha(mode):
    source = PHOTO.copy()
    if mode == "RGBA":
        source.putalpha(samples.transparent_logo((320, 180)).getchannel("A"))
    grey = effects.greyscale(source)
    assert grey.mode == mode
    red, green, blue = grey.split()[:3]
    assert red.tobytes() == green.tobytes() == blue.tobytes()
    assert len(set(red.get_flattened_data())) > 1
    if mode == "RGBA":
        assert grey.getchannel("A").tobytes() == source.getchannel("A").tobytes()


@pytest.mark.parametrize("direction, reference", [
    ("horizontal", Image.Transpose.FLIP_LEFT_RIGHT), ("vertical", Image.Transpose.FLIP_TOP_BOTTOM)])
def test_flip_equals_the_mirrored_reference(direction, reference):
    card = samples.orientation_card((320, 180))
    assert effects.flip(card, direction).tobytes() == card.transpose(reference).tobytes()
    assert effects.flip(card, direction).tobytes() != card.tobytes()


@pytest.mark.parametrize("enhance", [effects.brightness, effects.contrast])
@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
def test_brightness_and_contrast_of_one_leave_pixels_unchanged(enhance, mode):
    source = PHOTO.convert(mode)
    assert enhance(source, 1.0).tobytes() == source.tobytes()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_brightness_and_contrast_above_one_move_pixels_the_right_way(mode):
    source = PHOTO.convert(mode)
    if mode == "RGBA":
        source.putalpha(Image.linear_gradient("L").resize(source.size))
    before = ImageStat.Stat(source.convert("L"))
    brighter = effects.brightness(source, 1.5)
    stronger = effects.contrast(source, 1.5)
    assert ImageStat.Stat(brighter.convert("L")).mean[0] > before.mean[0] + 10
    assert ImageStat.Stat(stronger.convert("L")).stddev[0] > before.stddev[0] * 1.2
    assert ImageStat.Stat(effects.brightness(source, 0.5).convert("L")).mean[0] < before.mean[0]
    for result in (brighter, stronger):
        assert result.mode == mode
        if mode == "RGBA":
            assert result.getchannel("A").tobytes() == source.getchannel("A").tobytes()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
def test_colorize_maps_dark_to_black_and_light_to_white(mode):
    ramp = Image.linear_gradient("L").rotate(90).resize((256, 64)).convert(mode)  # dark left
    black, white = (20, 10, 90), (250, 230, 120)
    toned = effects.colorize(ramp, black, white)
    assert toned.mode == ("RGBA" if "A" in mode else "RGB")
    dark = toned.getpixel((0, 32))[:3]
    light = toned.getpixel((255, 32))[:3]
    assert all(abs(a - b) <= 3 for a, b in zip(dark, black, strict=True))
    assert all(abs(a - b) <= 3 for a, b in zip(light, white, strict=True))


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_blur_lowers_high_frequency_energy(mode):
    source = PHOTO.convert(mode)
    assert edge_energy(effects.blur(source, 3)) < edge_energy(source) * 0.5
    assert effects.blur(source, 3).mode == mode


def test_sharpen_raises_high_frequency_energy_and_keeps_alpha():
    source = PHOTO.filter(ImageFilter.GaussianBlur(1)).convert("RGBA")
    sharper = effects.sharpen(source)
    assert edge_energy(sharper) > edge_energy(source) * 1.1
    assert sharper.getchannel("A").tobytes() == source.getchannel("A").tobytes()


QUADRANTS = {  # the part of the image a corner gravity may touch
    "north-west": lambda w, h: (0, 0, w / 2, h / 2),
    "north-east": lambda w, h: (w / 2, 0, w, h / 2),
    "south-west": lambda w, h: (0, h / 2, w / 2, h),
    "south-east": lambda w, h: (w / 2, h / 2, w, h),
}


def inside(bbox, region) -> bool:
    return (bbox[0] >= region[0] and bbox[1] >= region[1]
            and bbox[2] <= region[2] and bbox[3] <= region[3])


@pytest.mark.parametrize("gravity", list(QUADRANTS))
def test_text_changes_only_its_corner_and_scales_with_the_output(gravity):
    relative = []
    for size in ((1280, 720), (320, 180)):
        source = Image.new("RGB", size, (40, 60, 80))
        written = effects.apply(source, [SimpleEffect("text", {
            "text": "Sample", "gravity": gravity, "size": 0.08, "color": (255, 255, 0),
            "opacity": 0.9, "font": None})])
        bbox = changed_bbox(source, written)
        assert bbox is not None and inside(bbox, QUADRANTS[gravity](*size))
        margin = max(4, round(0.02 * min(size)))
        assert bbox[0] >= margin and bbox[1] >= margin
        assert bbox[2] <= size[0] - margin and bbox[3] <= size[1] - margin
        relative.append(((bbox[2] - bbox[0]) / size[0], (bbox[3] - bbox[1]) / size[1]))
    (large_w, large_h), (small_w, small_h) = relative
    assert abs(small_w / large_w - 1) < 0.2 and abs(small_h / large_h - 1) < 0.2


def test_text_centre_is_centred_and_keeps_mode_and_opacity():
    source = Image.new("LA", (400, 200), (50, 255))
    written = effects.text(source, "Hi", "centre", 0.3, (255, 255, 255), 0.5)
    assert written.mode == "LA"
    left, top, right, bottom = changed_bbox(source, written)
    assert abs(left - (400 - right)) <= 4 and abs(top - (200 - bottom)) <= 4
    half_opacity = 50 + (255 - 50) * 0.5 + 2
    assert max(written.getchannel("L").get_flattened_data()) <= half_opacity
    coloured = effects.text(source.convert("L"), "Hi", "centre", 0.3, (255, 0, 0), 1.0)
    assert coloured.mode == "RGB"


def drawn_whole(image, text, gravity, size, color, opacity) -> Image.Image:
    """The text drawn whole on its own layer, then clipped where it meets the image: what
    effects.text draws, at any cost."""
    typeface = ImageFont.load_default(size=max(1, round(size * image.height)))
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(
        (0, 0), text, font=typeface)
    overlay = Image.new("RGBA", (right - left, bottom - top), (*color, 0))
    ImageDraw.Draw(overlay).text((-left, -top), text, font=typeface,
                                 fill=(*color, round(255 * opacity)))
    layer = Image.new("RGBA", image.size, (*color, 0))
    layer.paste(overlay, effects._position(image.size, overlay.size, gravity))
    result = image.convert("RGBA")
    result.alpha_composite(layer)
    return result.convert(image.mode)


@pytest.mark.parametrize("text, gravity, size", [
    ("The quick brown fox jumps over the lazy dog. " * 3, "west", 0.5),
    ("The quick brown fox jumps over the lazy dog. " * 3, "centre", 0.5),
    ("The quick brown fox jumps over the lazy dog. " * 3, "north-east", 0.5),
    ("A long first line, wider than the picture\nshort\n" * 6, "south-east", 0.4),  # taller too
    ("Wide " * 40, "south", 0.05),
])
def test_text_wider_or_taller_than_the_image_draws_what_the_whole_text_would_show(
        text, gravity, size):
    source = samples.photo_like((320, 180))
    written = effects.text(source, text, gravity, size, (255, 255, 0), 0.9)
    assert written.tobytes() == drawn_whole(source, text, gravity, size, (255, 255, 0),
                                            0.9).tobytes()


def test_a_long_text_at_full_height_draws_nothing_larger_than_the_output(monkeypatch):
    """Issue 17, 3.9: 1,000 characters of 720 px type are 327,000 px wide; drawn whole, the
    layer and the glyph mask took 1.1 GB."""
    output = Image.new("RGB", (1280, 720), (40, 60, 80))
    largest = {"new": 0, "mask": 0}
    real_new, real_getmask2 = Image.new, ImageFont.FreeTypeFont.getmask2

    def new(mode, size, *args, **kwargs):  # refused before anything is allocated
        assert size[0] * size[1] <= 1280 * 720, f"an image of {size} for a 1280x720 output"
        largest["new"] = max(largest["new"], size[0] * size[1])
        return real_new(mode, size, *args, **kwargs)

    def getmask2(self, *args, **kwargs):
        mask, offset = real_getmask2(self, *args, **kwargs)
        largest["mask"] = max(largest["mask"], mask.size[0] * mask.size[1])
        return mask, offset

    monkeypatch.setattr(Image, "new", new)
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getmask2", getmask2)
    text = ("The quick brown fox jumps over the lazy dog. " * 23)[:1000]
    written = effects.text(output, text, "south-east", 1.0, (255, 255, 255), 0.8)
    assert written.size == output.size and changed_bbox(output, written) is not None
    assert 0 < largest["mask"] <= 4 * 1280 * 720  # the visible glyphs and a few beside them


@pytest.fixture()
def mark_path(tmp_path: Path) -> Path:
    mark = Image.new("RGBA", (300, 150), (255, 255, 255, 255))  # opaque: its extent is known
    mark.alpha_composite(samples.transparent_logo((300, 150)))
    mark.save(tmp_path / "mark.png")
    return tmp_path / "mark.png"


@pytest.mark.parametrize("gravity", list(QUADRANTS))
def test_watermark_changes_only_its_corner_and_scales_with_the_output(mark_path, gravity):
    relative = []
    for size in ((1280, 720), (320, 180)):
        source = samples.photo_like(size)
        marked = effects.apply(source, [SimpleEffect("watermark", {
            "image": mark_path, "gravity": gravity, "scale": 0.25, "opacity": 0.7})])
        bbox = changed_bbox(source, marked)
        assert bbox is not None and inside(bbox, QUADRANTS[gravity](*size))
        relative.append(((bbox[2] - bbox[0]) / size[0], (bbox[3] - bbox[1]) / size[1]))
    (large_w, large_h), (small_w, small_h) = relative
    assert abs(small_w / large_w - 1) < 0.1 and abs(small_h / large_h - 1) < 0.1
    assert abs(large_w * 1280 - 320) <= 1 and abs(large_h * 720 - 160) <= 1  # 0.25 x 1280


def test_watermark_opacity_and_alpha_source(mark_path):
    source = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    marked = effects.watermark(source, mark_path, "centre", 0.5, 0.5)
    assert marked.mode == "RGBA"
    assert 120 <= max(marked.getchannel("A").get_flattened_data()) <= 130  # 255 x 0.5


def test_watermark_file_is_read_once_per_path(mark_path):
    effects._load_watermark.cache_clear()
    mark = [SimpleEffect("watermark", {"image": mark_path, "gravity": "south-east",
                                       "scale": 0.2, "opacity": 1.0})]
    for size in ((1280, 720), (320, 180), (640, 360)):
        effects.apply(Image.new("RGB", size), mark)
    info = effects._load_watermark.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_apply_runs_effects_in_the_given_order():
    card = samples.orientation_card((320, 180))
    chain = [SimpleEffect("flip", {"direction": "horizontal"}), SimpleEffect("greyscale"),
             SimpleEffect("brightness", {"factor": 1.2})]
    expected = effects.brightness(effects.greyscale(ImageOps.mirror(card)), 1.2)
    assert effects.apply(card, chain).tobytes() == expected.tobytes()
    assert effects.apply(card, []).tobytes() == card.tobytes()


def test_apply_refuses_unknown_ops():
    with pytest.raises(ValueError, match="unknown effect 'sepia'"):
        effects.apply(PHOTO, [SimpleEffect("sepia")])


# --- encode ------------------------------------------------------------------------------

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("pillow_format", ["PNG", "WEBP", "AVIF"])
def test_alpha_formats_keep_alpha(pillow_format):
    logo = samples.transparent_logo((320, 180))
    out = decode(encode.encode(logo, pillow_format, None, (255, 255, 255), None))
    assert out.format == pillow_format and out.mode == "RGBA" and out.size == logo.size
    assert out.getpixel((0, 0))[3] == 0
    assert out.getpixel((160, 90))[3] == 255


def with_hidden_colour(mode: str, hidden: Image.Image) -> Image.Image:
    """A picture of `mode` whose transparent parts carry `hidden`'s colours under alpha 0."""
    alpha = samples.transparent_logo((320, 180)).getchannel("A")  # soft edges: 0 to 255
    visible = PHOTO.convert(mode[:-1])
    picture = Image.composite(visible, hidden.convert(mode[:-1]),
                              alpha.point([0] + [255] * 255))  # hidden only where alpha is 0
    picture.putalpha(alpha)
    return picture


@pytest.mark.parametrize("pillow_format", ["PNG", "WEBP", "AVIF"])
@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_nothing_under_full_transparency_reaches_the_file(pillow_format, mode):
    """Issue 17, 3.6: colour at alpha 0 is invisible to a check of the picture as shown, and
    shown by anything that drops the alpha. Two pictures differing only there encode alike."""
    hidden_photo = with_hidden_colour(mode, samples.photo_like((320, 180), seed=9))
    hidden_red = with_hidden_colour(mode, Image.new("RGB", (320, 180), (255, 0, 0)))
    assert hidden_photo.tobytes() != hidden_red.tobytes()
    before = hidden_photo.tobytes()
    photo_file = encode.encode(hidden_photo, pillow_format, None, (255, 255, 255), None)
    red_file = encode.encode(hidden_red, pillow_format, None, (255, 255, 255), None)
    assert photo_file == red_file
    assert hidden_photo.tobytes() == before  # the caller's image is left alone
    if pillow_format == "PNG":  # lossless: visible pixels exact, hidden ones zero
        out = decode(photo_file)
        expected = hidden_photo.copy()
        expected.paste((0,) * len(mode), mask=hidden_photo.getchannel("A").point(
            [255] + [0] * 255))
        assert out.mode == mode and out.tobytes() == expected.tobytes()


def test_jpeg_flattens_alpha_onto_the_background():
    logo = samples.transparent_logo((320, 180))
    out = decode(encode.encode(logo, "JPEG", None, (10, 200, 30), None))
    assert out.mode == "RGB"
    assert all(abs(a - b) <= 6
               for a, b in zip(out.getpixel((2, 2)), (10, 200, 30), strict=True))
    assert all(abs(a - b) <= 12
               for a, b in zip(out.getpixel((160, 90)), (200, 40, 120), strict=True))


@pytest.mark.parametrize("pillow_format", list(encode.CONTENT_TYPES))
def test_every_format_keeps_the_profile_and_drops_exif(pillow_format):
    image = PHOTO.copy()
    image.info["exif"] = samples.exif_bytes(orientation=6, gps=True)
    image.info["icc_profile"] = b"not this one"
    out = decode(encode.encode(image, pillow_format, None, (255, 255, 255), SRGB))
    assert out.format == pillow_format
    assert out.info.get("icc_profile") == SRGB
    assert not out.getexif() and "exif" not in out.info
    assert image.info["exif"]  # the caller's image is left alone


@pytest.mark.parametrize("pillow_format", list(encode.CONTENT_TYPES))
def test_no_profile_given_means_none_written_whatever_the_image_carries(pillow_format):
    image = PHOTO.copy()
    image.info["icc_profile"] = SRGB
    out = decode(encode.encode(image, pillow_format, None, (255, 255, 255), None))
    assert not out.info.get("icc_profile")


def test_a_profile_for_another_colour_space_is_dropped():
    grey_profile = bytearray(SRGB)
    grey_profile[16:20] = b"GRAY"
    out = decode(encode.encode(PHOTO, "PNG", None, (255, 255, 255), bytes(grey_profile)))
    assert "icc_profile" not in out.info


def test_grey_webp_is_stored_as_rgb_so_a_grey_profile_is_dropped():
    grey_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    grey_profile = grey_profile[:16] + b"GRAY" + grey_profile[20:]
    for mode in ("L", "LA"):
        out = decode(encode.encode(PHOTO.convert(mode), "WEBP", None, (0, 0, 0), grey_profile))
        assert out.mode in ("RGB", "RGBA") and not out.info.get("icc_profile")
    png = decode(encode.encode(PHOTO.convert("L"), "PNG", None, (0, 0, 0), grey_profile))
    assert png.mode == "L" and png.info.get("icc_profile") == grey_profile


def test_quality_defaults_and_overrides():
    low = encode.encode(PHOTO, "JPEG", 30, (255, 255, 255), None)
    default = encode.encode(PHOTO, "JPEG", None, (255, 255, 255), None)
    assert len(low) < len(default)
    assert encode.CONTENT_TYPES == {"JPEG": "image/jpeg", "PNG": "image/png",
                                    "WEBP": "image/webp", "AVIF": "image/avif"}
    with pytest.raises(ValueError, match="unsupported output format 'GIF'"):
        encode.encode(PHOTO, "GIF", None, (255, 255, 255), None)
