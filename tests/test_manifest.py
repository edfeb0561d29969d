"""MANIFEST=true: `{folder}{stem}-manifest.json` beside each upload's outputs, what a web page
needs: every output (made on upload or on request) with its pixel size, srcset strings, a
ThumbHash placeholder and the dominant colour; deleted with the upload, named in the event."""

from __future__ import annotations

import base64
import io
import json
import logging

import pytest
from PIL import Image

from chalicelib.aws.events import Upload
from chalicelib.config import outputs
from chalicelib.config.settings import Settings, SettingsError
from chalicelib.image import placeholder
from chalicelib.image.render import render_outputs
from chalicelib.pipeline import setup
from chalicelib.pipeline.log import LOGGER_NAME
from chalicelib.pipeline.record import plan_outputs
from devtools import samples
from devtools.events import function_url_event, removed_record, s3_record
from devtools.policy import policy_for
from devtools.stage import lambda_context

ON_REQUEST = """
[hero]
key = "{folder}{stem}-hero.webp"
size = "2000x2000"
fit = "contain"
format = "webp"
when = "request"
"""


@pytest.fixture
def stage(s3, stage_env, monkeypatch, caplog):
    """The dev stage with MANIFEST on: thumbnail and card on upload, hero on request."""
    declared = outputs.load_outputs(
        (outputs.ASSET_DIR / outputs.OUTPUTS_FILE).read_text() + ON_REQUEST)
    monkeypatch.setattr(setup, "declared_outputs", lambda: declared)
    for name, value in {**stage_env, "OUTPUTS": "thumbnail,card,hero",
                        "MANIFEST": "true"}.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    return monkeypatch.setenv


def upload(s3, chalice_app, bucket: str, key: str, data: bytes) -> dict:
    etag = s3.put_object(Bucket=bucket, Key=key, Body=data)["ETag"].strip('"')
    record = s3_record(bucket, key, len(data), etag)
    assert chalice_app.thumbnail_jpg({"Records": [record]}, lambda_context("thumbnail_jpg")) \
        == {"written": 1, "skipped": 0, "deleted": 0}
    return record


def manifest_of(s3, bucket: str, key: str) -> dict:
    stored = s3.get_object(Bucket=bucket, Key=key)
    assert stored["ContentType"] == "application/json"
    return json.loads(stored["Body"].read())


def size_of(s3, bucket: str, key: str) -> tuple[int, int]:
    return Image.open(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())).size


def test_the_manifest_lists_every_output_with_the_size_it_has_or_will_have(
        s3, chalice_app, stage, source_bucket, target_bucket, caplog):
    photo = samples.jpeg_bytes(samples.photo_like((3000, 2000)))
    upload(s3, chalice_app, source_bucket, "trips/my photo.jpg", photo)
    document = manifest_of(s3, target_bucket, "trips/my photo-manifest.json")

    assert document["source"] == {"key": "trips/my photo.jpg", "width": 3000, "height": 2000}
    listed = {entry["name"]: entry for entry in document["outputs"]}
    assert set(listed) == {"thumbnail", "card", "hero"}
    for name in ("thumbnail", "card"):  # made now: its real size and bytes
        entry = listed[name]
        assert size_of(s3, target_bucket, entry["key"]) == (entry["width"], entry["height"])
        assert entry["bytes"] == s3.head_object(Bucket=target_bucket,
                                                Key=entry["key"])["ContentLength"]
    assert (listed["thumbnail"]["quality"], listed["card"]["quality"]) == (85, 80)
    assert listed["thumbnail"]["score"] is None  # a fixed quality: nothing measured
    hero = listed["hero"]
    assert (hero["when"], hero["bytes"], hero["quality"]) == ("request", None, None)
    # The size it will have, before anyone asks: then asked for, it has exactly that size.
    response = chalice_app.renditions(function_url_event("/trips/my%20photo-hero.webp"),
                                      lambda_context("renditions"))
    assert response["statusCode"] == 200
    made = Image.open(io.BytesIO(base64.b64decode(response["body"])))
    assert made.size == (hero["width"], hero["height"]) == (2000, 1333)

    # srcset per format, narrowest first, keys URL-encoded as a page uses them.
    assert document["srcset"] == {
        "jpeg": "trips/my%20photo-thumbnail.jpg 1080w",
        "webp": "trips/my%20photo-card.webp 640w, trips/my%20photo-hero.webp 2000w"}
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    [written] = [line for line in lines if line["key"] == "trips/my photo.jpg"
                 and line["outcome"] == "written" and "manifest_key" in line]
    assert written["manifest_key"] == "trips/my photo-manifest.json"


def test_the_manifest_records_the_quality_auto_chose_and_the_score_reached(
        s3, chalice_app, stage, source_bucket, target_bucket, monkeypatch, caplog):
    declared = outputs.load_outputs(ON_REQUEST + """
[small]
key = "{folder}{stem}-small.jpg"
size = "320x180"
format = "jpeg"
quality = "auto"
""")
    monkeypatch.setattr(setup, "declared_outputs", lambda: declared)
    stage("OUTPUTS", "small,hero")
    upload(s3, chalice_app, source_bucket, "easy.jpg",
           samples.jpeg_bytes(samples.portrait_like((1200, 800))))
    [small] = [entry for entry in manifest_of(s3, target_bucket, "easy-manifest.json")["outputs"]
               if entry["name"] == "small"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    [logged] = [output for line in lines for output in line.get("outputs", ())
                if output["name"] == "small"]
    assert (small["quality"], small["score"]) == (logged["quality"], logged["score"])
    assert small["quality"] < 85 and small["score"] >= 0.9  # an easy picture: lower than fixed
    assert size_of(s3, target_bucket, small["key"]) == (small["width"], small["height"])


def reference_picture(size: tuple[int, int], alpha: bool | int) -> Image.Image:
    """Gradients only: the same pixels on every machine."""
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.linear_gradient("L").rotate(90).resize(size)
    picture = Image.merge("RGB", (red, green, blue)).convert("RGBA")
    if alpha is True:
        picture.putalpha(Image.radial_gradient("L").resize(size))
    elif alpha:  # one alpha everywhere
        picture.putalpha(Image.new("L", size, alpha))
    return picture


# What ThumbHash's reference encoder (JavaScript, thumbhash 0.1.1 from npm, rgbaToThumbHash)
# gives for exactly these pictures.
REFERENCE = [
    ((32, 24), False, "IOgJbZqwh4dwh4h7h3iIeJ90eQRI"),
    ((24, 32), False, "IOgJbRqwh3CHt3d4iIh4h590eQRI"),
    ((32, 32), True, "YsiFRRAYoJVwh3pYmJ+EeQVX+Id4h392iA=="),
    ((32, 18), True, "YsiFQ5AYoJVwh3qfhHkFV/iHeId/dog="),
    ((28, 32), 100, "IOiFLAoGsAd3t3eH+EmXR4BklXWHiId4AA=="),
]


def nibbles(hashed: bytes) -> list[int]:
    return [half for byte in hashed for half in (byte & 15, byte >> 4)]


@pytest.mark.parametrize("size, alpha, expected", REFERENCE)
def test_thumbhash_agrees_with_the_reference_encoder(size, alpha, expected):
    """The header (sizes, averages, scales, alpha) exactly; each 4-bit AC coefficient within
    one step: a coefficient that lands on a rounding boundary can go either way, since the two
    maths libraries' cosines differ in the last bit (one of the five vectors has one such)."""
    picture = reference_picture(size, alpha)
    hashed = placeholder.thumbhash(*size, picture.tobytes())
    reference = base64.b64decode(expected)
    header = 6 if reference[2] & 0x80 else 5  # with alpha, one more byte: its average, scale
    assert hashed[:header] == reference[:header]
    assert len(hashed) == len(reference)
    steps = [abs(a - b) for a, b in zip(nibbles(hashed[header:]), nibbles(reference[header:]),
                                         strict=True)]
    assert max(steps) <= 1 and sum(steps) <= 1


def test_the_placeholder_is_this_uploads_thumbhash_and_its_dominant_colour(
        s3, chalice_app, stage, source_bucket, target_bucket):
    flag = Image.new("RGB", (1200, 600), (200, 30, 40))
    flag.paste((30, 60, 200), (0, 0, 300, 600))  # a quarter blue: red dominates
    data = samples.jpeg_bytes(flag)
    upload(s3, chalice_app, source_bucket, "flag.jpg", data)
    described = manifest_of(s3, target_bucket, "flag-manifest.json")["placeholder"]
    colour = tuple(int(described["color"][i:i + 2], 16) for i in (1, 3, 5))
    assert all(abs(a - b) < 24 for a, b in zip(colour, (200, 30, 40), strict=True))
    # The hash of this upload's small picture, a few dozen characters to inline in a page.
    plan = plan_outputs(Upload.current(source_bucket, "flag.jpg"), setup.load_settings())
    assert plan.manifest_key == "flag-manifest.json"
    [small] = [image for image in render_outputs(data, plan.requests).images
               if image.name == placeholder.NAME]  # the same render as the function's
    assert small.size == (32, 16)
    assert described["thumbhash"] == placeholder.describe(small.data)[0]
    assert len(described["thumbhash"]) <= 40
    header16 = int.from_bytes(base64.b64decode(described["thumbhash"])[3:5], "little")
    assert header16 >> 15 == 1  # landscape, as the upload is


def test_the_manifest_goes_with_the_upload_and_the_event_names_it(
        s3, chalice_app, stage, source_bucket, target_bucket, bus):
    upload(s3, chalice_app, source_bucket, "gone.jpg",
           samples.jpeg_bytes(samples.photo_like((800, 600))))
    assert manifest_of(s3, target_bucket, "gone-manifest.json")
    s3.delete_object(Bucket=source_bucket, Key="gone.jpg")
    result = chalice_app.thumbnail_jpg({"Records": [removed_record(source_bucket, "gone.jpg")]},
                                       lambda_context("thumbnail_jpg"))
    assert result["deleted"] == 1
    assert "Contents" not in s3.list_objects_v2(Bucket=target_bucket, Prefix="gone")
    import boto3

    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=bus, MaxNumberOfMessages=10,
                                   WaitTimeSeconds=2).get("Messages", [])
    details = [json.loads(m["Body"])["detail"] for m in messages]
    processed = [d for d in details if d.get("outcome") == "written"]
    assert processed and processed[0]["manifest_key"] == "gone-manifest.json"


def test_off_by_default_and_only_true_or_false(stage_env):
    declared = outputs.load_outputs()
    assert Settings.from_env(stage_env, declared).manifest is False
    with pytest.raises(SettingsError, match="MANIFEST must be true or false"):
        Settings.from_env({**stage_env, "MANIFEST": "yes"}, declared)


def test_the_policy_lets_the_functions_write_and_delete_manifests_only_with_manifest_on():
    def resources(sid: str, **overrides: str) -> list[str]:
        policy = policy_for("dev", overrides=overrides)
        [statement] = [s for s in policy["Statement"] if s["Sid"] == sid]
        return statement["Resource"]

    target = "arn:aws:s3:::thumbnailer-dev-thumbnails"
    assert f"{target}/*-manifest.json" in resources("WriteOutputs", MANIFEST="true")
    assert f"{target}/*-manifest.json" in resources("DeleteOutputs", MANIFEST="true")
    assert f"{target}/*-manifest.json" not in resources("WriteOutputs")


def test_an_output_cannot_take_the_manifests_key():
    text = (outputs.ASSET_DIR / outputs.OUTPUTS_FILE).read_text() + (
        '\n[m]\nkey = "{folder}{stem}-manifest.json"\nsize = "10x10"\nformat = "png"\n')
    with pytest.raises(outputs.OutputsError, match="the manifest's"):
        outputs.load_outputs(text)


def test_the_demos_preview_draws_the_picture_a_thumbhash_stands_for():
    """devtools/thumbhash_preview.py, the inverse: a left-blue, right-red picture comes back
    blue on the left and red on the right, in about its aspect ratio (ThumbHash keeps it
    roughly)."""
    from devtools.thumbhash_preview import decode

    picture = Image.new("RGBA", (32, 16), (200, 30, 40, 255))
    picture.paste((30, 60, 200, 255), (0, 0, 16, 16))
    drawn = decode(placeholder.thumbhash(32, 16, picture.tobytes()))
    assert drawn.width == 32 and drawn.width / drawn.height == pytest.approx(2, rel=0.15)
    middle = drawn.height // 2
    left, right = drawn.getpixel((2, middle)), drawn.getpixel((29, middle))
    assert left[2] > left[0] + 60 and right[0] > right[2] + 60
    assert left[3] == right[3] == 255
