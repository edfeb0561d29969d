"""What `make buckets` leaves on a bucket, read back from S3."""

from __future__ import annotations

import json


def tls_deny_statements(s3, bucket: str) -> list[dict]:
    """The bucket policy's statements that deny everything over plain HTTP, to anyone."""
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    arn = f"arn:aws:s3:::{bucket}"
    found = []
    for statement in policy["Statement"]:
        action = statement["Action"]
        actions = action if isinstance(action, list) else [action]
        if (statement["Effect"] == "Deny"
                and statement["Principal"] in ("*", {"AWS": "*"})
                and actions == ["s3:*"]
                and sorted(statement["Resource"]) == [arn, f"{arn}/*"]
                and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}):
            found.append(statement)
    return found


def object_ownership(s3, bucket: str) -> list[str]:
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    return [rule["ObjectOwnership"] for rule in rules]
