"""`make buckets`: ACLs disabled and TLS required on new and pre-existing buckets alike, checked
against the local S3; the bucket policy is lint-clean for parliament too."""

from __future__ import annotations

import json
import warnings

import boto3
import pytest

from devtools import buckets
from devtools.buckets import create_locked_down_bucket
from tests.helpers.buckets import object_ownership, tls_deny_statements


def test_new_bucket_gets_acls_disabled_and_a_tls_only_policy(s3_endpoint):
    s3 = boto3.client("s3")
    assert create_locked_down_bucket(s3, "tls-only-new") == "created"
    assert object_ownership(s3, "tls-only-new") == ["BucketOwnerEnforced"]
    assert len(tls_deny_statements(s3, "tls-only-new")) == 1


def test_existing_bucket_is_locked_down_too_and_keeps_its_own_statements(s3_endpoint):
    s3 = boto3.client("s3")
    bucket = "tls-only-existing"
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    theirs = {"Sid": "TheirsReadLogs", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
              "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/logs/*"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [theirs]}))
    assert object_ownership(s3, bucket) == ["ObjectWriter"]

    assert create_locked_down_bucket(s3, bucket) == "exists"
    assert create_locked_down_bucket(s3, bucket) == "exists"  # a second run adds nothing

    assert object_ownership(s3, bucket) == ["BucketOwnerEnforced"]
    assert len(tls_deny_statements(s3, bucket)) == 1
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert theirs in statements and len(statements) == 2


def test_make_buckets_locks_down_each_of_the_stages_buckets(s3, stage_env, capsys):
    source, target = stage_env["SOURCE_BUCKET"], stage_env["TARGET_BUCKET"]
    s3.delete_bucket(Bucket=target)  # one bucket there already, one to create

    assert buckets.main(["--stage", "dev"]) == 0

    out = capsys.readouterr().out
    assert f"SOURCE_BUCKET {source}: exists" in out and f"TARGET_BUCKET {target}: created" in out
    for bucket in (source, target):
        assert object_ownership(s3, bucket) == ["BucketOwnerEnforced"]
        assert len(tls_deny_statements(s3, bucket)) == 1  # its own ARN, not the other bucket's


@pytest.mark.parametrize("bucket", ["thumbnailer-dev-source", "thumbnailer-prod-thumbnails"])
def test_bucket_policy_is_lint_clean(bucket):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # parliament imports the deprecated pkg_resources
        from parliament import analyze_policy_string
    policy = buckets.with_tls_only(None, bucket)
    findings = analyze_policy_string(json.dumps(policy)).findings
    assert [str(finding) for finding in findings] == []
