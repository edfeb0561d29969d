"""The generated IAM policy: committed as generated, lint-clean, and enough but no more when
the local S3 enforces IAM."""

from __future__ import annotations

import warnings

import boto3
import pytest
from botocore.exceptions import ClientError

from devtools import samples
from devtools.events import removed_record
from devtools.policy import batch_policy_for, policy_for, policy_path, render, stage_names
from devtools.stage import lambda_context
from tests.helpers.iam import _as_kwargs, _user_with_policy, lint
from tests.helpers.uploads import upload


@pytest.mark.parametrize("batch", [False, True], ids=["events", "batch"])
@pytest.mark.parametrize("stage", stage_names())
def test_committed_policy_is_what_the_generator_makes(stage, batch):
    assert policy_path(stage, batch=batch).read_text() == render(
        policy_for(stage, batch=batch)), "run `make policy`"


@pytest.mark.parametrize("batch", [False, True], ids=["events", "batch"])
@pytest.mark.parametrize("stage", stage_names())
def test_policy_linter_finds_nothing(stage, batch):
    assert lint(policy_path(stage, batch=batch).read_text()) == []


@pytest.mark.parametrize("stage", stage_names())
def test_batch_policy_is_the_event_policy_without_delete_sync(stage):
    """Batch never runs delete sync: no DeleteObject, unless a quarantine needs it; its own
    log group only."""
    statements = batch_policy_for(stage)["Statement"]
    actions = sorted(action for statement in statements for action in statement["Action"])
    assert actions == sorted(["s3:GetObject", "s3:ListBucket", "s3:PutObject",
                              "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
    events = {s["Sid"]: s for s in policy_for(stage)["Statement"]}
    for statement in statements:
        if statement["Sid"] != "WriteOwnLogs":
            assert statement == events[statement["Sid"]]
    [logs] = [s for s in statements if s["Sid"] == "WriteOwnLogs"]
    assert logs["Resource"][0].endswith(f"/aws/lambda/thumbnailer-{stage}-batch")
    quarantine = batch_policy_for(stage, overrides={"LABELS": "moderation"})
    assert "DeleteOutputs" in {s["Sid"] for s in quarantine["Statement"]}
    assert lint(render(quarantine)) == []


@pytest.mark.parametrize("overrides", [
    {"EVENT_BUS": "thumbnailer-events"},
    {"EVENT_BUS": "arn:aws:events:us-east-1:123456789012:event-bus/thumbnailer-events"},
])
def test_policy_with_optional_features_is_lint_clean(overrides):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import analyze_policy_string
    policy = render(policy_for("dev", overrides=overrides))
    assert [str(finding) for finding in analyze_policy_string(policy).findings] == []


@pytest.mark.parametrize("stage", stage_names())
def test_policy_names_only_the_stages_buckets_and_logs(stage):
    statements = policy_for(stage)["Statement"]
    actions = sorted(action for statement in statements for action in statement["Action"])
    assert actions == sorted([
        "s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject",
        "s3:GetObject",  # the outputs' own keys: which upload they were made from
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
    ])
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "*" not in statement["Resource"]


def test_handler_under_exactly_the_generated_policy(
    s3, deliver, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    iam = boto3.client("iam")
    function_credentials = _user_with_policy(iam, "thumbnailer-fn", policy_for("dev"))
    admin_credentials = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    record = upload(s3, source_bucket, "in/photo.jpg",
                    samples.jpeg_bytes(samples.photo_like((400, 300))))
    record_2 = upload(s3, source_bucket, "in/gone.jpg",
                      samples.jpeg_bytes(samples.photo_like((400, 300))))
    upload(s3, target_bucket, "private.jpg", b"someone else's object")
    enforced_iam()

    for name, value in function_credentials.items():
        monkeypatch.setenv(name, value)
    assert deliver(record).payload == {"written": 1, "skipped": 0, "deleted": 0}
    # Delete sync under the same policy: the upload deleted (by someone else), its outputs go.
    as_admin = boto3.client("s3", **_as_kwargs(admin_credentials))
    assert deliver(record_2).payload == {"written": 1, "skipped": 0, "deleted": 0}
    as_admin.delete_object(Bucket=source_bucket, Key="in/gone.jpg")
    assert deliver(removed_record(source_bucket, "in/gone.jpg")).payload == {
        "written": 0, "skipped": 0, "deleted": 1}
    with pytest.raises(ClientError):
        as_admin.head_object(Bucket=target_bucket, Key="in/gone-thumbnail.jpg")

    as_function = boto3.client("s3", **_as_kwargs(function_credentials))
    denied = [
        lambda: as_function.put_object(Bucket=source_bucket, Key="evil.jpg", Body=b"x"),
        # The target bucket only under the outputs' key patterns: not over another object.
        lambda: as_function.put_object(Bucket=target_bucket, Key="private.jpg", Body=b"x"),
        lambda: as_function.put_object(Bucket=target_bucket, Key="in/photo.jpg", Body=b"x"),
        lambda: as_function.delete_object(Bucket=source_bucket, Key="in/photo.jpg"),
        # Deletes only under the outputs' key patterns, like writes.
        lambda: as_function.delete_object(Bucket=target_bucket, Key="private.jpg"),
        lambda: as_function.get_object(Bucket=target_bucket, Key="private.jpg"),
        lambda: as_function.list_objects_v2(Bucket=target_bucket),
    ]
    for call in denied:
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"

    # DeleteObjects answers 200 and refuses key by key, as S3 does.
    refused = as_function.delete_objects(Bucket=target_bucket,
                                         Delete={"Objects": [{"Key": "private.jpg"}]})
    assert [(e["Key"], e["Code"]) for e in refused["Errors"]] == [("private.jpg", "AccessDenied")]
    assert as_admin.head_object(Bucket=target_bucket, Key="private.jpg")["ContentLength"]
    assert as_admin.head_object(Bucket=source_bucket, Key="in/photo.jpg")["ContentLength"]
    assert as_admin.head_object(Bucket=target_bucket, Key="in/photo-thumbnail.jpg")["ContentLength"]


def test_bucket_command_creates_locked_down_buckets(s3_endpoint):
    from devtools.buckets import create_locked_down_bucket

    s3 = boto3.client("s3")
    assert create_locked_down_bucket(s3, "locked-down-example") == "created"
    assert create_locked_down_bucket(s3, "locked-down-example") == "exists"
    block = s3.get_public_access_block(Bucket="locked-down-example")
    assert all(block["PublicAccessBlockConfiguration"].values())
    rule = s3.get_bucket_encryption(Bucket="locked-down-example")[
        "ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_batch_function_under_exactly_its_generated_policy(
    s3, client, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    iam = boto3.client("iam")
    function_credentials = _user_with_policy(iam, "thumbnailer-batch", batch_policy_for("dev"))
    s3.put_object(Bucket=source_bucket, Key="b/photo.jpg",
                  Body=samples.jpeg_bytes(samples.photo_like((400, 300))))
    s3.put_object(Bucket=target_bucket, Key="b/old-thumbnail.jpg", Body=b"an output")
    enforced_iam()
    for name, value in function_credentials.items():
        monkeypatch.setenv(name, value)
    event = {"invocationSchemaVersion": "2.0", "invocationId": "i", "job": {"id": "j"},
             "tasks": [{"taskId": "1", "s3Bucket": source_bucket, "s3Key": "b/photo.jpg"},
                       {"taskId": "2", "s3Bucket": source_bucket, "s3Key": "b/gone.jpg"}]}
    assert [(r["resultCode"], r["resultString"]) for r in
            client.lambda_.invoke("batch", event).payload["results"]] == [
        ("Succeeded", "written: b/photo-thumbnail.jpg"),
        ("Succeeded", "skipped: deleted since the manifest was made")]  # 404, not 403
    as_function = boto3.client("s3", **_as_kwargs(function_credentials))
    with pytest.raises(ClientError) as error:  # no delete sync from Batch: no DeleteObject
        as_function.delete_object(Bucket=target_bucket, Key="b/old-thumbnail.jpg")
    assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_eventbridge_mode_needs_exactly_the_same_policy():
    """TRIGGER=eventbridge: the one function reads, writes and deletes what the six do, and logs
    under the same <app>-<stage>-* pattern; EventBridge invokes it through a resource-based
    permission on the function (Chalice makes it), not through the function's role."""
    for stage in stage_names():
        on_eventbridge = {"TRIGGER": "eventbridge"}
        assert policy_for(stage, overrides=on_eventbridge) == policy_for(stage)
        assert batch_policy_for(stage, overrides=on_eventbridge) == batch_policy_for(stage)


def test_eventbridge_handler_under_exactly_the_generated_policy(
    s3, source_bucket, target_bucket, stage_env, monkeypatch, enforced_iam
):
    from devtools.events import eventbridge_event
    from tests.helpers.app_modules import HANDLER, import_app

    eventbridge_app = import_app("app_eventbridge_iam", TRIGGER="eventbridge")
    iam = boto3.client("iam")
    function_credentials = _user_with_policy(
        iam, "thumbnailer-eventbridge-fn", policy_for("dev", overrides={"TRIGGER": "eventbridge"}))
    data = samples.jpeg_bytes(samples.photo_like((400, 300)))
    for key in ("eb/Photo.Jpg", "eb/gone.jPEG"):
        s3.put_object(Bucket=source_bucket, Key=key, Body=data)
    etag = s3.head_object(Bucket=source_bucket, Key="eb/Photo.Jpg")["ETag"]
    upload(s3, target_bucket, "private.jpg", b"someone else's object")
    admin = _user_with_policy(iam, "admin-eb", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    enforced_iam()
    for name, value in {**stage_env, "TRIGGER": "eventbridge", **function_credentials}.items():
        monkeypatch.setenv(name, value)
    handler = getattr(eventbridge_app, HANDLER)

    def run(event):
        return handler(event, lambda_context(HANDLER))

    for key in ("eb/Photo.Jpg", "eb/gone.jPEG"):
        assert run(eventbridge_event(source_bucket, key, len(data), etag)) == {
            "written": 1, "skipped": 0, "deleted": 0}
    as_admin = boto3.client("s3", **_as_kwargs(admin))
    as_admin.delete_object(Bucket=source_bucket, Key="eb/gone.jPEG")
    assert run(eventbridge_event(source_bucket, "eb/gone.jPEG", detail_type="Object Deleted",
                                 reason="DeleteObject", deletion_type="Permanently Deleted")) == {
        "written": 0, "skipped": 0, "deleted": 1}
    keys = sorted(o["Key"] for o in as_admin.list_objects_v2(Bucket=target_bucket)["Contents"])
    assert keys == ["eb/Photo-thumbnail.Jpg", "private.jpg"]


def test_batch_operations_back_up_each_task_under_exactly_its_generated_policy(
    s3, client, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    """A Batch task names no ETag: the function reads the current one (HeadObject) and copies
    exactly that object, as the event handlers copy what their event announced."""
    backup = "thumbnailer-dev-backup"
    s3.create_bucket(Bucket=backup)
    monkeypatch.setenv("BACKUP_BUCKET", backup)
    iam = boto3.client("iam")
    policy = batch_policy_for("dev", overrides={"BACKUP_BUCKET": backup})
    function_credentials = _user_with_policy(iam, "thumbnailer-batch-backup", policy)
    admin = boto3.client("s3", **_as_kwargs(_user_with_policy(iam, "admin", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })))
    photo = samples.jpeg_bytes(samples.photo_like((400, 300)))
    s3.put_object(Bucket=source_bucket, Key="b/photo.jpg", Body=photo)
    enforced_iam()
    for name, value in function_credentials.items():
        monkeypatch.setenv(name, value)
    event = {"invocationSchemaVersion": "2.0", "invocationId": "i", "job": {"id": "j"},
             "tasks": [{"taskId": "1", "s3Bucket": source_bucket, "s3Key": "b/photo.jpg"}]}
    [result] = client.lambda_.invoke("batch", event).payload["results"]
    assert (result["resultCode"], result["resultString"]) == (
        "Succeeded", "written: b/photo-thumbnail.jpg; backup copied")
    assert admin.get_object(Bucket=backup, Key="b/photo.jpg")["Body"].read() == photo


def test_delete_sync_reads_what_outputs_were_made_from_under_exactly_the_generated_policy(
    s3, deliver, source_bucket, target_bucket, monkeypatch, enforced_iam
):
    """A removal that leaves an object under the key (a version deleted, a delete marker
    removed): the function reads its first output's source-etag, renders when it differs or the
    output is missing (403 without ListBucket on the target), and keeps outputs made from it."""
    iam = boto3.client("iam")
    function_credentials = _user_with_policy(iam, "thumbnailer-fn-versions", policy_for("dev"))
    admin = boto3.client("s3", **_as_kwargs(_user_with_policy(iam, "admin-versions", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })))
    photo = samples.jpeg_bytes(samples.photo_like((400, 300)))
    upload(s3, source_bucket, "v/kept.jpg", photo)
    upload(s3, source_bucket, "v/stale.jpg", photo)
    upload(s3, source_bucket, "v/missing.jpg", photo)
    upload(s3, target_bucket, "v/stale-thumbnail.jpg", b"made from an older version")
    enforced_iam()
    for name, value in function_credentials.items():
        monkeypatch.setenv(name, value)
    assert deliver(upload(admin, source_bucket, "v/kept.jpg", photo)).payload["written"] == 1

    for key, outcome in (("v/kept.jpg", "skipped"), ("v/stale.jpg", "written"),
                         ("v/missing.jpg", "written")):
        payload = deliver(removed_record(source_bucket, key, "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH")
                          ).payload
        assert payload[outcome] == 1, key
        made = admin.head_object(Bucket=target_bucket, Key=key.replace(".jpg", "-thumbnail.jpg"))
        assert made["Metadata"]["source-etag"] == admin.head_object(
            Bucket=source_bucket, Key=key)["ETag"].strip('"')
    as_function = boto3.client("s3", **_as_kwargs(function_credentials))
    with pytest.raises(ClientError) as error:  # the outputs' keys only
        as_function.get_object(Bucket=target_bucket, Key="v/kept.jpg")
    assert error.value.response["Error"]["Code"] == "AccessDenied"
