"""Outputs made on request (`when = "request"`): the renditions function behind a Lambda
function URL, invoked with function URL events (payload format 2.0) as AWS sends them, through
Chalice's test client and as Lambda calls it, on the local S3."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from chalicelib.config import outputs
from chalicelib.pipeline import setup
from chalicelib.pipeline.log import LOGGER_NAME
from devtools import samples
from devtools.events import function_url_event, removed_record, s3_record
from devtools.latency import LatencyProxy
from devtools.policy import policy_for, renditions_policy_for
from devtools.stage import lambda_context

ON_REQUEST = """
[avatar]
key = "{folder}{stem}-avatar.webp"
size = "256x256"
fit = "cover"
format = "webp"
when = "request"

[w640]
key = "{folder}{stem}-w640.{ext}"
size = "640x640"
when = "request"

[big]
key = "{folder}{stem}-big.png"
size = "4000x4000"
format = "png"
when = "request"
"""


@pytest.fixture
def stage(s3, stage_env, monkeypatch, caplog):
    """The dev stage as Lambda sets it, making the thumbnail on upload and three outputs on
    request."""
    declared = outputs.load_outputs(
        (outputs.ASSET_DIR / outputs.OUTPUTS_FILE).read_text() + ON_REQUEST)
    monkeypatch.setattr(setup, "declared_outputs", lambda: declared)
    for name, value in {**stage_env, "OUTPUTS": "thumbnail,avatar,w640,big"}.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    return monkeypatch


def put(s3, bucket: str, key: str, data: bytes) -> dict:
    etag = s3.put_object(Bucket=bucket, Key=key, Body=data)["ETag"].strip('"')
    return s3_record(bucket, key, len(data), etag)


def request(chalice_app, path: str, method: str = "GET") -> dict:
    """As Lambda calls the function for a function URL request."""
    return chalice_app.renditions(function_url_event(path, method), lambda_context("renditions"))


def picture(response: dict) -> Image.Image:
    assert response["isBase64Encoded"] is True
    return Image.open(io.BytesIO(base64.b64decode(response["body"])))


def reason(response: dict) -> str:
    assert response["headers"]["Content-Type"] == "application/json"
    return json.loads(response["body"])["reason"]


def keys_of(s3, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_upload_makes_only_its_upload_outputs_and_a_request_makes_the_rest(
    s3, chalice_app, stage, source_bucket, target_bucket
):
    photo = samples.jpeg_bytes(samples.photo_like((1600, 1200)))
    record = put(s3, source_bucket, "people/ana maría.jpg", photo)
    assert chalice_app.thumbnail_jpg({"Records": [record]}, lambda_context("thumbnail_jpg")) \
        == {"written": 1, "skipped": 0, "deleted": 0}
    assert keys_of(s3, target_bucket) == ["people/ana maría-thumbnail.jpg"]

    # The path is the output's key, percent-encoded as a browser sends it.
    avatar = request(chalice_app, "/people/ana%20mar%C3%ADa-avatar.webp")
    assert avatar["statusCode"] == 200
    assert avatar["headers"] == {"Content-Type": "image/webp",
                                 "Cache-Control": "public, max-age=86400"}
    assert picture(avatar).size == (256, 256) and picture(avatar).format == "WEBP"
    stored = s3.get_object(Bucket=target_bucket, Key="people/ana maría-avatar.webp")
    assert stored["Body"].read() == base64.b64decode(avatar["body"])
    assert stored["ContentType"] == "image/webp"
    assert stored["Metadata"]["source-etag"] == record["s3"]["object"]["eTag"]

    w640 = request(chalice_app, "/people/ana%20mar%C3%ADa-w640.jpg")  # {ext}: the exact upload
    assert w640["statusCode"] == 200 and picture(w640).size == (640, 480)
    assert keys_of(s3, target_bucket) == ["people/ana maría-avatar.webp",
                                          "people/ana maría-thumbnail.jpg",
                                          "people/ana maría-w640.jpg"]


def test_head_answers_the_headers_without_the_body(s3, chalice_app, stage, source_bucket):
    put(s3, source_bucket, "h.png", samples.png_bytes(samples.transparent_logo((300, 200))))
    head = request(chalice_app, "/h-avatar.webp", "HEAD")
    assert head["statusCode"] == 200 and head["body"] == ""
    assert head["headers"]["Content-Type"] == "image/webp"


@pytest.mark.parametrize("path, why", [
    ("/nobody-avatar.webp", "no upload in"),  # a declared output, no such upload
    ("/cat-thumbnail.jpg", "made on upload"),  # an upload output not made yet: not ours
    ("/cat.jpg", "no output of this stage makes"),
    ("/cat-avatar.png", "no output of this stage makes"),  # avatar is .webp only
    ("/", "no key"),
])
def test_what_no_declared_output_makes_is_404_with_a_reason_cached_briefly(
    s3, chalice_app, stage, path, why
):
    missing = request(chalice_app, path)
    assert missing["statusCode"] == 404 and why in reason(missing)
    assert missing["headers"]["Cache-Control"] == "public, max-age=60"


def test_an_upload_that_is_no_image_is_422_and_other_methods_405(
    s3, chalice_app, stage, source_bucket, target_bucket
):
    put(s3, source_bucket, "bad.jpg", b"<html>not an image</html>")
    refused = request(chalice_app, "/bad-avatar.webp")
    assert refused["statusCode"] == 422 and "not a JPEG" in reason(refused)
    posted = request(chalice_app, "/bad-avatar.webp", "POST")
    assert posted["statusCode"] == 405 and posted["headers"]["Allow"] == "GET, HEAD"
    assert keys_of(s3, target_bucket) == []


SAMPLES = Path(__file__).parent / "samples"
DOCUMENTED = "aws-docs-lambda-function-url-request.json"  # POST /my/path, AuthType AWS_IAM
CAPTURED_GET = "powertools-lambdaFunctionUrlEvent.json"  # GET /, AuthType NONE


def _shape(value):
    """The keys of a JSON value, nested, and where a value is null: what a builder must match."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return None if value is None else type(value).__name__


def test_our_function_url_events_have_the_shape_aws_documents():
    """devtools/events.function_url_event, which every renditions test and make dev's URL use,
    against the request payload in AWS Lambda's developer guide (tests/samples): every field and
    its type, the documented nulls too. A GET has no body, query or cookies, as captured GETs."""
    documented = _shape(json.loads((SAMPLES / DOCUMENTED).read_text()))
    for request_only in ("body", "cookies", "queryStringParameters"):
        documented.pop(request_only)
    event = function_url_event("/people/ana%20mar%C3%ADa-avatar.webp", "HEAD")
    # Headers are the request's own: names lower-case (as Lambda passes them), values strings.
    documented.pop("headers")
    headers = event.pop("headers")
    assert all(name == name.lower() and isinstance(value, str)
               for name, value in headers.items())
    assert _shape(event) == documented
    captured = json.loads((SAMPLES / CAPTURED_GET).read_text())
    assert not {"body", "cookies", "queryStringParameters"} & set(captured)


def test_aws_samples_of_function_url_requests_are_answered(s3, chalice_app, stage):
    """As AWS sends them: the documented POST is refused (405), a captured GET of / is 404."""
    posted = chalice_app.renditions(json.loads((SAMPLES / DOCUMENTED).read_text()),
                                    lambda_context("renditions"))
    assert posted["statusCode"] == 405 and posted["headers"]["Allow"] == "GET, HEAD"
    assert "POST is not served" in reason(posted)
    root = chalice_app.renditions(json.loads((SAMPLES / CAPTURED_GET).read_text()),
                                  lambda_context("renditions"))
    assert root["statusCode"] == 404 and "no key" in reason(root)


def test_an_output_over_what_lambda_can_return_is_413_and_stored(
    s3, chalice_app, stage, source_bucket, target_bucket
):
    import os

    noise = Image.frombytes("RGB", (1800, 1800), os.urandom(1800 * 1800 * 3))
    put(s3, source_bucket, "noise.png", samples.png_bytes(noise, compress_level=1))
    too_big = request(chalice_app, "/noise-big.png")
    assert too_big["statusCode"] == 413 and "over what Lambda can return" in reason(too_big)
    stored = s3.head_object(Bucket=target_bucket, Key="noise-big.png")["ContentLength"]
    assert stored * 4 / 3 > 6 * 1024 * 1024


def test_literal_extension_outputs_come_from_the_newest_upload_of_the_stem(
    s3, chalice_app, stage, source_bucket
):
    """`-avatar.webp` does not say which upload: uploads differing only by extension share it,
    and the last one uploaded wins, as on upload."""
    put(s3, source_bucket, "twins/t.png", samples.png_bytes(Image.new("RGB", (400, 400), "red")))
    put(s3, source_bucket, "twins/t.jpg",
        samples.jpeg_bytes(Image.new("RGB", (400, 400), "blue")))
    put(s3, source_bucket, "twins/t.gif", b"GIF89a")  # not an upload the pipeline reads
    colour = picture(request(chalice_app, "/twins/t-avatar.webp")).convert("RGB").getpixel((9, 9))
    assert colour[2] > 200 and colour[0] < 60  # blue: the .jpg, uploaded last


def test_a_new_upload_removes_outputs_made_on_request_and_delete_sync_too(
    s3, chalice_app, stage, source_bucket, target_bucket
):
    """Outputs made on request from an earlier upload under the key are stale: the upload's own
    event deletes them, the next request makes them again; deleting the upload deletes them."""
    first = put(s3, source_bucket, "r/x.jpg",
                samples.jpeg_bytes(Image.new("RGB", (400, 300), "red")))
    chalice_app.thumbnail_jpg({"Records": [first]}, lambda_context("thumbnail_jpg"))
    assert request(chalice_app, "/r/x-avatar.webp")["statusCode"] == 200
    second = put(s3, source_bucket, "r/x.jpg",
                 samples.jpeg_bytes(Image.new("RGB", (400, 300), "blue")))
    chalice_app.thumbnail_jpg({"Records": [second]}, lambda_context("thumbnail_jpg"))
    assert keys_of(s3, target_bucket) == ["r/x-thumbnail.jpg"]
    again = picture(request(chalice_app, "/r/x-avatar.webp")).convert("RGB").getpixel((9, 9))
    assert again[2] > 200  # made from the new upload

    s3.delete_object(Bucket=source_bucket, Key="r/x.jpg")
    assert chalice_app.thumbnail_jpg({"Records": [removed_record(source_bucket, "r/x.jpg")]},
                                     lambda_context("thumbnail_jpg"))["deleted"] == 1
    assert keys_of(s3, target_bucket) == []
    assert request(chalice_app, "/r/x-avatar.webp")["statusCode"] == 404


def test_through_chalices_test_client_with_real_s3_latency(
    s3, chalice_app, stage, source_bucket, target_bucket, tmp_path
):
    """The unpatched test client (3 s left), every S3 request delayed 30 ms, a 12 MP upload:
    the miss is made, stored and returned with four S3 requests (list the stem's uploads, get
    the upload, put the output, check the upload is still the one rendered)."""
    import os

    from chalice.test import Client

    from devtools.stage import PROJECT_DIR

    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    config["stages"]["dev"]["environment_variables"]["OUTPUTS"] = "thumbnail,avatar"
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config))
    put(s3, source_bucket, "c/cat.jpg", samples.jpeg_bytes(samples.photo_like((4000, 3000))))
    with LatencyProxy(os.environ["AWS_ENDPOINT_URL"], 0.03) as proxy:
        stage.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        with Client(chalice_app.app, stage_name="dev", project_dir=str(tmp_path)) as client:
            response = client.lambda_.invoke("renditions",
                                             function_url_event("/c/cat-avatar.webp"))
        assert response.payload["statusCode"] == 200
        assert picture(response.payload).size == (256, 256)
        assert proxy.requests_by_method == {"GET": 2, "PUT": 1, "HEAD": 1}
    assert s3.head_object(Bucket=target_bucket, Key="c/cat-avatar.webp")["ContentLength"] > 0


def test_under_exactly_the_generated_policies(
    s3, chalice_app, stage, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    """The renditions function writes only outputs made on request; the event functions write
    only outputs made on upload, and delete both kinds."""
    from tests.helpers.iam import _as_kwargs, _user_with_policy

    iam = boto3.client("iam")
    renditions = _user_with_policy(iam, "renditions-fn", renditions_policy_for("dev", overrides={
        "OUTPUTS": "thumbnail,avatar,w640,big"}))
    handlers = _user_with_policy(iam, "handlers-fn", policy_for("dev", overrides={
        "OUTPUTS": "thumbnail,avatar,w640,big"}))
    record = put(s3, source_bucket, "p/cat.jpg", samples.jpeg_bytes(samples.photo_like((800, 600))))
    enforced_iam()
    for name, value in renditions.items():
        monkeypatch.setenv(name, value)
    assert request(chalice_app, "/p/cat-avatar.webp")["statusCode"] == 200
    assert request(chalice_app, "/p/nobody-avatar.webp")["statusCode"] == 404  # not 403
    as_renditions = boto3.client("s3", **_as_kwargs(renditions))
    for call in (lambda: as_renditions.put_object(Bucket=target_bucket, Key="p/cat-thumbnail.jpg",
                                                  Body=b"x"),
                 lambda: as_renditions.delete_object(Bucket=target_bucket,
                                                     Key="p/cat-avatar.webp"),
                 lambda: as_renditions.get_object(Bucket=target_bucket, Key="p/cat-avatar.webp")):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"

    for name, value in handlers.items():
        monkeypatch.setenv(name, value)
    assert chalice_app.thumbnail_jpg({"Records": [record]}, lambda_context("thumbnail_jpg")) \
        == {"written": 1, "skipped": 0, "deleted": 0}  # and the stale avatar deleted
    as_handlers = boto3.client("s3", **_as_kwargs(handlers))
    with pytest.raises(ClientError) as error:
        as_handlers.put_object(Bucket=target_bucket, Key="p/cat-avatar.webp", Body=b"x")
    assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_a_quarantined_upload_is_served_nothing_on_request(
    s3, chalice_app, stage, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    """With moderation on, the upload's own event decides (Rekognition); the function reads its
    verdict in the sidecar: quarantined is 403, not analysed yet is 503 (ask again soon)."""
    from tests.helpers.iam import _user_with_policy

    monkeypatch.setenv("LABELS", "moderation")
    for key, colour in (("m/red.jpg", (255, 0, 0)), ("m/calm.jpg", (40, 90, 160))):
        record = put(s3, source_bucket, key, samples.jpeg_bytes(Image.new("RGB", (400, 300),
                                                                          colour)))
        chalice_app.thumbnail_jpg({"Records": [record]}, lambda_context("thumbnail_jpg"))
    put(s3, source_bucket, "m/new.jpg", samples.jpeg_bytes(Image.new("RGB", (400, 300), "green")))
    policy = renditions_policy_for("dev", overrides={"OUTPUTS": "thumbnail,avatar,w640,big",
                                                     "LABELS": "moderation"})
    credentials = _user_with_policy(boto3.client("iam"), "renditions-moderated", policy)
    enforced_iam()
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)

    quarantined = request(chalice_app, "/m/red-avatar.webp")
    assert quarantined["statusCode"] == 403 and "quarantined: moderation" in reason(quarantined)
    assert request(chalice_app, "/m/calm-avatar.webp")["statusCode"] == 200
    pending = request(chalice_app, "/m/new-avatar.webp")
    assert pending["statusCode"] == 503 and pending["headers"]["Retry-After"] == "5"
    assert "not been through moderation" in reason(pending)
