"""The pure core, bytes in and bytes out: every mode, orientation, profile and bad input."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from chalicelib.image.decode import to_8bit_gray
from chalicelib.image.render import ImageRejected
from devtools import samples
from tests.helpers.render import render_one

BOX = (200, 200)
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def open_output(rendered) -> Image.Image:
    image = Image.open(io.BytesIO(rendered.images[0].data))
    image.load()
    return image


def close_to(actual, expected, tolerance=40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def quadrant_colours(image: Image.Image) -> dict[str, tuple]:
    rgb = image.convert("RGB")
    width, height = rgb.size
    return {
        "top_left": rgb.getpixel((width // 4, height // 4)),
        "top_right": rgb.getpixel((width * 3 // 4, height // 4)),
        "bottom_left": rgb.getpixel((width // 4, height * 3 // 4)),
        "bottom_right": rgb.getpixel((width * 3 // 4, height * 3 // 4)),
    }


# --- size ------------------------------------------------------------------------------------

def test_small_image_keeps_its_size():
    rendered = render_one(samples.jpeg_bytes(samples.photo_like((120, 80))), "JPEG", BOX)
    assert rendered.images[0].size == (120, 80) == open_output(rendered).size


def test_large_jpeg_fits_box_in_right_format():
    rendered = render_one(samples.jpeg_bytes(samples.photo_like((1600, 900))), "JPEG", BOX)
    output = open_output(rendered)
    assert output.format == "JPEG" and rendered.images[0].content_type == "image/jpeg"
    assert output.size == rendered.images[0].size == (200, 113)
    assert rendered.source_size == (1600, 900)


def test_png_named_jpg_becomes_a_jpeg():
    png = samples.png_bytes(samples.photo_like((400, 300)))
    output = open_output(render_one(png, "JPEG", BOX))
    assert output.format == "JPEG" and output.size == (200, 150)


# --- orientation ----------------------------------------------------------------------------

def test_sample_helper_matches_pillows_reading_of_orientation():
    """Guards the orientation tests below: the stored pixels turn upright by Pillow's rules."""
    from PIL import ImageOps

    card = samples.orientation_card()
    for orientation in range(1, 9):
        stored = samples.stored_with_orientation(card, orientation)
        stored.info["exif"] = samples.exif_bytes(orientation=orientation)
        stored.getexif()[0x0112] = orientation
        assert quadrant_colours(ImageOps.exif_transpose(stored)) == quadrant_colours(card)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("container", ["JPEG", "PNG"])
def test_every_exif_orientation_comes_out_upright(orientation, container):
    card = samples.orientation_card((400, 300))
    stored = samples.stored_with_orientation(card, orientation)
    exif = samples.exif_bytes(orientation=orientation)
    data = (samples.jpeg_bytes(stored, exif=exif) if container == "JPEG"
            else samples.png_bytes(stored, exif=exif))

    rendered = render_one(data, "JPEG", BOX)
    output = open_output(rendered)

    assert output.size == rendered.images[0].size == (200, 150)  # landscape, like the upright card
    assert rendered.source_size == (400, 300)
    for corner, colour in quadrant_colours(output).items():
        assert close_to(colour, samples.CARD_COLOURS[corner]), (corner, colour)
    assert 0x0112 not in output.getexif()  # nothing left to turn it again


def test_orientation_is_applied_to_the_small_image_after_a_reduced_decode(monkeypatch):
    loaded, transposed = [], []
    original_load = JpegImagePlugin.JpegImageFile.load
    original_transpose = Image.Image.transpose

    def spy_load(self):
        loaded.append(self.size)
        return original_load(self)

    def spy_transpose(self, method):
        transposed.append(self.size)
        return original_transpose(self, method)

    stored = samples.stored_with_orientation(samples.photo_like((3000, 4000)), 6)
    data = samples.jpeg_bytes(stored, exif=samples.exif_bytes(orientation=6))
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy_load)
    monkeypatch.setattr(Image.Image, "transpose", spy_transpose)

    rendered = render_one(data, "JPEG", (1280, 720))

    assert rendered.images[0].size == (540, 720)  # upright portrait
    assert max(loaded) == (1000, 750)  # decoded at quarter scale, not 4000x3000
    assert transposed == [(720, 540)]  # turned once, at thumbnail size


# --- metadata and colour --------------------------------------------------------------------

@pytest.mark.parametrize("output_format", ["JPEG", "PNG"])
def test_no_exif_survives_gps_included(output_format):
    photo = samples.photo_like((400, 300))
    data = samples.jpeg_bytes(photo, exif=samples.exif_bytes(orientation=1, gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the source has GPS

    output = open_output(render_one(data, output_format, BOX))

    assert not output.getexif()
    assert "exif" not in output.info


@pytest.mark.parametrize("output_format", ["JPEG", "PNG"])
def test_rgb_icc_profile_is_kept_with_its_pixels(output_format):
    data = samples.jpeg_bytes(samples.photo_like((400, 300)), icc_profile=SRGB_PROFILE)
    output = open_output(render_one(data, output_format, BOX))
    assert output.info.get("icc_profile") == SRGB_PROFILE


def test_rgb_profile_is_dropped_when_pixels_become_gray():
    data = samples.jpeg_bytes(samples.photo_like((400, 300)).convert("L"), icc_profile=SRGB_PROFILE)
    output = open_output(render_one(data, "JPEG", BOX))
    assert output.mode == "L"
    assert "icc_profile" not in output.info


def test_cmyk_jpeg_becomes_rgb_with_right_colours():
    cmyk = Image.new("CMYK", (400, 300), (0, 255, 255, 0))  # red ink
    output = open_output(render_one(samples.jpeg_bytes(cmyk), "JPEG", BOX))
    assert output.mode == "RGB"
    assert close_to(output.getpixel((100, 75)), (255, 0, 0))


def test_a_cmyk_profile_never_ends_up_on_rgb_pixels():
    # A profile header that declares CMYK data but whose body LittleCMS cannot use.
    fake_cmyk_profile = bytearray(SRGB_PROFILE)
    fake_cmyk_profile[16:20] = b"CMYK"
    fake_cmyk_profile[128:] = b"\x00" * (len(fake_cmyk_profile) - 128)
    cmyk = Image.new("CMYK", (400, 300), (0, 255, 255, 0))
    data = samples.jpeg_bytes(cmyk, icc_profile=bytes(fake_cmyk_profile))

    rendered = render_one(data, "JPEG", BOX)
    output = open_output(rendered)

    assert output.mode == "RGB"
    assert "icc_profile" not in output.info
    assert any("CMYK profile" in note for note in rendered.notes)


def test_malformed_profile_is_dropped_not_copied():
    data = samples.jpeg_bytes(samples.photo_like((300, 200)), icc_profile=b"not a profile" * 20)
    rendered = render_one(data, "JPEG", BOX)
    assert "icc_profile" not in open_output(rendered).info
    assert "malformed ICC profile dropped" in rendered.notes


# --- modes ----------------------------------------------------------------------------------

def _mode_sample(mode: str) -> Image.Image:
    """A 300x200 image of `mode` with a fully transparent left half where the mode allows."""
    base = samples.photo_like((300, 200))
    if mode == "P+transparency":
        rgba = base.convert("RGBA")
        rgba.paste((0, 0, 0, 0), (0, 0, 150, 200))
        return rgba.quantize(64, method=Image.Quantize.FASTOCTREE)
    if mode == "RGB+tRNS":
        image = base.copy()
        image.paste((1, 2, 3), (0, 0, 150, 200))
        image.info["transparency"] = (1, 2, 3)
        return image
    if mode == "I;16":
        ramp = Image.linear_gradient("L").resize((300, 200)).convert("I")
        return ramp.point(lambda v: v * 257).convert("I;16")
    image = base.convert(mode)
    if mode in ("LA", "RGBA"):
        alpha = Image.new("L", image.size, 255)
        alpha.paste(0, (0, 0, 150, 200))
        image.putalpha(alpha)
    return image


TRANSPARENT_MODES = ["LA", "RGBA", "P+transparency", "RGB+tRNS"]
ALL_PNG_MODES = ["1", "L", "P", "RGB", "I;16", *TRANSPARENT_MODES]


@pytest.mark.parametrize("mode", ALL_PNG_MODES)
@pytest.mark.parametrize("output_format", ["JPEG", "PNG"], ids=["to-jpeg", "to-png"])
def test_every_png_mode_gives_a_valid_thumbnail(mode, output_format):
    rendered = render_one(samples.png_bytes(_mode_sample(mode)), output_format, BOX)
    output = open_output(rendered)
    assert output.format == output_format
    assert output.size == (200, 133)
    assert output.mode in (("L", "RGB") if output_format == "JPEG" else ("L", "LA", "RGB", "RGBA"))


@pytest.mark.parametrize("mode", TRANSPARENT_MODES)
def test_png_output_keeps_transparency(mode):
    output = open_output(render_one(samples.png_bytes(_mode_sample(mode)), "PNG", BOX))
    alpha = output.getchannel("A")
    assert alpha.getpixel((20, 60)) == 0  # the transparent half
    assert alpha.getpixel((180, 60)) == 255  # the opaque half


@pytest.mark.parametrize("mode", TRANSPARENT_MODES)
def test_jpeg_output_flattens_transparency_onto_the_background(mode):
    output = open_output(render_one(samples.png_bytes(_mode_sample(mode)), "JPEG", BOX,
                                    background=(0, 128, 255)))
    assert output.mode == "RGB"
    assert close_to(output.getpixel((20, 60)), (0, 128, 255), tolerance=12)


@pytest.mark.parametrize("mode", ["L", "RGB", "CMYK"])
def test_every_jpeg_mode_gives_a_valid_thumbnail(mode):
    data = samples.jpeg_bytes(samples.photo_like((300, 200)).convert(mode))
    output = open_output(render_one(data, "PNG", BOX))
    assert output.format == "PNG" and output.size == (200, 133)


def test_16_bit_png_keeps_its_tones():
    output = open_output(render_one(samples.png_bytes(_mode_sample("I;16")), "PNG", BOX))
    assert output.mode == "L"
    low, high = output.getextrema()
    assert low <= 5 and high >= 250  # the full ramp, neither clipped white nor crushed
    assert 100 <= output.getpixel((100, 66)) <= 156  # mid-grey stays mid-grey


@pytest.mark.parametrize(
    ("mode", "values", "expected"),
    [
        ("I", (0, 65535), (0, 255)),  # 16-bit data in a 32-bit image keeps its range
        ("I", (-1000, 1_000_000), (0, 255)),  # wider data is stretched
        ("F", (0.0, 1.0), (0, 255)),  # unit floats
        ("F", (-5.0, 5.0), (0, 255)),
    ],
)
def test_32_bit_int_and_float_become_8_bit_gray(mode, values, expected):
    ramp = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).crop((0, 0, 256, 16))
    ramp = ramp.convert("F")  # 0 to 255, left to right
    low, high = values
    image = ramp.point(lambda v: low + (high - low) * v / 255).convert(mode)
    gray = to_8bit_gray(image)
    assert gray.mode == "L"
    assert close_to(gray.getextrema(), expected, tolerance=2)
    assert 110 <= gray.getpixel((128, 8)) <= 146


# --- bad input ------------------------------------------------------------------------------

def test_zero_bytes_is_rejected():
    with pytest.raises(ImageRejected, match="empty"):
        render_one(b"", "JPEG", BOX)


def test_html_named_jpg_is_rejected():
    with pytest.raises(ImageRejected,
                       match=r"not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image.*HTML"):
        render_one(b"<!DOCTYPE html><html><body>hello</body></html>", "JPEG", BOX)


def test_other_formats_are_rejected_and_named():
    gif = io.BytesIO()
    samples.photo_like((50, 50)).save(gif, "GIF")
    with pytest.raises(ImageRejected, match="looks like GIF"):
        render_one(gif.getvalue(), "JPEG", BOX)


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.9])
@pytest.mark.parametrize("container", ["JPEG", "PNG"])
def test_truncated_images_are_rejected(fraction, container):
    photo = samples.photo_like((600, 400))
    data = samples.jpeg_bytes(photo) if container == "JPEG" else samples.png_bytes(photo)
    with pytest.raises(ImageRejected, match="corrupt or truncated"):
        render_one(data[: int(len(data) * fraction)], "JPEG", BOX)


def test_header_claiming_100000x100000_is_rejected_before_decoding():
    with pytest.raises(ImageRejected, match=r"pixel limit.*100000x100000"):
        render_one(samples.png_header_only(100_000, 100_000), "JPEG", BOX)


def test_a_100_megapixel_panorama_passes_the_default_limits():
    panorama = Image.new("RGB", (20_000, 5_000), (90, 140, 200))
    rendered = render_one(samples.jpeg_bytes(panorama, quality=50), "JPEG")
    assert rendered.images[0].size == (1280, 320)


def test_padded_profile_is_trimmed_to_its_declared_size():
    data = samples.jpeg_bytes(samples.photo_like((300, 200)),
                              icc_profile=SRGB_PROFILE + b"\x00" * 1_000_000)
    rendered = render_one(data, "JPEG", BOX)
    assert open_output(rendered).info["icc_profile"] == SRGB_PROFILE
    assert len(rendered.images[0].data) < 100_000
