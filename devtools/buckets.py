"""`make buckets STAGE=...`: create a stage's two buckets (three with BACKUP_BUCKET), locked down.

Public access blocked, ACLs disabled (bucket owner enforced), default encryption SSE-S3 (so
the function needs no KMS permissions), and a bucket policy that denies every request made
without TLS. Works against AWS with the usual boto3 credentials, or against the embedded local
S3 when AWS_ENDPOINT_URL points at it. Existing buckets you own are left as they are, apart from
the same locking-down (a bucket policy they already have keeps its other statements). The backup
bucket also gets versioning (an overwritten or deleted backup stays as a previous version) and
a lifecycle rule that aborts multipart copies left unfinished (the function cannot abort them).
With TRIGGER=eventbridge the source bucket also sends its events to EventBridge
(EventBridgeConfiguration), its other notification rules kept.
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import ClientError

from devtools.stage import stage_environment

TLS_ONLY_SID = "DenyInsecureTransport"


def tls_only_statement(bucket: str, partition: str = "aws") -> dict:
    """Deny s3:* on the bucket and its objects, to anyone, over plain HTTP."""
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Sid": TLS_ONLY_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def with_tls_only(policy: dict | None, bucket: str, partition: str = "aws") -> dict:
    """`policy` (or a new one) with our TLS statement added or replaced, the others kept."""
    policy = dict(policy or {"Version": "2012-10-17"})
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):  # a single statement may be written without a list
        statements = [statements]
    policy["Statement"] = [s for s in statements if s.get("Sid") != TLS_ONLY_SID]
    policy["Statement"].append(tls_only_statement(bucket, partition))
    return policy


def create_locked_down_bucket(s3, bucket: str) -> str:
    region = s3.meta.region_name
    request = {"Bucket": bucket}
    if region and region != "us-east-1":  # S3 rejects us-east-1 as a location constraint
        request["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.head_bucket(Bucket=bucket)
        status = "exists"
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise  # 403: the name is taken by another account
        s3.create_bucket(**request, ObjectOwnership="BucketOwnerEnforced")
        status = "created"
    # Again for a bucket that existed: it may still have ACLs on (ObjectWriter or
    # BucketOwnerPreferred ownership).
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}],
    })
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
    })
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                   "BucketKeyEnabled": True}],
    })
    policy = with_tls_only(_bucket_policy(s3, bucket), bucket, s3.meta.partition)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return status


ABORT_RULE_ID = "AbortUnfinishedBackupCopies"


def add_backup_protections(s3, bucket: str) -> None:
    """Versioning on, and unfinished multipart uploads aborted after a day. A lifecycle
    configuration replaces the bucket's whole one, so a bucket that has one keeps it and gets
    our rule added (or replaced)."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    try:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchLifecycleConfiguration":
            raise
        rules = []
    rules = [rule for rule in rules if rule.get("ID") != ABORT_RULE_ID]
    rules.append({"ID": ABORT_RULE_ID, "Status": "Enabled", "Filter": {"Prefix": ""},
                  "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": rules})


NOTIFICATION_KINDS = ("TopicConfigurations", "QueueConfigurations",
                      "LambdaFunctionConfigurations")


def send_events_to_eventbridge(s3, bucket: str) -> None:
    """Turn on EventBridgeConfiguration for `bucket`, keeping its other notification rules.

    PutBucketNotificationConfiguration replaces the bucket's whole configuration, so the rules
    it has (another consumer's queue, topic or function) are read and written back with it.
    EventBridgeConfiguration itself is always written, never copied from what was read: the
    local S3 (moto 5.2.5) leaves it out of GetBucketNotificationConfiguration, so a plain
    read-modify-write there would silently turn it off."""
    current = s3.get_bucket_notification_configuration(Bucket=bucket)
    configuration = {kind: current[kind] for kind in NOTIFICATION_KINDS if current.get(kind)}
    configuration["EventBridgeConfiguration"] = {}
    s3.put_bucket_notification_configuration(Bucket=bucket,
                                             NotificationConfiguration=configuration)


def _bucket_policy(s3, bucket: str) -> dict | None:
    try:
        return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchBucketPolicy":
            return None
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--trigger", help="s3 or eventbridge (default: the stage's TRIGGER)")
    args = parser.parse_args(argv)
    from chalicelib.config.settings import backup_bucket, trigger

    environment = stage_environment(args.stage)
    if args.trigger:  # `make buckets TRIGGER=eventbridge`
        environment["TRIGGER"] = args.trigger
    eventbridge = trigger(environment) == "eventbridge"
    s3 = boto3.client("s3")
    backup = backup_bucket(environment)  # validated: refused if it names another of the buckets
    names = ("SOURCE_BUCKET", "TARGET_BUCKET", *(("BACKUP_BUCKET",) if backup else ()))
    for name in names:
        bucket = environment[name].strip()
        try:
            status = create_locked_down_bucket(s3, bucket)
            if name == "BACKUP_BUCKET":
                add_backup_protections(s3, bucket)
        except ClientError as error:
            print(f"{name} {bucket}: {error}", file=sys.stderr)
            return 1
        extra = (", versioning on, unfinished multipart copies aborted after a day"
                 if name == "BACKUP_BUCKET" else "")
        if name == "SOURCE_BUCKET" and eventbridge:
            try:
                send_events_to_eventbridge(s3, bucket)
            except ClientError as error:
                print(f"{name} {bucket}: {error}", file=sys.stderr)
                return 1
            extra += ", events sent to EventBridge (other notification rules kept)"
        print(f"{name} {bucket}: {status}, public access blocked, ACLs disabled, "
              f"SSE-S3 encryption on, TLS required{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
