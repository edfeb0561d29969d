"""Input formats beyond JPEG and PNG: HEIC/HEIF (pi-heif), WebP and AVIF (Pillow 13).

Every file is generated here: HEICs by pillow-heif, a test-only encoder (requirements-dev.txt).
Orientation is judged by pixels: a red block in the top-left corner of the picture as it is
meant to be seen, and nothing else red.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys

import pillow_heif
import pytest
from PIL import Image

from chalicelib.config import keys, outputs
from chalicelib.errors import ImageRejected, OutOfTime
from chalicelib.image.render import Limits, OutputRequest, render_outputs
from chalicelib.image.structure import inspect
from devtools.stage import PROJECT_DIR
from tests.helpers import large_images
from tests.helpers.pictures import (
    _STORE_FOR,
    assert_upright,
    exif_with,
    heic_with_irot,
    upright_picture,
)
from tests.helpers.uploads import handler_for, upload


def heic_with_exif_only(picture: Image.Image, orientation: int = 6) -> bytes:
    """Stored pixels turned, EXIF orientation saying so, no irot/imir: encoded with
    orientation 1 (no transform box is written), then the tag's value patched in place."""
    stored = picture.transpose(_STORE_FOR[orientation])
    heif = pillow_heif.from_pillow(stored)
    heif.info["exif"] = exif_with(1)
    out = io.BytesIO()
    heif.save(out, quality=90)
    data = out.getvalue()
    assert data.count(exif_with(1)) == 1
    return data.replace(exif_with(1), exif_with(orientation))


def plain_heic(picture: Image.Image, thumbnails=()) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(picture).save(out, quality=90, thumbnails=list(thumbnails))
    return out.getvalue()


def has_box(data: bytes, kind: bytes) -> bool:
    return kind in data[: data.find(b"mdat")]


def one(data: bytes, box=(150, 150), fmt="JPEG", limits=Limits()) -> tuple[Image.Image, tuple]:
    rendered = render_outputs(data, [OutputRequest("t", box, "contain", fmt)], limits)
    image = Image.open(io.BytesIO(rendered.images[0].data))
    image.load()
    return image, rendered


# --- orientation ---------------------------------------------------------------------------

@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_heic_with_irot_is_upright_and_not_turned_again_by_its_exif(orientation):
    data = heic_with_irot(upright_picture(), orientation)
    assert has_box(data, b"irot")  # the container says how to turn
    assert exif_with(orientation) in data  # and so does the EXIF, as iPhones write it
    assert inspect(data).transformed
    image, rendered = one(data)
    assert_upright(image)
    assert image.size == (150, 100) and rendered.source_size == (600, 400)
    assert any("not applied again" in note for note in rendered.notes)


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_heic_with_only_an_exif_orientation_is_upright(orientation):
    data = heic_with_exif_only(upright_picture(), orientation)
    assert not has_box(data, b"irot") and not has_box(data, b"imir")
    assert not inspect(data).transformed
    image, rendered = one(data)
    assert_upright(image)
    assert image.size == (150, 100) and rendered.source_size == (600, 400)


def test_heic_without_any_orientation_is_rendered_as_stored():
    image, rendered = one(plain_heic(upright_picture()))
    assert_upright(image)
    assert rendered.source_format == "HEIF" and rendered.notes == ()


# --- alpha ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source_format", ["WEBP", "AVIF"])
def test_webp_and_avif_uploads_with_alpha_keep_it_in_webp_and_avif_and_flatten_it_in_jpeg(
    source_format,
):
    picture = upright_picture().convert("RGBA")
    picture.putalpha(Image.new("L", picture.size, 0))
    picture.paste((255, 0, 0, 255), (0, 0, 150, 100))  # the red corner opaque, the rest clear
    out = io.BytesIO()
    picture.save(out, source_format, quality=90)
    requests = [OutputRequest(name, (150, 150), "contain", fmt)
                for name, fmt in (("webp", "WEBP"), ("avif", "AVIF"), ("jpeg", "JPEG"))]
    rendered = render_outputs(out.getvalue(), requests)
    assert rendered.source_format == source_format and rendered.source_mode == "RGBA"
    made = {image.name: Image.open(io.BytesIO(image.data)) for image in rendered.images}
    for name in ("webp", "avif"):
        assert made[name].mode == "RGBA"
        assert made[name].getpixel((140, 90))[3] < 10  # clear stays clear
        assert made[name].getpixel((5, 5))[3] > 245
    jpeg = made["jpeg"]
    assert jpeg.mode == "RGB"
    assert min(jpeg.getpixel((140, 90))) > 240  # flattened onto the white background
    assert_upright(made["webp"].convert("RGB"))


def test_an_animated_webp_renders_its_first_frame_and_says_so():
    first, second = upright_picture(), upright_picture().rotate(180)
    out = io.BytesIO()
    first.save(out, "WEBP", save_all=True, append_images=[second], duration=100, lossless=True)
    image, rendered = one(out.getvalue())
    assert_upright(image)
    assert "2 frames or images: the first (primary) rendered" in rendered.notes


# --- output format and keys ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "pillow_format", "thumbnail_key"),
    [("a/IMG_0001.HEIC", "JPEG", "a/IMG_0001-thumbnail.HEIC.jpg"),
     ("b/x.heif", "JPEG", "b/x-thumbnail.heif.jpg"),
     ("c/y.webp", "WEBP", "c/y-thumbnail.webp"),
     ("d/z.AVIF", "AVIF", "d/z-thumbnail.AVIF"),
     ("e/w.JPG", "JPEG", "e/w-thumbnail.JPG")],
)
def test_format_same_and_ext_for_each_upload(key, pillow_format, thumbnail_key):
    thumbnail = outputs.load_outputs()["thumbnail"]
    assert thumbnail.format == "same" and thumbnail.key == "{folder}{stem}-thumbnail.{ext}"
    assert thumbnail.pillow_format(key) == pillow_format
    assert thumbnail.key_for(key) == thumbnail_key


def test_the_s3_mode_still_delivers_only_jpeg_and_png_while_the_pipeline_reads_more():
    assert set(keys.upload_suffixes()) == {".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}
    assert set(keys.supported_extensions()) == {"jpg", "jpeg", "png", "heic", "heif", "webp",
                                                "avif"}


def test_a_heic_upload_through_the_handler_becomes_a_jpeg_under_a_heic_jpg_key(
    s3, client, chalice_app, source_bucket, target_bucket
):
    """The S3 mode has no .heic function (its suffixes are unchanged); the record goes to a
    function of the stage as the EventBridge mode's single function would get it: every
    function runs the same pipeline, and the key decides the output."""
    record = upload(s3, source_bucket, "phone/IMG_0042.HEIC",
                    heic_with_irot(upright_picture((1600, 1200))))
    client.lambda_.invoke(handler_for(chalice_app, "any.jpg"), {"Records": [record]})
    key = "phone/IMG_0042-thumbnail.HEIC.jpg"  # not IMG_0042.JPG's thumbnail
    assert s3.head_object(Bucket=target_bucket, Key=key)["ContentType"] == "image/jpeg"
    body = s3.get_object(Bucket=target_bucket, Key=key)["Body"].read()
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG" and image.size == (960, 720)  # upright: stored portrait
    assert_upright(image)


# --- embedded thumbnails -------------------------------------------------------------------

def test_an_embedded_thumbnail_large_enough_for_every_output_is_decoded_instead():
    data = heic_with_irot(upright_picture((3000, 2000)), 6, thumbnails=[480])
    image, rendered = one(data, box=(300, 300))
    assert "embedded 480x320 thumbnail decoded instead of the 3000x2000 image" in rendered.notes
    assert image.size == (300, 200) and rendered.source_size == (3000, 2000)
    assert_upright(image)  # the thumbnail item carries its own irot, applied by libheif


def test_an_embedded_thumbnail_smaller_than_an_output_needs_is_not_used():
    data = heic_with_irot(upright_picture((3000, 2000)), 6, thumbnails=[480])
    requests = [OutputRequest("small", (300, 300), "contain", "JPEG"),
                OutputRequest("large", (1280, 720), "contain", "JPEG")]
    rendered = render_outputs(data, requests)
    assert not any("embedded" in note for note in rendered.notes)
    assert [image.size for image in rendered.images] == [(300, 200), (1080, 720)]


def test_the_thumbnail_makes_a_heic_fit_a_budget_its_full_decode_does_not():
    data = plain_heic(upright_picture((3000, 2000)), thumbnails=[600])
    small_function = Limits(memory_mb=128 + 48)  # 48 MB for the image
    with pytest.raises(ImageRejected) as refused:
        one(data, box=(1280, 720), limits=small_function)
    # 6 MP decoded in full: 12 bytes a pixel, 72 MB, more than 48
    assert refused.value.reason.startswith("over the memory budget: 3000x2000 HEIF RGB needs")
    # the decoders' copies beyond Pillow's 4 bytes a pixel: 8 bytes a pixel
    assert f"HEIF decoder copies {math.ceil(3000 * 2000 * 8 / 2**20)} MB" in refused.value.reason
    assert "over the 48 MB a 176 MB function has for images" in refused.value.reason
    image, rendered = one(data, box=(300, 300), limits=small_function)
    assert image.size == (300, 200) and any("embedded" in note for note in rendered.notes)


# --- budget and guards ---------------------------------------------------------------------

@pytest.mark.parametrize("source_format", ["WEBP", "AVIF"])
def test_webp_and_avif_are_budgeted_as_full_size_decodes(source_format):
    out = io.BytesIO()
    upright_picture((2000, 1500)).save(out, source_format, quality=50)
    bytes_a_pixel = {"WEBP": 18, "AVIF": 12}[source_format]
    needs = 2000 * 1500 * bytes_a_pixel / 2**20  # 51 MB (WebP 77 MB) with no shrink-on-load
    with pytest.raises(ImageRejected, match=rf"over the memory budget: 2000x1500 {source_format}"
                                            r" .* needs about \d+ MB .*decoder copies"):
        one(out.getvalue(), limits=Limits(memory_mb=128 + int(needs) - 10))
    one(out.getvalue(), limits=Limits(memory_mb=128 + 2 * int(needs) + 40))


def _avif(picture: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, "AVIF", **options)
    return out.getvalue()


def _transparent() -> Image.Image:
    picture = upright_picture((64, 48)).convert("RGBA")
    picture.putalpha(Image.linear_gradient("L").resize((64, 48)))
    return picture


@pytest.mark.parametrize(("make", "coding"), [
    (lambda: _avif(upright_picture((64, 48))), (8, "4:2:0", False)),
    (lambda: _avif(_transparent(), subsampling="4:4:4"), (8, "4:4:4", True)),
    (lambda: large_images.deep_avif((64, 48), bit_depth=10), (10, "4:4:4", True)),
    (lambda: large_images.deep_avif((64, 48)), (12, "4:4:4", True)),
    (lambda: plain_heic(upright_picture((64, 48))), (8, "4:2:0", False)),
    (lambda: large_images.deep_heic((64, 48), bit_depth=10), (10, "4:4:4", True)),
    (lambda: large_images.deep_heic((64, 48)), (12, "4:4:4", True)),
], ids=["avif-8-420", "avif-8-444-alpha", "avif-10-444-alpha", "avif-12-444-alpha",
        "heic-8-420", "heic-10-444-alpha", "heic-12-444-alpha"])
def test_the_header_says_how_deep_how_subsampled_and_whether_alpha(make, coding):
    """From pixi, av1C or hvcC and auxC (issue 17, 3.3): what the decoder will hold."""
    found = inspect(make()).coding
    assert (found.bit_depth, found.chroma, found.alpha) == coding


def test_a_heic_decode_that_cannot_finish_in_the_time_left_is_deferred():
    """No shrink-on-load: 6 MP at 20 ns a pixel, on the 0.58 vCPU a 1024 MB function has, is
    expected to take about 0.2 s; the same picture as a JPEG decodes at 1/8 scale in 0.03 s."""
    picture, limits = upright_picture((3000, 2000)), Limits(seconds_left=0.1)
    with pytest.raises(OutOfTime, match=r"rendering 3000x2000 HEIF RGB is expected to take "
                                        r"0\.2\d s, 0\.10 s"):
        one(plain_heic(picture), box=(300, 300), limits=limits)
    jpeg = io.BytesIO()
    picture.save(jpeg, "JPEG")
    one(jpeg.getvalue(), box=(300, 300), limits=limits)


def test_a_webp_claiming_a_huge_canvas_is_refused_from_its_header():
    tiny = io.BytesIO()
    Image.new("RGBA", (1, 1)).save(tiny, "WEBP", lossless=True)
    side = 16384
    vp8x = (b"VP8X\x0a\x00\x00\x00\x10\x00\x00\x00" + (side - 1).to_bytes(3, "little") * 2)
    body = b"WEBP" + vp8x + tiny.getvalue()[12:]
    data = b"RIFF" + len(body).to_bytes(4, "little") + body
    assert inspect(data).size == (side, side)
    with pytest.raises(ImageRejected, match="over the pixel limit: 16384x16384"):
        one(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html></html>", r"not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image "
                                          r"\(looks like HTML"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 40,
         r"ISO media file with brands iso2, isom, not a HEIC/HEIF or AVIF image"),
        (b"\x00\x00\x00\x18ftyphe", r"truncated ISO media file"),
    ],
)
def test_mislabelled_heics_get_a_clear_reason(data, reason):
    with pytest.raises(ImageRejected, match=reason):
        one(data)


def test_a_truncated_heic_names_the_box_that_is_cut():
    data = plain_heic(upright_picture())
    with pytest.raises(ImageRejected, match=r"truncated HEIC/HEIF: its 'mdat' box needs"):
        one(data[:-10])


def test_a_jpeg_only_process_never_loads_pi_heif_and_a_heic_loads_it_once(tmp_path):
    """Cold starts of JPEG uploads do not pay for libheif (about 40 ms to import)."""
    code = f"""
import io, json, sys
sys.path[:0] = [{str(PROJECT_DIR)!r}]
from chalicelib.image.render import OutputRequest, render_outputs
from devtools import samples
request = [OutputRequest("t", (100, 100), "contain", "JPEG")]
render_outputs(samples.jpeg_bytes(samples.photo_like((300, 200))), request)
after_jpeg = "pi_heif" in sys.modules
render_outputs(open(sys.argv[1], "rb").read(), request)
print(json.dumps([after_jpeg, "pi_heif" in sys.modules]))
"""
    heic = tmp_path / "probe.heic"
    heic.write_bytes(plain_heic(upright_picture()))
    run = subprocess.run([sys.executable, "-c", code, str(heic)], capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [False, True]
