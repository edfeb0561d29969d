"""`make batch-role`: the S3 Batch Operations service role that `make batch-backfill` hands to
the job, created or brought up to date (idempotent) with boto3 IAM.

S3 Batch Operations assumes it (trust: batchoperations.s3.amazonaws.com, this account only) to
read the manifest (s3:GetObject and s3:GetObjectVersion under the reports location, plus any
S3 Inventory location given; s3:GetBucketLocation on those buckets, as AWS's examples grant),
write the completion report (s3:PutObject under the reports location) and invoke the batch
function (lambda:InvokeFunction on it alone). Nothing else: the role cannot read the uploads
or write thumbnails; the function does that under its own policy.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from urllib.parse import unquote

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from devtools.policy import app_name, batch_function_name
from devtools.stage import PROJECT_DIR, stage_environment

SERVICE = "batchoperations.s3.amazonaws.com"
REPORTS_PREFIX = "batch-reports"  # default reports location: the target bucket, under this


@dataclass(frozen=True)
class S3Location:
    """s3://bucket/prefix (no trailing slash on the prefix)."""

    bucket: str
    prefix: str = ""

    @classmethod
    def parse(cls, url: str) -> S3Location:
        if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
            raise ValueError(f"not an s3://bucket/prefix location: {url!r}")
        bucket, _, prefix = url[5:].partition("/")
        return cls(bucket, prefix.strip("/"))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def objects_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}/{self.key('*')}"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def default_reports(stage: str) -> S3Location:
    return S3Location(stage_environment(stage)["TARGET_BUCKET"], REPORTS_PREFIX)


def role_name(stage: str) -> str:
    return f"{app_name(PROJECT_DIR)}-{stage}-batch-operations"


def function_arn(stage: str, region: str, account: str) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{batch_function_name(stage)}"


def trust_policy(account: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": SERVICE},
            "Action": "sts:AssumeRole",
            # Only jobs of this account may use the role (confused deputy).
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }],
    }


def permissions_policy(stage: str, region: str, account: str, reports: S3Location,
                       inventories: list[S3Location] = ()) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadManifests",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Resource": sorted({location.objects_arn()
                                    for location in [reports, *inventories]}),
            },
            {
                # AWS's own example role policies for Batch Operations grant it on the manifest
                # and report buckets (the bucket's region, for the job's S3 requests).
                "Sid": "LocateManifestAndReportBuckets",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation"],
                "Resource": sorted({f"arn:aws:s3:::{location.bucket}"
                                    for location in [reports, *inventories]}),
            },
            {
                "Sid": "WriteCompletionReports",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": [reports.objects_arn()],
            },
            {
                "Sid": "InvokeBatchFunction",
                "Effect": "Allow",
                "Action": ["lambda:InvokeFunction"],
                "Resource": [function_arn(stage, region, account)],
            },
        ],
    }


def _document(value) -> dict:
    """IAM answers policy documents URL-encoded; boto3 usually decodes them already."""
    return json.loads(unquote(value)) if isinstance(value, str) else value


def ensure_role(iam, name: str, trust: dict, permissions: dict) -> str:
    """'created', 'updated' or 'unchanged'."""
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                        Description="S3 Batch Operations: thumbnailer batch backfill jobs")
        iam.put_role_policy(RoleName=name, PolicyName=name, PolicyDocument=json.dumps(permissions))
        return "created"
    changed = False
    if _document(role["AssumeRolePolicyDocument"]) != trust:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        changed = True
    try:
        current = _document(iam.get_role_policy(RoleName=name, PolicyName=name)["PolicyDocument"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise
        current = None
    if current != permissions:
        iam.put_role_policy(RoleName=name, PolicyName=name, PolicyDocument=json.dumps(permissions))
        changed = True
    return "updated" if changed else "unchanged"


def account_and_region(session=None) -> tuple[str, str]:
    session = session or boto3.session.Session()
    region = session.region_name
    if not region:
        raise ValueError("no AWS region: set AWS_DEFAULT_REGION or the profile's region")
    return session.client("sts").get_caller_identity()["Account"], region


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--reports", help="s3://bucket/prefix for manifests and completion "
                        f"reports (default: the target bucket under {REPORTS_PREFIX}/)")
    parser.add_argument("--inventory", action="append", default=[],
                        help="s3://bucket/prefix of S3 Inventory reports the jobs may read "
                             "(repeatable)")
    args = parser.parse_args()
    try:
        reports = S3Location.parse(args.reports) if args.reports else default_reports(args.stage)
        inventories = [S3Location.parse(url) for url in args.inventory]
        account, region = account_and_region()
        name = role_name(args.stage)
        outcome = ensure_role(boto3.client("iam"), name, trust_policy(account),
                              permissions_policy(args.stage, region, account, reports, inventories))
    except (ValueError, BotoCoreError, ClientError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{name}: {outcome} (arn:aws:iam::{account}:role/{name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
