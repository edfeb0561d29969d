"""AWS's own event samples (tests/samples/, sources in its README) read by our parsing, and the
two triggers agreeing on them: keys (URL-encoded in S3 notifications and Batch tasks, raw on
EventBridge), removals (a lifecycle expiration is one, in both modes; a removal's etag is
dropped), and the S3 Batch Operations bucket ARN in both its forms."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote_plus

import boto3
import pytest

from chalicelib.aws import events
from chalicelib.errors import PermanentError
from chalicelib.pipeline.batch import _object_of
from devtools.events import eventbridge_event
from devtools.policy import policy_for
from devtools.stage import lambda_context
from tests.helpers.eventbridge import received
from tests.helpers.iam import _as_kwargs, _user_with_policy
from tests.helpers.runs import NONE, lines, pending, photo, run, target_keys
from tests.helpers.uploads import handler_for

SAMPLES = Path(__file__).parent / "samples"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # what AWS's Object Deleted samples carry


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def test_every_sample_names_its_source_and_licence():
    readme = (SAMPLES / "README.md").read_text()
    listed = dict(re.findall(r"^\| `([^`]+\.json)` \| .+ \| (.+) \|$", readme, re.MULTILINE))
    assert sorted(listed) == sorted(path.name for path in SAMPLES.glob("*.json"))
    assert all(licence.split()[0] in ("MIT-0", "Apache-2.0") for licence in listed.values())


# --- EventBridge: keys raw, removals without size or etag ---------------------------------------

def test_eventbridge_object_created_sample():
    event = sample("powertools-s3EventBridgeNotificationObjectCreatedEvent.json")
    assert events.records_of(event) == [event]
    upload = events.upload_of(event)
    assert upload == events.Upload(
        event_name="ObjectCreated:Put", bucket="example-bucket", key="IMG_m7fzo3.jpg",
        size=184662, etag="4e68adba0abe2dc8653dc3354e14c01d", sequencer="006408CAD69598B05E",
        version_id=None)
    assert not upload.is_removal


@pytest.mark.parametrize(("name", "event_name", "version_id"), [
    ("aws-docs-eventbridge-object-deleted.json", "ObjectRemoved:DeleteMarkerCreated",
     "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF"),
    ("aws-docs-eventbridge-object-deleted-lifecycle.json", "ObjectRemoved:DeleteMarkerCreated",
     "mtB0cV.jejK63XkRNceanNMC.qXPWLeK"),
    ("powertools-s3EventBridgeNotificationObjectDeletedEvent.json",
     "ObjectRemoved:DeleteMarkerCreated", None),
    ("powertools-s3EventBridgeNotificationObjectExpiredEvent.json",
     "ObjectRemoved:DeleteMarkerCreated", None),
])
def test_eventbridge_object_deleted_samples_are_removals_without_size_or_etag(
    name, event_name, version_id
):
    """The user guide's Deleted samples carry the delete marker's empty MD5 as etag, Powertools'
    Expired sample a size and an ETag: none of them is an upload's, so none is kept."""
    event = sample(name)
    upload = events.upload_of(event)
    assert upload.is_removal
    assert (upload.event_name, upload.key, upload.size, upload.etag, upload.version_id) == (
        event_name, event["detail"]["object"]["key"], 0, None, version_id)


RAW_KEYS = ["a+b.jpg", "100%25 done.png", "50% off.jpeg", "my photo.JPG", "12:30=noon.Jpg",
            "été/фото+1.png", "%2B%20%%%.png", "test+b.png"]


@pytest.mark.parametrize("key", RAW_KEYS)
def test_an_eventbridge_key_is_used_as_delivered_and_matches_the_decoded_notification_key(key):
    """The same object announced both ways: EventBridge's raw key and S3's URL-encoded one
    name the same key. (The last two are AWS medialake guidance's test keys.)"""
    event = sample("powertools-s3EventBridgeNotificationObjectCreatedEvent.json")
    event["detail"]["object"]["key"] = key
    record = sample("aws-lambda-go-s3-event.json")["Records"][0]
    record["s3"]["object"]["key"] = quote_plus(key, safe="/")
    assert events.upload_of(event).key == key == events.upload_of(record).key


# --- S3 event notifications: keys URL-encoded, lifecycle expirations are removals ---------------

def test_s3_notification_samples():
    [created] = events.records_of(sample("aws-lambda-go-s3-event.json"))
    upload = events.upload_of(created)
    assert (upload.event_name, upload.bucket, upload.key, upload.size, upload.etag) == (
        "ObjectCreated:Put", "sourcebucket", "Happy Face.jpg", 1024,
        "d41d8cd98f00b204e9800998ecf8427e")  # an ObjectCreated's eTag is the upload's: kept
    assert not upload.is_removal

    [deleted] = events.records_of(sample("powertools-s3EventDeleteObject.json"))
    upload = events.upload_of(deleted)
    assert (upload.event_name, upload.key, upload.size, upload.etag, upload.is_removal) == (
        "ObjectRemoved:Delete", "b21b84d653bb07b05b1e6b33684dc11b", 0, None, True)


@pytest.mark.parametrize(("event_name", "as_removal"), [
    ("LifecycleExpiration:Delete", "ObjectRemoved:Delete"),
    ("LifecycleExpiration:DeleteMarkerCreated", "ObjectRemoved:DeleteMarkerCreated"),
])
def test_a_lifecycle_expiration_record_is_a_removal(event_name, as_removal):
    event = sample("aws-docs-s3-lifecycle-expiration-delete.json")
    [record] = events.records_of(event)
    record["eventName"] = event_name
    upload = events.upload_of(record)
    assert (upload.event_name, upload.bucket, upload.key, upload.size, upload.etag) == (
        as_removal, "mybucket", "expiration/delete", 0, None)
    assert upload.is_removal and upload.sequencer == "0055AED6DCD90281E5"


def test_both_modes_announce_a_lifecycle_expiration_alike():
    """The same expiration as an S3 notification and as an EventBridge event: one Upload."""
    [record] = sample("aws-docs-s3-lifecycle-expiration-delete.json")["Records"]
    record["s3"]["object"]["key"] = "old/a+b%2Bc.jpg"  # "old/a b+c.jpg", encoded
    event = sample("aws-docs-eventbridge-object-deleted-lifecycle.json")
    event["detail"].update({"bucket": {"name": "mybucket"}, "deletion-type": "Permanently Deleted"})
    event["detail"]["object"].update({"key": "old/a b+c.jpg", "sequencer": "0055AED6DCD90281E5"})
    del event["detail"]["object"]["version-id"]  # the notification sample is unversioned
    assert events.upload_of(record) == events.upload_of(event)
    assert events.upload_of(event).key == "old/a b+c.jpg"


# --- S3 Batch Operations: the bucket by name or by either ARN form --------------------------------

@pytest.mark.parametrize(("name", "bucket", "key"), [
    ("powertools-s3BatchOperationEventSchemaV1.json", "powertools-dataset",
     "prefix/dataset/dataset.20231222.json.gz"),
    ("powertools-s3BatchOperationEventSchemaV2.json", "powertools-dataset",
     "prefix/dataset/dataset.20231222.json.gz"),
    ("aws-lambda-go-s3-batch-job-event-request-1.0.json", "awsexamplebucket", "customerImage1.jpg"),
    ("aws-lambda-go-s3-batch-job-event-request-2.0.json", "awsexamplebucket", "customerImage1.jpg"),
])
def test_batch_samples_name_their_object(name, bucket, key):
    [task] = sample(name)["tasks"]
    assert _object_of(task) == (bucket, key)


@pytest.mark.parametrize(("arn", "bucket"), [
    ("arn:aws:s3:::awsexamplebucket1", "awsexamplebucket1"),
    ("arn:aws:s3:us-east-1:0123456788:awsexamplebucket1", "awsexamplebucket1"),  # user guide
    ("arn:aws-cn:s3:cn-north-1:123456789012:a-bucket", "a-bucket"),
    ("arn:aws:s3:us-east-1:123456789012:accesspoint/my-point", None),  # not a bucket
    ("arn:aws:sqs:us-east-1:123456789012:a-queue", None),
    ("arn:aws:s3:::", None),
    ("awsexamplebucket1", None),
])
def test_batch_bucket_arn_forms(arn, bucket):
    task = {"taskId": "t", "s3Key": "a.jpg", "s3BucketArn": arn}
    if bucket is None:
        with pytest.raises(PermanentError, match="task has no s3Bucket/s3BucketArn"):
            _object_of(task)
    else:
        assert _object_of(task) == (bucket, "a.jpg")


# --- through the handlers: a lifecycle expiration deletes the outputs in both modes ---------------

def lifecycle_record(bucket: str, key: str, event_name: str) -> dict:
    """The user guide's s3:LifecycleExpiration:Delete message, for `bucket` and `key`."""
    event = sample("aws-docs-s3-lifecycle-expiration-delete.json")
    record = event["Records"][0]
    record["eventName"] = event_name
    record["s3"]["bucket"].update({"name": bucket, "arn": f"arn:aws:s3:::{bucket}"})
    record["s3"]["object"]["key"] = quote_plus(key, safe="/")
    return event


@pytest.mark.parametrize("event_name", ["LifecycleExpiration:Delete",
                                        "LifecycleExpiration:DeleteMarkerCreated"])
def test_s3_mode_deletes_the_outputs_of_an_expired_upload_under_the_generated_policy(
    s3, chalice_app, stage, router, source_bucket, target_bucket, monkeypatch, enforced_iam,
    caplog, event_name
):
    """The local S3 accepts the subscription (the router wired it from the app's event sources)
    but runs no lifecycle rules: the expiration is the user guide's message, the bucket's state
    real. The function's policy is the one generated, unchanged: an expiration's delete sync
    needs what a DeleteObject's does."""
    configurations = s3.get_bucket_notification_configuration(Bucket=source_bucket)[
        "QueueConfigurations"]
    assert configurations and all("s3:LifecycleExpiration:*" in configuration["Events"]
                                  for configuration in configurations)
    key = "old/a b+c.jpg"
    s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    s3.put_object(Bucket=source_bucket, Key="old/stays.jpg", Body=photo())
    for handler, event in pending(router):
        run(chalice_app, handler, event)
    assert target_keys(s3, target_bucket) == ["old/a b+c-thumbnail.jpg", "old/stays-thumbnail.jpg"]
    s3.delete_object(Bucket=source_bucket, Key=key)  # what the expiration did
    pending(router)  # the local S3's own ObjectRemoved for that delete: not what is tested here

    iam = boto3.client("iam")
    function = _user_with_policy(iam, "thumbnailer-fn", policy_for("dev"))
    admin = _user_with_policy(iam, "admin", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    enforced_iam()
    for name, value in function.items():
        monkeypatch.setenv(name, value)
    event = lifecycle_record(source_bucket, key, event_name)
    assert run(chalice_app, handler_for(chalice_app, key), event) == {**NONE, "deleted": 1}
    line = lines(caplog)[-1]
    assert (line["key"], line["outcome"], line["deleted"]) == (
        key, "deleted", ["old/a b+c-thumbnail.jpg"])
    as_admin = boto3.client("s3", **_as_kwargs(admin))
    assert [o["Key"] for o in as_admin.list_objects_v2(Bucket=target_bucket)["Contents"]] == [
        "old/stays-thumbnail.jpg"]


def test_eventbridge_mode_deletes_the_outputs_of_an_expired_upload_and_publishes_no_etag(
    s3, stage, bus, source_bucket, target_bucket, caplog
):
    """The user guide's lifecycle expiration on EventBridge, with its empty-MD5 etag: the
    outputs go, and the "Image removed" event names no ETag (S3 notifications carry none for
    a removal either, so both modes publish the same event)."""
    from tests.helpers.app_modules import HANDLER, import_app

    stage("TRIGGER", "eventbridge")
    handler = getattr(import_app("app_eventbridge_lifecycle", TRIGGER="eventbridge"), HANDLER)
    key = "old/a b+c.Jpg"
    s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    head = s3.head_object(Bucket=source_bucket, Key=key)
    created = eventbridge_event(source_bucket, key, head["ContentLength"], head["ETag"])
    assert handler(created, lambda_context(HANDLER)) == {**NONE, "written": 1}
    assert target_keys(s3, target_bucket) == ["old/a b+c-thumbnail.Jpg"]
    received(bus)
    s3.delete_object(Bucket=source_bucket, Key=key)

    expired = sample("aws-docs-eventbridge-object-deleted-lifecycle.json")
    expired["detail"]["bucket"]["name"] = source_bucket
    expired["detail"]["object"]["key"] = key
    assert expired["detail"]["object"]["etag"] == EMPTY_MD5
    assert handler(expired, lambda_context(HANDLER)) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == []
    [removed] = received(bus)
    assert removed["detail-type"] == "Image removed" and removed["detail"]["key"] == key
    assert removed["detail"]["deleted"] == ["old/a b+c-thumbnail.Jpg"]
    assert "etag" not in removed["detail"]
    assert removed["detail"]["version_id"] == "mtB0cV.jejK63XkRNceanNMC.qXPWLeK"
