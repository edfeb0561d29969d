"""`make buckets STAGE=...`: create a stage's two buckets, locked down.

Public access blocked, ACLs disabled (bucket owner enforced), default encryption SSE-S3 (so
the function needs no KMS permissions). Works against AWS with the usual boto3 credentials, or
against the embedded local S3 when AWS_ENDPOINT_URL points at it. Existing buckets you own are
left as they are, apart from the same locking-down.
"""

from __future__ import annotations

import argparse
import sys

import boto3
from botocore.exceptions import ClientError

from devtools.stage import stage_environment


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
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
    })
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                   "BucketKeyEnabled": True}],
    })
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args()
    environment = stage_environment(args.stage)
    s3 = boto3.client("s3")
    for name in ("SOURCE_BUCKET", "TARGET_BUCKET"):
        bucket = environment[name]
        try:
            status = create_locked_down_bucket(s3, bucket)
        except ClientError as error:
            print(f"{name} {bucket}: {error}", file=sys.stderr)
            return 1
        print(f"{name} {bucket}: {status}, public access blocked, SSE-S3 encryption on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
