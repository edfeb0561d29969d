"""render_outputs, pure: each fit on landscape, portrait, tiny and EXIF-rotated sources, from
one decode, every output upright and of its exact size."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from chalicelib.image.fits import FITS
from chalicelib.image.render import OutputRequest, render_outputs
from devtools import samples


def decoded(image_bytes: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(image_bytes))
    image.load()
    return image


def close_to(actual, expected, tolerance=45) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # source size -> (contain, cover, pad) sizes for a 640x360 box
        ((4000, 3000), ((480, 360), (640, 360), (640, 360))),
        ((3000, 4000), ((270, 360), (640, 360), (640, 360))),
        ((200, 100), ((200, 100), (640, 360), (640, 360))),  # tiny: contain never upscales
    ],
    ids=["landscape", "portrait", "tiny"],
)
def test_each_fit_gives_its_exact_size(source, expected):
    data = samples.jpeg_bytes(samples.photo_like(source))
    requests = [OutputRequest(fit, (640, 360), fit, "PNG") for fit in FITS]
    rendered = render_outputs(data, requests)
    assert [image.size for image in rendered.images] == list(expected)
    assert [decoded(image.data).size for image in rendered.images] == list(expected)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_every_fit_of_an_exif_rotated_photo_is_upright(orientation):
    card = samples.orientation_card((800, 600))  # upright, landscape quadrants
    data = samples.jpeg_bytes(samples.stored_with_orientation(card, orientation),
                              exif=samples.exif_bytes(orientation=orientation))
    requests = [OutputRequest(fit, (400, 300), fit, "PNG") for fit in FITS]
    for image in render_outputs(data, requests).images:
        picture = decoded(image.data).convert("RGB")
        assert picture.size == (400, 300)  # 4:3 upright in a 4:3 box: every fit fills it
        width, height = picture.size
        for corner, (x, y) in {"top_left": (0.25, 0.25), "top_right": (0.75, 0.25),
                               "bottom_left": (0.25, 0.75),
                               "bottom_right": (0.75, 0.75)}.items():
            pixel = picture.getpixel((int(width * x), int(height * y)))
            assert close_to(pixel, samples.CARD_COLOURS[corner]), (image.name, corner, pixel)


def test_cover_never_shows_a_border_and_pad_is_centred_on_the_background():
    photo = Image.new("RGB", (1000, 400), (200, 30, 30))
    data = samples.png_bytes(photo)
    cover, pad = render_outputs(data, [
        OutputRequest("cover", (300, 300), "cover", "PNG"),
        OutputRequest("pad", (300, 300), "pad", "PNG", background=(0, 0, 255)),
    ]).images
    covered = decoded(cover.data).convert("RGB")
    assert covered.getextrema() == ((200, 200), (30, 30), (30, 30))  # all photo, no border
    padded = decoded(pad.data).convert("RGB")
    assert padded.getpixel((150, 5)) == (0, 0, 255) and padded.getpixel((150, 294)) == (0, 0, 255)
    assert padded.getpixel((150, 150)) == (200, 30, 30)
    rows = [y for y in range(300) if padded.getpixel((150, y)) == (200, 30, 30)]
    assert abs(rows[0] - (299 - rows[-1])) <= 1  # as much background above as below


def test_formats_keep_or_flatten_alpha_as_they_can():
    logo = samples.png_bytes(samples.transparent_logo((600, 400)))
    formats = ("PNG", "WEBP", "AVIF", "JPEG")
    images = render_outputs(logo, [OutputRequest(f, (300, 200), "contain", f,
                                                 background=(0, 255, 0)) for f in formats]).images
    modes = {image.name: decoded(image.data).mode for image in images}
    assert modes == {"PNG": "RGBA", "WEBP": "RGBA", "AVIF": "RGBA", "JPEG": "RGB"}
    jpeg = decoded(images[-1].data)
    assert close_to(jpeg.getpixel((2, 2)), (0, 255, 0), 10)  # flattened onto the background


def test_an_invisible_picture_stays_invisible_when_the_alpha_is_dropped():
    """Issue 17, 3.6: 800x600 of pure red at alpha 0 passes any look at the visible picture.
    It fits the box, so no resize (which premultiplies alpha) touches it."""
    hidden = samples.png_bytes(Image.new("RGBA", (800, 600), (255, 0, 0, 0)))
    formats = ("PNG", "WEBP", "AVIF")
    images = render_outputs(hidden, [OutputRequest(f, (1280, 720), "contain", f)
                                     for f in formats]).images
    for image in images:
        picture = decoded(image.data)
        assert picture.mode == "RGBA" and picture.getchannel("A").getextrema() == (0, 0)
        assert picture.convert("RGB").getextrema() == ((0, 0),) * 3, image.name


@pytest.mark.parametrize("source", [(2, 3000), (3000, 2)])
def test_a_sliver_covering_a_box_never_makes_the_covering_size(monkeypatch, source):
    """Issue 17, 3.2: 2x3000 covering 640x360 is 640x960000 (2.5 GB) before its crop."""
    ramp = Image.linear_gradient("L").resize(source).convert("RGB")  # dark top, light bottom
    largest = []
    real_resize = Image.Image.resize

    def resize(self, size, *args, **kwargs):  # refused before anything is allocated
        assert size[0] * size[1] <= 640 * 360, f"resized to {size[0]}x{size[1]}"
        largest.append(size)
        return real_resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", resize)
    cover, = render_outputs(samples.png_bytes(ramp), [
        OutputRequest("cover", (640, 360), "cover", "PNG")]).images
    picture = decoded(cover.data)
    assert picture.size == (640, 360) and (640, 360) in largest
    assert abs(ImageStat.Stat(picture.convert("L")).mean[0] - 128) < 8  # its middle
