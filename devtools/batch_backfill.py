"""`make batch-backfill`: an S3 Batch Operations job that runs the `batch` function over the
source bucket, followed to its completion report.

1. The manifest: the source bucket listed (optionally under --prefix), the uploads the
   functions handle whose thumbnail is missing or older (all with --force), written as a CSV
   manifest (bucket,URL-encoded key) under the reports location; or an existing S3 Inventory
   report (--manifest s3://bucket/.../manifest.json) taken as it is.
2. Confirmation before a job over --confirm-over objects (or of unknown size); --yes skips it.
3. `s3control create_job`: LambdaInvoke of the batch function, invocation schema 2.0, the
   manifest by its ETag, a completion report of all tasks under the reports location, the
   Batch Operations service role (`make batch-role`).
4. The job followed with `describe_job` and a progress bar, then the summary read from the
   completion report: succeeded by what happened, failed by reason.

The manifest and the reports are read and written with your credentials and the service role,
never by the function (it may not write there). Exit code: 0 all succeeded, 1 some tasks
failed, 2 the job could not be created or did not complete.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from tqdm import tqdm

from chalicelib.aws import events
from chalicelib.config.settings import Settings
from chalicelib.pipeline.setup import load_settings
from devtools.backfill import _list, first_output_key
from devtools.batch_role import (
    S3Location,
    account_and_region,
    default_reports,
    function_arn,
    role_name,
)
from devtools.stage import stage_environment

CONFIRM_OVER = 1000
DONE = {"Complete", "Failed", "Cancelled"}
CSV_FORMAT, INVENTORY_FORMAT = "S3BatchOperations_CSV_20180820", "S3InventoryReport_CSV_20161130"


@dataclass
class Manifest:
    """The `Manifest` of create_job, and how many objects it lists (None: not counted)."""

    spec: dict
    objects: int | None

    @property
    def etag(self) -> str:
        return self.spec["Location"]["ETag"]


def keys_to_backfill(s3, settings: Settings, prefix: str = "", force: bool = False) -> list[str]:
    """What the local backfill would render: uploads the functions handle, minus those whose
    thumbnail exists and is at least as new (unless `force`)."""
    uploads = [item for item in _list(s3, settings.source_bucket, prefix)
               if events.delivered(item["Key"], settings.trigger)]
    existing = {} if force else {item["Key"]: item["LastModified"]
                                 for item in _list(s3, settings.target_bucket, prefix)}
    todo = []
    for item in uploads:
        made = existing.get(first_output_key(item["Key"], settings))
        if made is None or made < item["LastModified"]:
            todo.append(item["Key"])
    return todo


def manifest_csv(bucket: str, object_keys: list[str]) -> str:
    """S3 Batch Operations CSV: bucket,key with the key URL-encoded (UTF-8; space %20, + %2B,
    comma %2C), so no field ever needs CSV quoting."""
    return "".join(f"{bucket},{quote(key, safe='/')}\n" for key in object_keys)


def write_manifest(s3, reports: S3Location, bucket: str, object_keys: list[str],
                   name: str) -> Manifest:
    key = reports.key(f"manifests/{name}.csv")
    response = s3.put_object(Bucket=reports.bucket, Key=key,
                             Body=manifest_csv(bucket, object_keys).encode(),
                             ContentType="text/csv")
    return Manifest({
        "Spec": {"Format": CSV_FORMAT, "Fields": ["Bucket", "Key"]},
        "Location": {"ObjectArn": f"arn:aws:s3:::{reports.bucket}/{key}",
                     "ETag": response["ETag"].strip('"')},
    }, len(object_keys))


def inventory_manifest(s3, url: str) -> Manifest:
    """An S3 Inventory report's manifest.json, by its current ETag (objects not counted: that
    would mean reading every gzipped CSV it names)."""
    location = S3Location.parse(url)
    if not location.prefix.endswith("manifest.json"):
        raise ValueError(f"--manifest must name an S3 Inventory manifest.json: {url!r}")
    head = s3.head_object(Bucket=location.bucket, Key=location.prefix)
    return Manifest({
        "Spec": {"Format": INVENTORY_FORMAT},
        "Location": {"ObjectArn": f"arn:aws:s3:::{location.bucket}/{location.prefix}",
                     "ETag": head["ETag"].strip('"')},
    }, None)


def job_request(*, account: str, function: str, role_arn: str, manifest: Manifest,
                reports: S3Location, priority: int = 10, description: str = "",
                token: str | None = None) -> dict:
    """The create_job parameters. ConfirmationRequired is False: we asked already."""
    return {
        "AccountId": account,
        "ConfirmationRequired": False,
        "Operation": {"LambdaInvoke": {"FunctionArn": function, "InvocationSchemaVersion": "2.0"}},
        "Manifest": manifest.spec,
        "Report": {"Bucket": f"arn:aws:s3:::{reports.bucket}", "Format": "Report_CSV_20180820",
                   "Enabled": True, "Prefix": reports.key("reports"), "ReportScope": "AllTasks"},
        "ClientRequestToken": token or str(uuid.uuid4()),
        "Description": description[:256],
        "Priority": priority,
        "RoleArn": role_arn,
    }


def follow(s3control, account: str, job_id: str, poll_seconds: float = 10.0,
           progress: bool = True, sleep=time.sleep) -> dict:
    """describe_job until the job is Complete, Failed or Cancelled; a bar of tasks done."""
    with tqdm(total=None, unit="object", desc=job_id[:8], disable=not progress) as bar:
        while True:
            job = s3control.describe_job(AccountId=account, JobId=job_id)["Job"]
            summary = job.get("ProgressSummary", {})
            total = summary.get("TotalNumberOfTasks")
            if total is not None and bar.total != total:
                bar.total = total
            done = summary.get("NumberOfTasksSucceeded", 0) + summary.get("NumberOfTasksFailed", 0)
            bar.update(done - bar.n)
            bar.set_postfix_str(job["Status"])
            if job["Status"] in DONE:
                return job
            sleep(poll_seconds)


@dataclass
class Report:
    succeeded: Counter = field(default_factory=Counter)  # "written", "skipped: ...", ...
    failed: Counter = field(default_factory=Counter)  # "PermanentFailure: reason", ...

    def lines(self) -> list[str]:
        lines = [f"succeeded: {sum(self.succeeded.values())}"]
        lines += [f"  {count:>8}  {what}" for what, count in self.succeeded.most_common()]
        lines.append(f"failed: {sum(self.failed.values())}")
        lines += [f"  {count:>8}  {why}" for why, count in self.failed.most_common()]
        return lines


def read_completion_report(s3, job: dict) -> Report:
    """The job's completion report: <prefix>/job-<id>/manifest.json names the result CSVs
    (Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage)."""
    report_bucket = job["Report"]["Bucket"].rpartition(":::")[2]
    prefix = job["Report"].get("Prefix", "")
    key = f"job-{job['JobId']}/manifest.json"
    if prefix:
        key = f"{prefix}/{key}"
    manifest = json.loads(s3.get_object(Bucket=report_bucket, Key=key)["Body"].read())
    report = Report()
    for result in manifest.get("Results", []):
        body = s3.get_object(Bucket=result.get("Bucket", report_bucket).rpartition(":::")[2],
                             Key=result["Key"])["Body"].read().decode("utf-8")
        for row in csv.reader(io.StringIO(body)):
            if len(row) < 7:
                continue
            status, error_code, message = row[3], row[4], row[6]
            if status.lower() == "succeeded":
                report.succeeded[_what(message)] += 1
            else:
                report.failed[f"{error_code or status}: {message}".strip()] += 1
    return report


def _what(message: str) -> str:
    """'written: a/b-thumbnail.jpg' -> 'written'; skips and quarantines keep their reason."""
    head, _, _rest = message.partition(":")
    return message if head in ("skipped", "quarantined") else head or "succeeded"


def confirm(objects: int | None, threshold: int, ask=input) -> bool:
    if objects is not None and objects <= threshold:
        return True
    size = "an S3 Inventory manifest (not counted)" if objects is None else f"{objects:,} objects"
    answer = ask(f"Create an S3 Batch Operations job over {size}? "
                 "It renders and bills every one. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--prefix", default="", help="only keys under this prefix")
    parser.add_argument("--force", action="store_true",
                        help="also uploads whose thumbnail looks up to date")
    parser.add_argument("--manifest", help="an existing S3 Inventory manifest: "
                        "s3://bucket/.../manifest.json (instead of listing the source)")
    parser.add_argument("--reports", help="s3://bucket/prefix for the manifest and the "
                        "completion report (default: the target bucket under batch-reports/)")
    parser.add_argument("--role-arn", help="the Batch Operations service role "
                        "(default: the one `make batch-role` creates)")
    parser.add_argument("--function-arn", help="default: this stage's batch function")
    parser.add_argument("--priority", type=int, default=10)
    parser.add_argument("--confirm-over", type=int, default=CONFIRM_OVER,
                        help=f"ask before a job over this many objects ({CONFIRM_OVER})")
    parser.add_argument("--yes", action="store_true", help="do not ask")
    parser.add_argument("--poll", type=float, default=10.0, help="seconds between describe_job")
    parser.add_argument("--no-follow", action="store_true", help="print the job id and stop")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, s3, s3control, account: str, region: str,
        ask=input, out=print, progress: bool = True, sleep=time.sleep) -> int:
    settings = load_settings(stage_environment(args.stage))
    reports = S3Location.parse(args.reports) if args.reports else default_reports(args.stage)
    if args.manifest:
        manifest = inventory_manifest(s3, args.manifest)
    else:
        todo = keys_to_backfill(s3, settings, args.prefix, args.force)
        if not todo:
            out(f"nothing to backfill in s3://{settings.source_bucket}/{args.prefix} "
                "(every thumbnail up to date; --force to redo them)")
            return 0
        manifest = Manifest({}, len(todo))
    if not args.yes and not confirm(manifest.objects, args.confirm_over, ask):
        out("not confirmed: no job created")
        return 2
    if not args.manifest:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        manifest = write_manifest(s3, reports, settings.source_bucket, todo,
                                  f"{args.stage}-{stamp}-{uuid.uuid4().hex[:8]}")
        out(f"manifest: {manifest.spec['Location']['ObjectArn']} ({manifest.objects:,} objects)")
    request = job_request(
        account=account, function=args.function_arn or function_arn(args.stage, region, account),
        role_arn=args.role_arn or f"arn:aws:iam::{account}:role/{role_name(args.stage)}",
        manifest=manifest, reports=reports, priority=args.priority,
        description=f"thumbnailer {args.stage} backfill s3://{settings.source_bucket}/{args.prefix}")
    job_id = s3control.create_job(**request)["JobId"]
    out(f"job: {job_id} (aws s3control describe-job --account-id {account} --job-id {job_id})")
    if args.no_follow:
        return 0
    job = follow(s3control, account, job_id, args.poll, progress, sleep)
    if job["Status"] != "Complete":
        reasons = "; ".join(f"{r.get('FailureCode')}: {r.get('FailureReason')}"
                            for r in job.get("FailureReasons", []))
        out(f"job {job['Status'].lower()}: {reasons or job.get('StatusUpdateReason', '')}")
        return 2
    report = read_completion_report(s3, job)
    out("\n".join(report.lines()))
    return 1 if report.failed else 0


def main() -> int:
    args = parse_args()
    try:
        account, region = account_and_region()
        return run(args, boto3.client("s3"), boto3.client("s3control", region_name=region),
                   account, region)
    except (ValueError, BotoCoreError, ClientError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
