"""TRIGGER=eventbridge: one function on an EventBridge rule matching S3's events in any letter
case, through the same per-record pipeline; and TRIGGER=s3 exactly as before.

Events come from the local S3 itself: the bucket sends them to the local EventBridge, the rule
made from the app's own pattern decides what matches (moto's pattern matching, so `.gif` and
`.txt` are refused by the pattern, not by our code), and what reaches the rule's queue is
turned into AWS's shape before the handler gets it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from urllib.parse import unquote_plus

import boto3
import pytest

from chalicelib.aws import events
from chalicelib.config import settings
from chalicelib.config.keys import supported_extensions, upload_suffixes
from chalicelib.pipeline.setup import load_settings
from devtools import buckets, samples
from devtools.events import EMPTY_MD5
from devtools.local_s3 import EventRouter, _drain, aws_shape, cw_event_sources, s3_event_sources
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment
from tests.helpers.app_modules import HANDLER, import_app

LOGGER = "chalicelib.pipeline"
NONE = {"written": 0, "skipped": 0, "deleted": 0}


@pytest.fixture(scope="module")
def eventbridge_app():
    return import_app("app_eventbridge", TRIGGER="eventbridge")


@pytest.fixture
def stage(stage_env, monkeypatch, caplog):
    """The dev stage's environment as Lambda sets it for the EventBridge function."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    for name, value in {**stage_env, "TRIGGER": "eventbridge"}.items():
        monkeypatch.setenv(name, value)
    return monkeypatch.setenv


@pytest.fixture
def router(s3, eventbridge_app, source_bucket, target_bucket):
    return EventRouter.wire(eventbridge_app.app, [source_bucket, target_bucket])


def run_all(app_module, router) -> dict:
    """Every event waiting, through the function it reached, as Lambda calls it."""
    totals = dict(NONE)
    for handler, event in router.pending_events():
        for outcome, count in getattr(app_module, handler)(event, lambda_context(handler)).items():
            totals[outcome] = totals.get(outcome, 0) + count
    return totals


def target_keys(s3, bucket) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def photo() -> bytes:
    return samples.jpeg_bytes(samples.photo_like((400, 300)))


# --- the setting and the wiring ---------------------------------------------------------------

def test_trigger_defaults_to_s3_and_names_itself_when_wrong():
    assert settings.trigger({}) == "s3"
    assert settings.trigger({"TRIGGER": " eventbridge "}) == "eventbridge"
    with pytest.raises(settings.SettingsError, match="TRIGGER must be one of s3, eventbridge"):
        settings.trigger({"TRIGGER": "sqs"})
    env = {**stage_environment("dev"), "TRIGGER": "EventBridge"}
    with pytest.raises(settings.SettingsError, match="TRIGGER"):
        load_settings(env)


def test_s3_mode_registers_the_same_six_functions_with_the_same_events(chalice_app):
    expected = [
        (name, suffix, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:LifecycleExpiration:*"])
        for name, suffix in [("thumbnail_jpg", ".jpg"), ("thumbnail_jpeg", ".jpeg"),
                             ("thumbnail_png", ".png"), ("thumbnail_jpg_upper", ".JPG"),
                             ("thumbnail_jpeg_upper", ".JPEG"), ("thumbnail_png_upper", ".PNG")]
    ]
    explicit = import_app("app_s3_explicit", TRIGGER="s3")
    for module in (chalice_app, explicit):
        sources = [(s.name, s.suffix, s.events) for s in module.app.event_sources]
        assert sources == expected
        assert all(s.bucket == "thumbnailer-dev-source" and s.prefix is None
                   for s in module.app.event_sources)
        assert sorted(module.app.handler_map) == sorted(
            [*(n for n, *_ in expected), "batch", "renditions"])
    assert upload_suffixes() == (".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG")


def test_eventbridge_mode_registers_one_function_on_the_apps_pattern(eventbridge_app):
    [source] = eventbridge_app.app.event_sources
    assert cw_event_sources(eventbridge_app.app) == [source]
    assert s3_event_sources(eventbridge_app.app) == []
    assert source.name == HANDLER and source.handler_string == f"app.{HANDLER}"
    assert sorted(eventbridge_app.app.handler_map) == ["batch", "renditions", HANDLER]
    assert source.event_pattern == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created", "Object Deleted"],
        "detail": {
            "bucket": {"name": ["thumbnailer-dev-source"]},
            "object": {"key": [{"suffix": {"equals-ignore-case": f".{extension}"}}
                               for extension in supported_extensions()]},
        },
    }
    # Every extension the pipeline reads, so formats added to FORMAT_BY_EXTENSION match too.
    assert {".jpg", ".jpeg", ".png"} <= {
        rule["suffix"]["equals-ignore-case"]
        for rule in source.event_pattern["detail"]["object"]["key"]}
    without_sync = import_app("app_eventbridge_no_sync", TRIGGER="eventbridge",
                              DELETE_OUTPUTS="false")
    [source] = without_sync.app.event_sources
    assert source.event_pattern["detail-type"] == ["Object Created"]


# --- through the local S3 and EventBridge -----------------------------------------------------

def test_mixed_case_extensions_are_delivered_and_written(
    s3, eventbridge_app, stage, router, source_bucket, target_bucket
):
    png = samples.png_bytes(samples.photo_like((300, 200)))
    for key, data in [("mixed/a.Jpg", photo()), ("mixed/b.jPEG", photo()), ("mixed/c.Png", png),
                      ("mixed/d.jpg", photo())]:
        s3.put_object(Bucket=source_bucket, Key=key, Body=data)
    assert run_all(eventbridge_app, router) == {**NONE, "written": 4}
    assert target_keys(s3, target_bucket) == [
        "mixed/a-thumbnail.Jpg", "mixed/b-thumbnail.jPEG", "mixed/c-thumbnail.Png",
        "mixed/d-thumbnail.jpg"]


def test_other_extensions_are_refused_by_the_pattern_itself(
    s3, eventbridge_app, stage, router, source_bucket, caplog
):
    for key in ["other/anim.gif", "other/notes.txt", "other/photo.jpg.txt", "other/jpg",
                "other/photo.GIF"]:
        s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    s3.put_object(Bucket=source_bucket, Key="other/photo.JPG", Body=photo())
    # Only the photo reached the rule's queue: no skip logged by our code, no event at all.
    delivered = [events.eventbridge_upload(event).key for _, event in router.pending_events()]
    assert delivered == ["other/photo.JPG"]
    assert not [r for r in caplog.records if r.name == LOGGER]


def test_deleting_through_eventbridge_deletes_the_outputs(
    s3, eventbridge_app, stage, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="gone/Photo.JPEG", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="gone/stays.jpg", Body=photo())
    assert run_all(eventbridge_app, router) == {**NONE, "written": 2}
    s3.delete_object(Bucket=source_bucket, Key="gone/Photo.JPEG")
    assert run_all(eventbridge_app, router) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == ["gone/stays-thumbnail.jpg"]
    line = json.loads(caplog.records[-1].getMessage())
    assert (line["key"], line["outcome"], line["deleted"]) == (
        "gone/Photo.JPEG", "deleted", ["gone/Photo-thumbnail.JPEG"])


def test_a_bucket_keeps_another_consumers_notification_rule(
    s3, eventbridge_app, stage, source_bucket, target_bucket
):
    sqs = boto3.client("sqs")
    other = sqs.create_queue(QueueName="another-consumer")["QueueUrl"]
    other_arn = sqs.get_queue_attributes(QueueUrl=other, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    theirs = {"Id": "their-rule", "QueueArn": other_arn, "Events": ["s3:ObjectCreated:*"],
              "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}}
    s3.put_bucket_notification_configuration(
        Bucket=source_bucket, NotificationConfiguration={"QueueConfigurations": [theirs]})

    router = EventRouter.wire(eventbridge_app.app, [source_bucket, target_bucket])
    # `make buckets` again (idempotent): the local S3 leaves EventBridgeConfiguration out of
    # what it reads back, so this is where a plain read-modify-write would turn it off.
    assert buckets.main(["--stage", "dev", "--trigger", "eventbridge"]) == 0
    for bucket in (source_bucket, target_bucket):  # TLS only: the local endpoint is plain HTTP
        s3.delete_bucket_policy(Bucket=bucket)

    [kept] = s3.get_bucket_notification_configuration(Bucket=source_bucket)["QueueConfigurations"]
    assert (kept["Id"], kept["QueueArn"], kept["Events"]) == ("their-rule", other_arn,
                                                             ["s3:ObjectCreated:*"])
    s3.put_object(Bucket=source_bucket, Key="both/photo.jpg", Body=photo())
    assert run_all(eventbridge_app, router) == {**NONE, "written": 1}  # EventBridge still on
    [theirs_got] = [m for m in _drain(other, 0) if m.get("Event") != "s3:TestEvent"]
    assert unquote_plus(theirs_got["Records"][0]["s3"]["object"]["key"]) == "both/photo.jpg"


# --- the two shapes -----------------------------------------------------------------------------

AWKWARD_KEY = "trips/été 2026/my photo+1.Jpg"


def test_local_shape_and_aws_shape_are_pinned(s3, eventbridge_app, router, source_bucket):
    data = photo()
    s3.put_object(Bucket=source_bucket, Key=AWKWARD_KEY, Body=data)
    etag = s3.head_object(Bucket=source_bucket, Key=AWKWARD_KEY)["ETag"].strip('"')
    [local] = list(_drain(router.rule_queues[HANDLER], 0))
    # What the local S3 (moto 5.2.5) sends: the key raw, eTag, reason ObjectCreated.
    assert local["detail-type"] == "Object Created" and local["source"] == "aws.s3"
    assert local["detail"]["object"]["key"] == AWKWARD_KEY
    assert local["detail"]["object"]["eTag"] == etag and "etag" not in local["detail"]["object"]
    assert local["detail"]["reason"] == "ObjectCreated"

    aws = aws_shape(local)
    # What AWS sends: the key raw too (not URL-encoded as in S3 notifications), etag, reason
    # PutObject.
    assert aws["detail"]["object"]["key"] == AWKWARD_KEY
    assert aws["detail"]["object"]["etag"] == etag and "eTag" not in aws["detail"]["object"]
    assert aws["detail"]["reason"] == "PutObject"
    assert "version-id" not in aws["detail"]["object"]  # an unversioned bucket
    assert aws_shape(aws) == aws  # already AWS's: left alone

    upload = events.eventbridge_upload(aws)
    assert (upload.event_name, upload.bucket, upload.key, upload.etag, upload.size) == (
        "ObjectCreated:Put", source_bucket, AWKWARD_KEY, etag, len(data))

    s3.delete_object(Bucket=source_bucket, Key=AWKWARD_KEY)
    [local_delete] = list(_drain(router.rule_queues[HANDLER], 0))
    assert local_delete["detail"]["reason"] == "ObjectRemoved"
    aws_delete = aws_shape(local_delete)
    assert aws_delete["detail-type"] == "Object Deleted"
    assert aws_delete["detail"]["reason"] == "DeleteObject"
    assert aws_delete["detail"]["object"]["key"] == AWKWARD_KEY
    # As in AWS's Object Deleted samples: no size, the empty MD5 as etag.
    assert aws_delete["detail"]["object"]["etag"] == EMPTY_MD5
    assert {"size", "eTag"}.isdisjoint(aws_delete["detail"]["object"])
    assert aws_shape(aws_delete) == aws_delete
    deleted = events.eventbridge_upload(aws_delete)
    assert (deleted.event_name, deleted.key, deleted.size, deleted.etag, deleted.is_removal) == (
        "ObjectRemoved:Delete", AWKWARD_KEY, 0, None, True)


# Every character that URL-decoding would change or that S3 notifications encode: `+` and a
# literal `%25` (decoding makes them a space and `%`), a lone `%`, a space, `:` and `=` (S3
# notifications send %3A, %3D), non-ASCII.
RAW_KEYS = {
    "raw/a+b.jpg": "raw/a+b-thumbnail.jpg",
    "raw/100%25 done.png": "raw/100%25 done-thumbnail.png",
    "raw/50% off.jpeg": "raw/50% off-thumbnail.jpeg",
    "raw/my photo.JPG": "raw/my photo-thumbnail.JPG",
    "raw/12:30=noon.Jpg": "raw/12:30=noon-thumbnail.Jpg",
    "raw/été/фото+1.png": "raw/été/фото+1-thumbnail.png",
}


def test_keys_arrive_raw_and_each_upload_gets_its_own_outputs_and_loses_them_on_delete(
    s3, eventbridge_app, stage, router, source_bucket, target_bucket, caplog
):
    """Upload to the local S3 -> its EventBridge -> the rule's queue -> the handler: every key
    as delivered (raw) is the object's own, so its outputs go to its own keys, and its delete
    deletes those, not another upload's."""
    png = samples.png_bytes(samples.photo_like((300, 200)))
    for key in RAW_KEYS:
        s3.put_object(Bucket=source_bucket, Key=key, Body=png if key.endswith(".png") else photo())
    pending = list(router.pending_events())
    assert sorted(event["detail"]["object"]["key"] for _, event in pending) == sorted(RAW_KEYS)
    totals = dict(NONE)
    for handler, event in pending:
        for outcome, count in getattr(eventbridge_app, handler)(
                event, lambda_context(handler)).items():
            totals[outcome] += count
    assert totals == {**NONE, "written": len(RAW_KEYS)}
    assert target_keys(s3, target_bucket) == sorted(RAW_KEYS.values())
    for key, output in RAW_KEYS.items():
        source_etag = s3.head_object(Bucket=source_bucket, Key=key)["ETag"].strip('"')
        made_from = s3.head_object(Bucket=target_bucket, Key=output)["Metadata"]["source-etag"]
        assert made_from == source_etag, key

    for key in RAW_KEYS:
        s3.delete_object(Bucket=source_bucket, Key=key)
    assert run_all(eventbridge_app, router) == {**NONE, "deleted": len(RAW_KEYS)}
    assert target_keys(s3, target_bucket) == []
    deleted = {line["key"]: line["deleted"] for line in map(
        json.loads, (r.getMessage() for r in caplog.records if r.name == LOGGER))
        if line["outcome"] == "deleted"}
    assert deleted == {key: [output] for key, output in RAW_KEYS.items()}


def aws_event(detail_type: str, source_object: dict, **detail) -> dict:
    """An Amazon S3 event as the S3 user guide shows it ("EventBridge event message
    structure")."""
    return {
        "version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": detail_type,
        "source": "aws.s3", "account": "111122223333", "time": "2021-11-12T00:00:00Z",
        "region": "ca-central-1", "resources": ["arn:aws:s3:::thumbnailer-dev-source"],
        "detail": {"version": "0", "bucket": {"name": "thumbnailer-dev-source"},
                   "object": source_object, "request-id": "N4N7GDK58NMKJ12R",
                   "requester": "123456789012", "source-ip-address": "1.2.3.4", **detail},
    }


@pytest.mark.parametrize(("reason", "event_name"), [
    ("PutObject", "ObjectCreated:Put"), ("POST Object", "ObjectCreated:Post"),
    ("CopyObject", "ObjectCreated:Copy"),
    ("CompleteMultipartUpload", "ObjectCreated:CompleteMultipartUpload"),
])
def test_aws_object_created_becomes_the_same_upload_as_the_s3_record(reason, event_name):
    from devtools.events import s3_record

    event = aws_event("Object Created", {
        "key": "a/my photo+1.jpg", "size": 5, "etag": "b1946ac92492d2347c6235b4d2611184",
        "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "sequencer": "617f08299329d189",
    }, reason=reason)
    assert events.records_of(event) == [event]
    record = s3_record("thumbnailer-dev-source", "a/my photo+1.jpg", 5,
                       "b1946ac92492d2347c6235b4d2611184", sequencer="617f08299329d189",
                       event_name=event_name)
    record["s3"]["object"]["versionId"] = "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"
    assert events.upload_of(event) == events.upload_of(record)


@pytest.mark.parametrize(("extra", "event_name"), [
    ({"reason": "DeleteObject", "deletion-type": "Permanently Deleted"}, "ObjectRemoved:Delete"),
    ({"reason": "DeleteObject", "deletion-type": "Delete Marker Created"},
     "ObjectRemoved:DeleteMarkerCreated"),
    ({"reason": "Lifecycle Expiration", "deletion-type": "Permanently Deleted"},
     "ObjectRemoved:Delete"),
    ({"reason": "Lifecycle Expiration", "deletion-type": "Delete Marker Created"},
     "ObjectRemoved:DeleteMarkerCreated"),
])
@pytest.mark.parametrize("etag", [None, EMPTY_MD5])
def test_aws_object_deleted_is_a_removal_with_no_size_or_etag(extra, event_name, etag):
    """AWS's samples carry the delete marker's empty MD5 as etag: no upload's, so dropped."""
    event = aws_event("Object Deleted", {"key": "a/b+c.PNG", "version-id": "v2",
                                         "sequencer": "617f0837b476e463",
                                         **({"etag": etag} if etag else {})}, **extra)
    upload = events.upload_of(event)
    assert (upload.event_name, upload.key, upload.size, upload.etag, upload.version_id) == (
        event_name, "a/b+c.PNG", 0, None, "v2")
    assert upload.is_removal


def test_other_eventbridge_events_are_skipped_not_retried(eventbridge_app, stage, caplog):
    handler = getattr(eventbridge_app, HANDLER)
    restore = aws_event("Object Restore Completed", {"key": "a.jpg", "size": 1, "etag": "e"})
    assert handler(restore, lambda_context(HANDLER)) == {**NONE, "skipped": 1}
    assert "not an Amazon S3 Object Created or Object Deleted" in json.loads(
        caplog.records[-1].getMessage())["reason"]
    # No envelope at all (anything can invoke a function): Chalice's event class would raise.
    assert handler({"detail-type": "Object Created"}, lambda_context(HANDLER)) == {
        **NONE, "skipped": 1}
    other_bucket = aws_event("Object Created", {"key": "a.jpg", "size": 1, "etag": "e"},
                             reason="PutObject")
    other_bucket["detail"]["bucket"]["name"] = "someone-elses"
    assert handler(other_bucket, lambda_context(HANDLER)) == {**NONE, "skipped": 1}


@pytest.mark.slow
def test_make_dev_loop_in_eventbridge_mode_prints_the_mode(tmp_path):
    """`make dev TRIGGER=eventbridge` starts, says so, and serves a mixed-case upload."""
    import signal
    import threading
    import time

    from tests.helpers.ports import free_port

    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TRIGGER": "eventbridge"}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.dev", "--port", str(port), "--workers", "1"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("ready") for line in list(output)):
            assert process.poll() is None and time.monotonic() < deadline, "".join(output)
            time.sleep(0.1)
        stage = stage_environment("dev")
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}",
                          aws_access_key_id="local", aws_secret_access_key="local",
                          region_name="us-east-1")
        s3.put_object(Bucket=stage["SOURCE_BUCKET"], Key="via dev/photo.jPg", Body=photo())
        while not s3.list_objects_v2(Bucket=stage["TARGET_BUCKET"]).get("Contents"):
            assert time.monotonic() < deadline, "".join(output)
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        reader.join(timeout=5)
    text = "".join(output)
    assert "TRIGGER=eventbridge" in text
    assert "via dev/photo.jPg  written" in text


# --- what else renders "what the functions handle": backfill and S3 Batch Operations ----------

def test_delivered_follows_the_trigger_mode():
    assert events.delivered("a/b.JPG", "s3") and not events.delivered("a/b.Jpg", "s3")
    assert events.delivered("a/b.Jpg", "eventbridge")
    assert events.delivered("a/b.jPEG", "eventbridge")
    assert not events.delivered("a/b.gif", "eventbridge")
    assert not events.delivered("a/b.jpg.txt", "eventbridge")


def test_backfill_and_batch_take_what_the_mode_delivers(s3, source_bucket, target_bucket):
    from chalicelib.pipeline.batch import handle_batch
    from devtools.backfill import backfill
    from devtools.batch_backfill import keys_to_backfill

    for key in ("old/a.Jpg", "old/b.jpg", "old/c.gif"):
        s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    on_s3 = load_settings(stage_environment("dev"))
    on_eventbridge = load_settings({**stage_environment("dev"),
                                                 "TRIGGER": "eventbridge"})
    assert keys_to_backfill(s3, on_s3) == ["old/b.jpg"]
    assert keys_to_backfill(s3, on_eventbridge) == ["old/a.Jpg", "old/b.jpg"]
    summary = backfill(on_eventbridge, progress=False)
    assert (summary.counts["written"], summary.counts["skipped"]) == (2, 0)
    assert target_keys(s3, target_bucket) == ["old/a-thumbnail.Jpg", "old/b-thumbnail.jpg"]

    event = {"invocationSchemaVersion": "2.0", "invocationId": "i", "job": {"id": "j"},
             "tasks": [{"taskId": "1", "s3Bucket": source_bucket, "s3Key": "old/a.Jpg"}]}
    saved = dict(os.environ)
    try:
        os.environ.update(stage_environment("dev"))
        [s3_mode] = handle_batch(event, None)["results"]
        os.environ["TRIGGER"] = "eventbridge"
        [eventbridge_mode] = handle_batch(event, None)["results"]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert s3_mode["resultString"].startswith("skipped: not an upload the functions handle")
    assert eventbridge_mode["resultString"] == "written: old/a-thumbnail.Jpg"


def test_a_multipart_upload_is_one_event_as_on_aws(s3, router, source_bucket):
    """The local S3 announces a completed multipart upload twice (an extra Put); on its
    EventBridge both say reason ObjectCreated. AWS sends one, reason CompleteMultipartUpload."""
    from boto3.s3.transfer import TransferConfig

    part = 5 * 1024 * 1024
    s3.upload_fileobj(__import__("io").BytesIO(photo() + b"\0" * (part + 1)), source_bucket,
                      "big/photo.JPEG", Config=TransferConfig(multipart_threshold=part,
                                                              multipart_chunksize=part))
    delivered = [(h, e["detail"]["reason"], e["detail"]["object"]["etag"])
                 for h, e in router.pending_events()]
    assert len(delivered) == 1, delivered
    [(handler, reason, etag)] = delivered
    assert (handler, reason) == (HANDLER, "CompleteMultipartUpload") and etag.endswith("-2")
