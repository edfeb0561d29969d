"""S3 Batch Operations: the `batch` function invoked as Batch invokes it (schema 1.0 and 2.0,
URL-encoded keys, several tasks, bad ones among good ones), against the local S3."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from devtools import samples
from tests.conftest import upload

PHOTO = samples.jpeg_bytes(samples.photo_like((400, 300)))


def event_1_0(bucket: str, *keys: str) -> dict:
    """Schema 1.0 as the AWS documentation shows it: s3BucketArn, s3VersionId null."""
    return {
        "invocationSchemaVersion": "1.0",
        "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce"},
        "tasks": [{"taskId": f"task-{n}", "s3Key": key, "s3VersionId": None,
                   "s3BucketArn": f"arn:aws:s3:::{bucket}"} for n, key in enumerate(keys)],
    }


def event_2_0(bucket: str, *keys: str) -> dict:
    """Schema 2.0: s3Bucket (a name, not an ARN) and job.userArguments."""
    return {
        "invocationSchemaVersion": "2.0",
        "invocationId": "Jr3s8KZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "ry77cd60-61f6-4a2b-8a21-d07600c874gf",
                "userArguments": {"requestedBy": "make batch-backfill"}},
        "tasks": [{"taskId": f"task-{n}", "s3Bucket": bucket, "s3Key": key,
                   "s3VersionId": None} for n, key in enumerate(keys)],
    }


def results(response) -> dict[str, tuple[str, str]]:
    payload = response.payload
    return {r["taskId"]: (r["resultCode"], r["resultString"]) for r in payload["results"]}


def encoded(key: str) -> str:
    """As in a Batch CSV manifest (and so in the task): URL-encoded, `+` as %2B."""
    return quote(key, safe="/")


@pytest.mark.parametrize("make_event", [event_1_0, event_2_0])
def test_several_tasks_one_bad_among_good(s3, client, source_bucket, target_bucket, make_event):
    keys = ["batch/a photo+1 ü.jpg", "batch/page.jpg", "batch/gone.jpg", "batch/logo.PNG",
            "batch/anim.gif", "batch/plain.jpeg"]
    s3.put_object(Bucket=source_bucket, Key=keys[0], Body=PHOTO)
    s3.put_object(Bucket=source_bucket, Key=keys[1], Body=b"<html>not an image</html>")
    s3.put_object(Bucket=source_bucket, Key=keys[3],
                  Body=samples.png_bytes(samples.transparent_logo((300, 200))))
    s3.put_object(Bucket=source_bucket, Key=keys[4], Body=b"GIF89a")
    s3.put_object(Bucket=source_bucket, Key=keys[5], Body=PHOTO)
    event = make_event(source_bucket, *map(encoded, keys))
    # S3 Inventory manifests encode a space as `+`: both decode to the same key.
    event["tasks"][0]["s3Key"] = "batch/a+photo%2B1+%C3%BC.jpg"

    response = client.lambda_.invoke("batch", event)

    payload = response.payload
    assert payload["invocationSchemaVersion"] == event["invocationSchemaVersion"]
    assert payload["invocationId"] == event["invocationId"]
    assert payload["treatMissingKeysAs"] == "PermanentFailure"
    assert [r["taskId"] for r in payload["results"]] == [t["taskId"] for t in event["tasks"]]
    assert results(response) == {
        "task-0": ("Succeeded", "written: batch/a photo+1 ü-thumbnail.jpg"),
        "task-1": ("PermanentFailure", "not a JPEG or PNG image (looks like HTML/XML text)"),
        "task-2": ("Succeeded", "skipped: deleted since the manifest was made"),
        "task-3": ("Succeeded", "written: batch/logo-thumbnail.PNG"),
        "task-4": ("Succeeded", "skipped: not an upload the functions handle "
                                "(suffixes: .jpg .jpeg .png .JPG .JPEG .PNG)"),
        "task-5": ("Succeeded", "written: batch/plain-thumbnail.jpeg"),
    }
    listing = s3.list_objects_v2(Bucket=target_bucket)["Contents"]
    assert {item["Key"] for item in listing} == {
        "batch/a photo+1 ü-thumbnail.jpg", "batch/logo-thumbnail.PNG",
        "batch/plain-thumbnail.jpeg"}
    # The same outputs as the event handlers write: format, content type, provenance.
    thumbnail = s3.get_object(Bucket=target_bucket, Key="batch/a photo+1 ü-thumbnail.jpg")
    assert thumbnail["ContentType"] == "image/jpeg"
    assert thumbnail["Body"].read()[:3] == b"\xff\xd8\xff"
    source = s3.head_object(Bucket=source_bucket, Key=keys[0])
    assert thumbnail["Metadata"]["source-etag"] == source["ETag"].strip('"')
    assert s3.head_object(Bucket=target_bucket, Key="batch/logo-thumbnail.PNG")[
        "ContentType"] == "image/png"


def test_same_thumbnail_as_the_event_handler(s3, client, deliver, source_bucket, target_bucket):
    deliver(upload(s3, source_bucket, "same/x.jpg", PHOTO))
    by_event = s3.get_object(Bucket=target_bucket, Key="same/x-thumbnail.jpg")["Body"].read()
    s3.delete_object(Bucket=target_bucket, Key="same/x-thumbnail.jpg")
    response = client.lambda_.invoke("batch", event_2_0(source_bucket, "same/x.jpg"))
    assert results(response) == {"task-0": ("Succeeded", "written: same/x-thumbnail.jpg")}
    assert s3.get_object(Bucket=target_bucket, Key="same/x-thumbnail.jpg")["Body"].read() == by_event


def test_missing_target_bucket_is_a_temporary_failure(s3, client, source_bucket, target_bucket):
    s3.put_object(Bucket=source_bucket, Key="t/x.jpg", Body=PHOTO)
    s3.delete_bucket(Bucket=target_bucket)  # empty: nothing written yet
    response = client.lambda_.invoke("batch", event_1_0(source_bucket, "t/x.jpg"))
    [(code, text)] = results(response).values()
    assert code == "TemporaryFailure"
    assert "NoSuchBucket" in text


def test_what_can_never_succeed_is_a_permanent_failure(s3, client, source_bucket):
    event = event_2_0("someone-elses-bucket", "x.jpg")
    event["tasks"].append({"taskId": "malformed", "s3Bucket": source_bucket})
    event["tasks"].append({"taskId": "empty", "s3Bucket": source_bucket, "s3Key": "empty.png"})
    s3.put_object(Bucket=source_bucket, Key="empty.png", Body=b"")
    got = results(client.lambda_.invoke("batch", event))
    assert got["task-0"] == ("PermanentFailure", "event for bucket 'someone-elses-bucket', "
                             "this function serves 'thumbnailer-dev-source'")
    assert got["malformed"] == ("PermanentFailure", "task has no s3Bucket/s3BucketArn and s3Key")
    assert got["empty"][0] == "PermanentFailure"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_batch_function_is_wired_with_its_own_policy(chalice_app, stage):
    import json

    from chalice.config import Config

    from devtools.stage import PROJECT_DIR

    [function] = chalice_app.app.pure_lambda_functions
    assert (function.name, function.handler_string) == ("batch", "app.batch")
    config = Config(chalice_stage=stage, function_name="batch", config_from_disk=json.loads(
        (PROJECT_DIR / ".chalice" / "config.json").read_text()))
    assert config.iam_policy_file == f"policy-{stage}-batch.json"
    assert not config.autogen_policy
