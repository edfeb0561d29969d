"""Several outputs per upload through the handler, on the local S3: one download, one decode,
every output the stage declares, each in its format, listed in the record's log line."""

from __future__ import annotations

import io
import json
import logging

import pytest
from PIL import Image

from chalicelib.config import outputs
from chalicelib.image import decode
from chalicelib.pipeline import setup
from devtools import samples
from devtools.stage import lambda_context
from tests.helpers.faulty_s3 import FaultyS3
from tests.helpers.uploads import upload

LOGGER = "chalicelib.pipeline"
FOUR = "thumbnail,card,small,marked"


@pytest.fixture
def stage(stage_env, monkeypatch, caplog):
    """The dev stage's environment, as Lambda sets it, with OUTPUTS chosen by the test."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    for name, value in stage_env.items():
        monkeypatch.setenv(name, value)

    def with_outputs(names: str) -> None:
        monkeypatch.setenv("OUTPUTS", names)

    return with_outputs


def log_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]


def fetched(s3, bucket, key) -> tuple[Image.Image, dict]:
    response = s3.get_object(Bucket=bucket, Key=key)
    image = Image.open(io.BytesIO(response["Body"].read()))
    image.load()
    return image, response


def test_one_upload_becomes_every_declared_output_from_one_download_and_one_decode(
    s3, s3_endpoint, chalice_app, stage, source_bucket, target_bucket, monkeypatch, caplog
):
    stage(FOUR)
    record = upload(s3, source_bucket, "trip/beach day.jpg",
                    samples.jpeg_bytes(samples.photo_like((3000, 2000))))
    decodes = []
    real_decode = decode.decode_reduced
    monkeypatch.setattr(decode, "decode_reduced",
                        lambda image, size: decodes.append(size) or real_decode(image, size))

    with FaultyS3(s3_endpoint, fault_rate=0.0) as counting:
        monkeypatch.setenv("AWS_ENDPOINT_URL", counting.url)
        result = chalice_app.thumbnail_jpg({"Records": [record]},
                                           lambda_context("thumbnail_jpg"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)

    assert result == {"written": 1, "skipped": 0, "deleted": 0}
    assert counting.requests_by_method.get("GET", 0) == 1  # one download of the upload
    assert decodes == [(1080, 720)]  # one decode, at the largest output's size
    expected = {
        "trip/beach day-thumbnail.jpg": ("JPEG", "image/jpeg", (1080, 720)),
        "trip/beach day-card.webp": ("WEBP", "image/webp", (640, 360)),
        "trip/beach day-small.avif": ("AVIF", "image/avif", (320, 180)),
        "trip/beach day-marked.jpg": ("JPEG", "image/jpeg", (1080, 720)),
    }
    for key, (image_format, content_type, size) in expected.items():
        image, response = fetched(s3, target_bucket, key)
        assert (image.format, response["ContentType"], image.size) == (image_format,
                                                                       content_type, size)
        assert response["Metadata"]["source-etag"] == record["s3"]["object"]["eTag"]
    [line] = log_lines(caplog)
    assert [(o["name"], o["key"], o["size"]) for o in line["outputs"]] == [
        (name, key, "{}x{}".format(*size))
        for name, (key, (_, _, size)) in zip(FOUR.split(","), expected.items(), strict=True)]
    assert line["bytes_out"] == sum(o["bytes"] for o in line["outputs"])


def test_the_default_stage_writes_only_the_thumbnail_as_before(
    s3, deliver, source_bucket, target_bucket
):
    record = upload(s3, source_bucket, "a/b.png", samples.png_bytes(samples.transparent_logo()))
    assert deliver(record).payload == {"written": 1, "skipped": 0, "deleted": 0}
    listing = s3.list_objects_v2(Bucket=target_bucket)["Contents"]
    assert [item["Key"] for item in listing] == ["a/b-thumbnail.png"]


def test_outputs_with_a_prefix_only_render_for_uploads_under_it(
    s3, chalice_app, stage, source_bucket, target_bucket, monkeypatch
):
    declared = outputs.load_outputs((outputs.ASSET_DIR / outputs.OUTPUTS_FILE).read_text() + """
[video]
key = "{folder}{stem}-video.jpg"
size = "1280x720"
fit = "cover"
format = "jpeg"
prefix = "videos/"
""")
    monkeypatch.setattr(setup, "declared_outputs", lambda: declared)
    stage("thumbnail,video")
    for key in ("videos/clip.jpg", "photos/cat.jpg"):
        record = upload(s3, source_bucket, key, samples.jpeg_bytes(samples.photo_like((800, 800))))
        chalice_app.thumbnail_jpg({"Records": [record]}, lambda_context("thumbnail_jpg"))
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=target_bucket)["Contents"])
    assert keys == ["photos/cat-thumbnail.jpg", "videos/clip-thumbnail.jpg",
                    "videos/clip-video.jpg"]
    image, _ = fetched(s3, target_bucket, "videos/clip-video.jpg")
    assert image.size == (1280, 720)  # cover: exactly the box, a square source scaled up
