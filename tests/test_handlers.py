"""The handlers end to end: Chalice's test client, a real S3 endpoint on loopback, S3-shaped
events. What a user sees: which thumbnails appear, where, and what the logs say."""

from __future__ import annotations

import io
import json
import logging
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from chalice.local import LambdaContext
from PIL import Image

from chalicelib.config.keys import upload_suffixes
from chalicelib.pipeline.handler import RecordsFailed
from devtools import samples
from devtools.events import s3_record
from devtools.local_s3 import EventRouter
from tests.helpers.s3_stand_ins import S3Error
from tests.helpers.uploads import handler_for, upload

LOGGER = "chalicelib.pipeline"


def log_lines(caplog) -> list[tuple[str, dict]]:
    return [(r.levelname, json.loads(r.getMessage())) for r in caplog.records if r.name == LOGGER]


def target_keys(s3, bucket) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def photo_for(key: str, size=(1600, 1200)) -> bytes:
    photo = samples.photo_like(size)
    return samples.png_bytes(photo) if key.lower().endswith(".png") else samples.jpeg_bytes(photo)


@pytest.fixture(autouse=True)
def _info_logs(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)


@pytest.mark.parametrize("suffix", upload_suffixes())
def test_every_handler_writes_a_thumbnail(s3, deliver, source_bucket, target_bucket, suffix):
    key = f"uploads/photo{suffix}"
    record = upload(s3, source_bucket, key, photo_for(key))

    response = deliver(record)

    assert response.payload == {"written": 1, "skipped": 0, "deleted": 0}
    thumbnail = s3.get_object(Bucket=target_bucket, Key=f"uploads/photo-thumbnail{suffix}")
    expected_type = "image/png" if suffix.lower() == ".png" else "image/jpeg"
    assert thumbnail["ContentType"] == expected_type
    assert thumbnail["CacheControl"] == "public, max-age=86400"
    assert thumbnail["Metadata"]["source-etag"] == record["s3"]["object"]["eTag"]
    image = Image.open(io.BytesIO(thumbnail["Body"].read()))
    assert image.size == (960, 720)
    assert image.format == ("PNG" if suffix.lower() == ".png" else "JPEG")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("my photo.jpg", "my photo-thumbnail.jpg"),
        ("a+b=c.jpg", "a+b=c-thumbnail.jpg"),
        ("100% real & true.png", "100% real & true-thumbnail.png"),
        ("été/naïve café 東京.JPG", "été/naïve café 東京-thumbnail.JPG"),
        ("a/b/c/d/my photo.v2.final.jpeg", "a/b/c/d/my photo.v2.final-thumbnail.jpeg"),
        ("folder.with.dots/x?y#z.PNG", "folder.with.dots/x?y#z-thumbnail.PNG"),
    ],
)
def test_odd_keys_are_decoded_and_keep_their_folder(
    s3, deliver, source_bucket, target_bucket, key, expected
):
    record = upload(s3, source_bucket, key, photo_for(key, (300, 200)))
    assert deliver(record).payload["written"] == 1
    assert target_keys(s3, target_bucket) == [expected]


def test_slash_encoded_as_percent_2f_is_decoded_too(s3, deliver, source_bucket, target_bucket):
    record = upload(s3, source_bucket, "a b/c.jpg", photo_for("c.jpg", (300, 200)))
    record["s3"]["object"]["key"] = "a+b%2Fc.jpg"  # the local S3 encodes "/" this way
    assert deliver(record).payload["written"] == 1
    assert target_keys(s3, target_bucket) == ["a b/c-thumbnail.jpg"]


def test_every_record_of_an_event_is_handled(s3, deliver, source_bucket, target_bucket):
    keys = ["one.jpg", "two.jpg", "three.jpg"]
    records = [upload(s3, source_bucket, key, photo_for(key, (300, 200))) for key in keys]

    assert deliver(*records).payload == {"written": 3, "skipped": 0, "deleted": 0}
    assert sorted(target_keys(s3, target_bucket)) == [
        "one-thumbnail.jpg", "three-thumbnail.jpg", "two-thumbnail.jpg"
    ]


def test_written_record_logs_one_json_line(s3, deliver, source_bucket, caplog):
    record = upload(s3, source_bucket, "pics/x y.jpg", photo_for("x.jpg"))
    deliver(record)

    [(level, line)] = log_lines(caplog)
    assert level == "INFO"
    assert line["outcome"] == "written"
    assert line["bucket"] == source_bucket
    assert line["key"] == "pics/x y.jpg"
    assert line["thumbnail_key"] == "pics/x y-thumbnail.jpg"
    assert line["source_size"] == "1600x1200" and line["thumbnail_size"] == "960x720"
    assert line["bytes_in"] == record["s3"]["object"]["size"]
    assert 0 < line["bytes_out"] < line["bytes_in"]
    assert line["ms"] > 0


def test_sideways_phone_photo_is_stored_upright_without_gps(
    s3, deliver, source_bucket, target_bucket
):
    card = samples.orientation_card((800, 600))
    data = samples.jpeg_bytes(
        samples.stored_with_orientation(card, 6), exif=samples.exif_bytes(orientation=6, gps=True)
    )
    deliver(upload(s3, source_bucket, "phone/IMG_0001.JPG", data))

    body = s3.get_object(Bucket=target_bucket, Key="phone/IMG_0001-thumbnail.JPG")["Body"].read()
    image = Image.open(io.BytesIO(body))
    assert image.size == (800, 600)
    assert not image.getexif()
    top_left = image.convert("RGB").getpixel((200, 150))
    expected = samples.CARD_COLOURS["top_left"]
    assert all(abs(a - b) < 40 for a, b in zip(top_left, expected, strict=True))


def test_png_named_jpg_gets_a_jpeg_thumbnail(s3, deliver, source_bucket, target_bucket):
    png = samples.png_bytes(samples.photo_like((400, 300)))
    deliver(upload(s3, source_bucket, "mislabelled.jpg", png))
    body = s3.get_object(Bucket=target_bucket, Key="mislabelled-thumbnail.jpg")["Body"].read()
    assert Image.open(io.BytesIO(body)).format == "JPEG"


@pytest.mark.parametrize(
    ("key", "data", "reason"),
    [
        ("page.jpg", b"<!DOCTYPE html><html><body>not a photo</body></html>",
         "not a JPEG, PNG, HEIC/HEIF, WebP or AVIF"),
        ("empty.jpg", b"", "empty file"),
        ("cut.jpg", samples.jpeg_bytes(samples.photo_like((600, 400)))[:4000], "truncated"),
        ("bomb.png", samples.png_header_only(100_000, 100_000), "pixel limit"),
        ("anim.png", b"GIF89a" + b"\x00" * 64, "looks like GIF"),
    ],
)
def test_bad_input_is_a_logged_permanent_skip(
    s3, deliver, source_bucket, target_bucket, caplog, key, data, reason
):
    response = deliver(upload(s3, source_bucket, key, data))

    # returned normally: no retry
    assert response.payload == {"written": 0, "skipped": 1, "deleted": 0}
    assert target_keys(s3, target_bucket) == []
    [(level, line)] = log_lines(caplog)
    assert level == "WARNING"
    assert line["outcome"] == "skipped" and reason in line["reason"]


def test_object_deleted_since_the_event_is_skipped(s3, deliver, source_bucket, target_bucket,
                                                   caplog):
    record = upload(s3, source_bucket, "gone.jpg", photo_for("gone.jpg", (300, 200)))
    s3.delete_object(Bucket=source_bucket, Key="gone.jpg")

    assert deliver(record).payload == {"written": 0, "skipped": 1, "deleted": 0}
    assert target_keys(s3, target_bucket) == []
    assert "no longer exists" in log_lines(caplog)[0][1]["reason"]


def test_object_replaced_since_the_event_gets_the_current_upload_rendered(
    s3, deliver, source_bucket, target_bucket, caplog
):
    """A stale event renders what is there now: its own thumbnail may be the one left behind."""
    old_record = upload(s3, source_bucket, "avatar.png", photo_for("a.png", (300, 200)))
    new_record = upload(s3, source_bucket, "avatar.png",
                        samples.png_bytes(samples.orientation_card((400, 300))))

    assert deliver(old_record).payload == {"written": 1, "skipped": 0, "deleted": 0}
    thumbnail = s3.get_object(Bucket=target_bucket, Key="avatar-thumbnail.png")
    assert Image.open(thumbnail["Body"]).size == (400, 300)  # the newer upload's
    assert thumbnail["Metadata"]["source-etag"] == new_record["s3"]["object"]["eTag"]
    [(level, line)] = log_lines(caplog)
    assert level == "INFO" and "stale event" in line["notes"][0]


def test_announced_size_over_the_limit_is_skipped_before_download(
    s3, deliver, source_bucket, target_bucket, caplog
):
    record = upload(s3, source_bucket, "huge.jpg", photo_for("huge.jpg", (300, 200)))
    record["s3"]["object"]["size"] = 500 * 1024 * 1024

    assert deliver(record).payload == {"written": 0, "skipped": 1, "deleted": 0}
    line = log_lines(caplog)[0][1]
    assert "over the limit" in line["reason"] and line["bytes_in"] == 0  # nothing was fetched


def test_events_other_than_created_or_removed_are_skipped(s3, deliver, source_bucket, caplog):
    record = upload(s3, source_bucket, "x.jpg", photo_for("x.jpg", (300, 200)))
    record["eventName"] = "ObjectRestore:Completed"
    assert deliver(record).payload == {"written": 0, "skipped": 1, "deleted": 0}
    assert "not an ObjectCreated or ObjectRemoved event" in log_lines(caplog)[0][1]["reason"]


# What S3 sends once when a notification is configured, and records missing their parts.
MALFORMED_EVENTS = {
    "no records": ({"Records": []}, "no Records"),
    "s3 test event": ({"Service": "Amazon S3", "Event": "s3:TestEvent",
                       "Time": "2024-05-01T12:00:00.000Z", "Bucket": "thumbnailer-dev-source",
                       "RequestId": "5582815E1AEA5ADF",
                       "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+"
                                 "YstdA6Knx4Ip8EXAMPLE"},
                      "s3:TestEvent"),
    "record without s3": ({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                                        "eventName": "ObjectCreated:Put"}]}, "not an S3 record"),
    "record without object": ({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                                            "eventName": "ObjectCreated:Put",
                                            "s3": {"bucket": {"name": "thumbnailer-dev-source"}}}]},
                              "not an S3 record"),
    "size not a number": ({"Records": [s3_record("thumbnailer-dev-source", "x.jpg", 0, "e" * 32)
                                       | {"s3": {"bucket": {"name": "thumbnailer-dev-source"},
                                                 "object": {"key": "x.jpg", "size": "52 kB"}}}]},
                          "size is not a number"),
}


@pytest.mark.parametrize("shape", MALFORMED_EVENTS)
def test_malformed_event_is_a_logged_skip_through_the_test_client(client, caplog, shape):
    """Chalice's S3Event would raise on these before our code ran, and Lambda would retry."""
    event, reason = MALFORMED_EVENTS[shape]

    assert client.lambda_.invoke("thumbnail_jpg", event).payload == {"written": 0, "skipped": 1,
                                                                     "deleted": 0}
    [(level, line)] = log_lines(caplog)
    assert level == "WARNING" and line["outcome"] == "skipped" and reason in line["reason"]


@pytest.mark.parametrize("shape", MALFORMED_EVENTS)
def test_malformed_event_is_a_logged_skip_as_lambda_calls_the_handler(
    chalice_app, stage_env, monkeypatch, caplog, shape
):
    for name, value in stage_env.items():
        monkeypatch.setenv(name, value)
    event, reason = MALFORMED_EVENTS[shape]
    context = LambdaContext("thumbnail_jpg", 1024, max_runtime_ms=60_000)

    assert chalice_app.thumbnail_jpg(event, context) == {"written": 0, "skipped": 1, "deleted": 0}
    [(level, line)] = log_lines(caplog)
    assert level == "WARNING" and line["outcome"] == "skipped" and reason in line["reason"]


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_archived_upload_is_skipped_with_what_to_do(
    s3, deliver, source_bucket, target_bucket, caplog, storage_class
):
    """The local S3 refuses GetObject on these classes as S3 does (403 InvalidObjectState)."""
    key = f"old/scan-{storage_class}.jpg"
    s3.put_object(Bucket=source_bucket, Key=key, Body=photo_for(key, (300, 200)),
                  StorageClass=storage_class)
    head = s3.head_object(Bucket=source_bucket, Key=key)
    record = s3_record(source_bucket, key, head["ContentLength"], head["ETag"].strip('"'))

    assert deliver(record).payload == {"written": 0, "skipped": 1, "deleted": 0}
    assert target_keys(s3, target_bucket) == []
    [(level, line)] = log_lines(caplog)
    assert level == "WARNING" and line["outcome"] == "skipped"
    assert f"archived ({storage_class})" in line["reason"] and "restore" in line["reason"]


LOCKED_ETAG = "9dd4e461268c8034f5c8564e155c67a6"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:sts::123456789012:assumed-role/thumbnailer-dev-thumbnail_jpg/thumbnailer-dev"

# States the local S3 cannot produce (it neither enforces SSE-C nor asks KMS), answered by a
# stand-in with the status and error body S3 sends for them.
PERMANENT_STATES = {
    "intelligent-tiering archive": (
        partial(S3Error, 403, "InvalidObjectState",
                "The operation is not valid for the object's storage class",
                StorageClass="INTELLIGENT_TIERING", AccessTier="ARCHIVE_ACCESS"),
        "archived (ARCHIVE_ACCESS)"),
    "SSE-C": (
        partial(S3Error, 400, "InvalidRequest",
                "The object was stored using a form of Server Side Encryption. The correct "
                "parameters must be provided to retrieve the object."),
        "upload it with SSE-S3 or SSE-KMS"),
    "KMS key not granted": (
        partial(S3Error, 403, "AccessDenied",
                f"User: {ROLE} is not authorized to perform: kms:Decrypt on resource: {KMS_KEY} "
                "because no identity-based policy allows the kms:Decrypt action"),
        "grant the function's role kms:Decrypt"),
    "KMS key disabled": (
        partial(S3Error, 400, "KMS.DisabledException", f"{KMS_KEY} is disabled."),
        "check the key is enabled"),
}
TRANSIENT_STATES = {  # look alike, but a retry can help: they must still raise
    "KMS throttling": partial(S3Error, 400, "KMS.ThrottlingException", "Rate exceeded"),
    "access denied without KMS": partial(S3Error, 403, "AccessDenied", "Access Denied"),
}


@pytest.mark.parametrize("state", PERMANENT_STATES)
def test_unreadable_upload_is_skipped_with_what_to_do(
    s3_endpoint, source_bucket, deliver, monkeypatch, caplog, state
):
    """s3_endpoint: the local credentials are set, so botocore signs as it would in Lambda."""
    stand_in, advice = PERMANENT_STATES[state][0](), PERMANENT_STATES[state][1]
    record = s3_record(source_bucket, "locked/photo.jpg", 52_000, LOCKED_ETAG)
    with stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL", stand_in.url)
        assert deliver(record).payload == {"written": 0, "skipped": 1, "deleted": 0}
    assert stand_in.requests == ["GET"]  # not retried: no retry can help
    [(level, line)] = log_lines(caplog)
    assert level == "WARNING" and line["outcome"] == "skipped" and advice in line["reason"]


@pytest.mark.parametrize("state", TRANSIENT_STATES)
def test_lookalike_transient_states_still_raise(
    s3_endpoint, source_bucket, deliver, monkeypatch, caplog, state
):
    stand_in = TRANSIENT_STATES[state]()
    record = s3_record(source_bucket, "locked/photo.jpg", 52_000, LOCKED_ETAG)
    with stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL", stand_in.url)
        with pytest.raises(RecordsFailed):
            deliver(record)
    [(level, line)] = log_lines(caplog)
    assert level == "ERROR" and line["outcome"] == "failed"
    assert f"An error occurred ({stand_in.code})" in line["reason"]


def test_storage_failure_raises_so_lambda_retries(s3, deliver, source_bucket, target_bucket,
                                                  caplog):
    ok = upload(s3, source_bucket, "ok.jpg", photo_for("ok.jpg", (300, 200)))
    s3.delete_bucket(Bucket=target_bucket)  # every PUT now fails

    with pytest.raises(RecordsFailed, match="1 record"):
        deliver(ok)
    [(level, line)] = log_lines(caplog)
    assert level == "ERROR" and line["outcome"] == "failed" and "NoSuchBucket" in line["reason"]


class _SlowDown(BaseHTTPRequestHandler):
    """An S3 endpoint that throttles every request."""

    requests_seen = 0

    def _answer(self):
        type(self).requests_seen += 1
        body = (b"<Error><Code>SlowDown</Code>"
                b"<Message>Please reduce your request rate.</Message></Error>")
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = _answer

    def log_message(self, *args):
        pass


def test_throttling_is_retried_by_botocore_then_raised(
    s3, deliver_deployed, source_bucket, monkeypatch, caplog
):
    """With the deployed timeout (60 s): botocore's back-off after throttling is up to seconds,
    which a 3 s invocation cuts short (OutOfTime, retried by Lambda instead)."""
    deliver = deliver_deployed
    record = upload(s3, source_bucket, "busy.jpg", photo_for("busy.jpg", (300, 200)))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowDown)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
    try:
        with pytest.raises(RecordsFailed):
            deliver(record)
    finally:
        server.shutdown()
    assert _SlowDown.requests_seen == 4  # botocore's standard mode: 1 try + 3 retries
    assert "SlowDown" in log_lines(caplog)[0][1]["reason"]


def test_events_from_the_local_s3_reach_the_right_handler(
    s3, client, chalice_app, source_bucket, target_bucket
):
    """Notifications wired from app.event_sources: only what S3 would deliver arrives."""
    router = EventRouter.wire(chalice_app.app, [])
    uploads = {"in/a b.jpg": "thumbnail_jpg", "in/C.PNG": "thumbnail_png_upper"}
    for key in uploads:
        s3.put_object(Bucket=source_bucket, Key=key, Body=photo_for(key, (300, 200)))
    s3.put_object(Bucket=source_bucket, Key="in/skip.gif", Body=b"GIF89a")
    s3.put_object(Bucket=source_bucket, Key="in/mixed.Jpg", Body=b"")  # no filter matches

    delivered = []
    for handler, event in router.pending_events():
        delivered.append(handler)
        client.lambda_.invoke(handler, event)

    assert sorted(delivered) == sorted(uploads.values())
    assert sorted(target_keys(s3, target_bucket)) == ["in/C-thumbnail.PNG", "in/a b-thumbnail.jpg"]
    for key, handler in uploads.items():
        assert handler_for(chalice_app, key) == handler


def test_record_helper_matches_what_s3_sends():
    """S3 encodes keys like a form: space as +, + as %2B, non-ASCII as UTF-8 escapes."""
    record = s3_record("b", "a b/c+d/é%.jpg", 1, "etag")
    assert record["s3"]["object"]["key"] == "a+b/c%2Bd/%C3%A9%25.jpg"
