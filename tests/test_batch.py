"""S3 Batch Operations: the `batch` function invoked as Batch invokes it (schema 1.0 and 2.0,
URL-encoded keys, several tasks, bad ones among good ones), against the local S3."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from devtools import samples
from tests.helpers.uploads import upload

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
        "task-1": ("PermanentFailure",
                   "not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image (looks like HTML/XML text)"),
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
    by_batch = s3.get_object(Bucket=target_bucket, Key="same/x-thumbnail.jpg")["Body"].read()
    assert by_batch == by_event


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


def test_schema_1_0_names_the_bucket_by_either_arn_form(s3, client, source_bucket):
    """`arn:aws:s3:::<bucket>` (above) or, as in the S3 user guide's example request,
    `arn:aws:s3:<region>:<account>:<bucket>`."""
    s3.put_object(Bucket=source_bucket, Key="arn/x.jpg", Body=PHOTO)
    event = event_1_0(source_bucket, "arn/x.jpg")
    event["tasks"][0]["s3BucketArn"] = f"arn:aws:s3:us-east-1:0123456788:{source_bucket}"
    assert results(client.lambda_.invoke("batch", event)) == {
        "task-0": ("Succeeded", "written: arn/x-thumbnail.jpg")}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_batch_function_is_wired_with_its_own_policy(chalice_app, stage):
    import json

    from chalice.config import Config

    from devtools.stage import PROJECT_DIR

    [function] = [f for f in chalice_app.app.pure_lambda_functions if f.name == "batch"]
    assert (function.name, function.handler_string) == ("batch", "app.batch")
    config = Config(chalice_stage=stage, function_name="batch", config_from_disk=json.loads(
        (PROJECT_DIR / ".chalice" / "config.json").read_text()))
    assert config.iam_policy_file == f"policy-{stage}-batch.json"
    assert not config.autogen_policy


# --- make batch-backfill: the manifest, the create_job request, following the job ---------

ACCOUNT, REGION = "123456789012", "us-east-1"


def s3control_stubbed():
    """A real s3control client whose calls are validated against botocore's service model and
    serialized, but never sent (the moto server has no S3 Batch Operations)."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3control", region_name=REGION)
    return client, Stubber(client)


def test_manifest_and_create_job_request(s3, client, deliver, source_bucket, target_bucket):
    import csv
    import io
    import time

    from botocore.validate import validate_parameters

    from chalicelib.pipeline.setup import load_settings
    from devtools.batch_backfill import job_request, keys_to_backfill, write_manifest
    from devtools.batch_role import S3Location, default_reports, function_arn
    from devtools.stage import stage_environment

    settings = load_settings(stage_environment("dev"))
    deliver(upload(s3, source_bucket, "m/done.jpg", PHOTO))  # up to date: not in the manifest
    time.sleep(1.1)  # S3 timestamps have one-second resolution
    names = ["m/a photo+1 ü,x.jpg", "m/b.PNG", "m/page.jpg", "m/anim.gif", "other/c.jpg"]
    for key in names:
        s3.put_object(Bucket=source_bucket, Key=key, Body=PHOTO)

    todo = keys_to_backfill(s3, settings, prefix="m/")
    assert sorted(todo) == ["m/a photo+1 ü,x.jpg", "m/b.PNG", "m/page.jpg"]
    reports = default_reports("dev")
    assert reports == S3Location(target_bucket, "batch-reports")
    manifest = write_manifest(s3, reports, source_bucket, todo, "test")
    request = job_request(account=ACCOUNT, function=function_arn("dev", REGION, ACCOUNT),
                          role_arn=f"arn:aws:iam::{ACCOUNT}:role/thumbnailer-dev-batch-operations",
                          manifest=manifest, reports=reports, description="test")

    s3control = s3control_stubbed()[0]
    shape = s3control.meta.service_model.operation_model("CreateJob").input_shape
    validate_parameters(request, shape)  # raises ParamValidationError if botocore would refuse
    assert request["Operation"] == {"LambdaInvoke": {
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer-dev-batch",
        "InvocationSchemaVersion": "2.0"}}
    assert request["ConfirmationRequired"] is False
    assert request["Report"]["Bucket"] == f"arn:aws:s3:::{target_bucket}"
    assert request["Report"]["Prefix"] == "batch-reports/reports"
    location = request["Manifest"]["Location"]
    assert location["ObjectArn"] == f"arn:aws:s3:::{target_bucket}/batch-reports/manifests/test.csv"
    stored = s3.get_object(Bucket=target_bucket, Key="batch-reports/manifests/test.csv")
    assert location["ETag"] == stored["ETag"].strip('"')
    body = stored["Body"].read().decode()
    assert body.splitlines()[0] == f"{source_bucket},m/a%20photo%2B1%20%C3%BC%2Cx.jpg"
    assert request["Manifest"]["Spec"] == {"Format": "S3BatchOperations_CSV_20180820",
                                           "Fields": ["Bucket", "Key"]}

    # What S3 Batch Operations then does: one task per manifest row, the key as written there.
    rows = list(csv.reader(io.StringIO(body)))
    got = results(client.lambda_.invoke("batch", event_2_0(source_bucket, *(k for _, k in rows))))
    assert [code for code, _ in got.values()] == ["Succeeded"] * 3
    assert s3.head_object(Bucket=target_bucket, Key="m/a photo+1 ü,x-thumbnail.jpg")


def put_completion_report(s3, bucket: str, job_id: str, rows: list[list[str]]) -> None:
    """A completion report as S3 Batch Operations writes it (Report_CSV_20180820)."""
    import csv
    import io

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    results_key = f"batch-reports/reports/job-{job_id}/results/abc.csv"
    s3.put_object(Bucket=bucket, Key=results_key, Body=text.getvalue().encode())
    import json

    s3.put_object(Bucket=bucket, Key=f"batch-reports/reports/job-{job_id}/manifest.json",
                  Body=json.dumps({
                      "Format": "Report_CSV_20180820", "ReportCreationDate": "2026-11-27T00:00:00Z",
                      "Results": [{"TaskExecutionStatus": "succeeded", "Bucket": bucket,
                                   "MD5Checksum": "x", "Key": results_key}],
                      "ReportSchema": "Bucket, Key, VersionId, TaskStatus, ErrorCode, "
                                      "HTTPStatusCode, ResultMessage"}).encode())


def test_batch_backfill_creates_the_job_and_follows_it_to_its_report(
        s3, source_bucket, target_bucket):
    from botocore.stub import ANY

    from devtools.batch_backfill import parse_args, run

    for key in ("f/1.jpg", "f/2.jpg", "f/3.jpg"):
        s3.put_object(Bucket=source_bucket, Key=key, Body=PHOTO)
    job_id = "0b8c0f0e-aaaa-bbbb-cccc-0123456789ab"
    put_completion_report(s3, target_bucket, job_id, [
        [source_bucket, "f/1.jpg", "", "succeeded", "200", "", "written: f/1-thumbnail.jpg"],
        [source_bucket, "f/2.jpg", "", "succeeded", "200", "", "written: f/2-thumbnail.jpg"],
        [source_bucket, "f/3.jpg", "", "failed", "PermanentFailure", "",
         "not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image (looks like HTML/XML text)"],
    ])
    s3control, stub = s3control_stubbed()
    stub.add_response("create_job", {"JobId": job_id}, {
        "AccountId": ACCOUNT, "ConfirmationRequired": False, "Operation": ANY,
        "Manifest": ANY, "Report": ANY, "ClientRequestToken": ANY, "Description": ANY,
        "Priority": 10,
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/thumbnailer-dev-batch-operations"})
    report = {"Bucket": f"arn:aws:s3:::{target_bucket}", "Format": "Report_CSV_20180820",
              "Enabled": True, "Prefix": "batch-reports/reports", "ReportScope": "AllTasks"}
    for status, total, done, failed in [("Preparing", None, 0, 0), ("Active", 3, 1, 0),
                                        ("Complete", 3, 2, 1)]:
        summary = {"NumberOfTasksSucceeded": done, "NumberOfTasksFailed": failed}
        if total is not None:
            summary["TotalNumberOfTasks"] = total
        stub.add_response("describe_job", {"Job": {
            "JobId": job_id, "Status": status, "Priority": 10, "Report": report,
            "ProgressSummary": summary}}, {"AccountId": ACCOUNT, "JobId": job_id})
    out: list[str] = []
    with stub:
        code = run(parse_args(["--stage", "dev", "--prefix", "f/"]), s3, s3control, ACCOUNT,
                   REGION, ask=lambda _: "", out=out.append, progress=False, sleep=lambda _: None)
        stub.assert_no_pending_responses()
    assert code == 1
    assert out[0].startswith(f"manifest: arn:aws:s3:::{target_bucket}/batch-reports/manifests/dev-")
    assert out[1].startswith(f"job: {job_id}")
    assert out[2].splitlines() == [
        "succeeded: 2", "         2  written",
        "failed: 1",
        "         1  PermanentFailure: not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image "
        "(looks like HTML/XML text)"]


def test_batch_backfill_asks_before_a_big_job(s3, source_bucket):
    from devtools.batch_backfill import parse_args, run

    for n in range(3):
        s3.put_object(Bucket=source_bucket, Key=f"big/{n}.jpg", Body=PHOTO)
    s3control, stub = s3control_stubbed()  # no response queued: any call would fail the test
    asked: list[str] = []
    with stub:
        code = run(parse_args(["--prefix", "big/", "--confirm-over", "2"]), s3, s3control,
                   ACCOUNT, REGION, ask=lambda q: asked.append(q) or "n", out=lambda _: None)
    assert code == 2 and "3 objects" in asked[0]
    target = stage_bucket("TARGET_BUCKET")
    assert "Contents" not in s3.list_objects_v2(Bucket=target)  # no manifest written either


def stage_bucket(name: str) -> str:
    from devtools.stage import stage_environment

    return stage_environment("dev")[name]


# --- make batch-role: the S3 Batch Operations service role ---------------------------------

def test_service_role_policies_are_lint_clean_and_minimal():
    from devtools.batch_role import S3Location, permissions_policy, trust_policy
    from tests.helpers.iam import lint

    reports = S3Location("reports-bucket", "batch-reports")
    policy = permissions_policy("prod", REGION, ACCOUNT, reports,
                                [S3Location("inventory-bucket", "source/daily")])
    assert lint(json_text(policy)) == []
    # parliament reads every policy as an identity policy; a trust policy has a Principal and
    # must have no Resource, which is the one thing it says about this one.
    assert [finding.split(" - {")[0] for finding in lint(json_text(trust_policy(ACCOUNT)))] == [
        "MALFORMED - Statement contains neither Resource nor NotResource"]
    assert {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["Statement"]} == {
        "ReadManifests": (["s3:GetObject", "s3:GetObjectVersion"],
                          ["arn:aws:s3:::inventory-bucket/source/daily/*",
                           "arn:aws:s3:::reports-bucket/batch-reports/*"]),
        "LocateManifestAndReportBuckets": (["s3:GetBucketLocation"], [
            "arn:aws:s3:::inventory-bucket", "arn:aws:s3:::reports-bucket"]),
        "WriteCompletionReports": (["s3:PutObject"],
                                   ["arn:aws:s3:::reports-bucket/batch-reports/*"]),
        "InvokeBatchFunction": (["lambda:InvokeFunction"], [
            "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer-prod-batch"]),
    }
    [trust] = trust_policy(ACCOUNT)["Statement"]
    assert trust["Principal"] == {"Service": "batchoperations.s3.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def json_text(policy: dict) -> str:
    import json

    return json.dumps(policy)


def test_make_batch_role_is_idempotent_against_iam(s3_endpoint, tmp_path):
    import json
    import os
    import subprocess
    import sys

    import boto3

    from devtools.batch_role import default_reports, permissions_policy
    from devtools.local_s3 import LOCAL_CREDENTIALS
    from devtools.stage import PROJECT_DIR

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
           **LOCAL_CREDENTIALS, "AWS_ENDPOINT_URL": s3_endpoint, "HOME": str(tmp_path)}
    name = "thumbnailer-dev-batch-operations"
    iam = boto3.client("iam")
    try:
        iam.delete_role_policy(RoleName=name, PolicyName=name)
        iam.delete_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        pass

    def make_batch_role(*args: str) -> str:
        run = subprocess.run([sys.executable, "-m", "devtools.batch_role", "--stage", "dev", *args],
                             cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60,
                             check=False)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert make_batch_role() == f"{name}: created (arn:aws:iam::{ACCOUNT}:role/{name})"
    assert make_batch_role().startswith(f"{name}: unchanged")
    stored = iam.get_role_policy(RoleName=name, PolicyName=name)["PolicyDocument"]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored == permissions_policy("dev", REGION, ACCOUNT, default_reports("dev"))
    role = iam.get_role(RoleName=name)["Role"]
    trust = role["AssumeRolePolicyDocument"]
    assert (json.loads(trust) if isinstance(trust, str) else trust)["Statement"][0][
        "Principal"] == {"Service": "batchoperations.s3.amazonaws.com"}
    assert make_batch_role("--inventory", "s3://inv/daily").startswith(f"{name}: updated")
    assert make_batch_role("--inventory", "s3://inv/daily").startswith(f"{name}: unchanged")
