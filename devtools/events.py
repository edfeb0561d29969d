"""S3 event records shaped exactly as S3 sends them, for tests, benchmarks and backfill.

S3 event notifications URL-encode the key (a space as `+`); EventBridge delivers it raw.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import quote_plus


def s3_record(bucket: str, key: str, size: int, etag: str,
              sequencer: str | None = "0062E99A88DC407460",
              event_name: str = "ObjectCreated:Put") -> dict:
    """One record as S3 sends it: key URL-encoded (space as +), real size and ETag."""
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {
            "x-amz-request-id": hashlib.md5(key.encode()).hexdigest()[:16].upper(),
            "x-amz-id-2": "example/id2",
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "thumbnailer",
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": "A3EXAMPLE"},
                "arn": f"arn:aws:s3:::{bucket}",
            },
            "object": {
                "key": quote_plus(key, safe="/"),
                "size": size,
                "eTag": etag.strip('"'),
                "sequencer": sequencer,
            },
        },
    }
    if sequencer is None:  # not from a real event (backfill): claim no place in S3's order
        del record["s3"]["object"]["sequencer"]
    return record


def removed_record(bucket: str, key: str, version_id: str | None = None,
                   event_name: str = "ObjectRemoved:Delete",
                   sequencer: str = "0062E99A88DC407461") -> dict:
    """An ObjectRemoved record as S3 sends it: no size or eTag; in a versioned bucket the
    versionId of the version deleted or of the delete marker created."""
    record = s3_record(bucket, key, 0, "", sequencer=sequencer, event_name=event_name)
    source = record["s3"]["object"]
    del source["size"], source["eTag"]
    if version_id:
        source["versionId"] = version_id
    return record


# What AWS's Object Deleted samples carry as `etag`: the MD5 of nothing (a delete marker's).
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def eventbridge_event(bucket: str, key: str, size: int | None = None, etag: str | None = None,
                      detail_type: str = "Object Created", reason: str = "PutObject",
                      version_id: str | None = None, deletion_type: str | None = None) -> dict:
    """An Amazon S3 event as EventBridge delivers it on AWS (TRIGGER=eventbridge): the key raw,
    exactly as in the bucket (not URL-encoded as in S3 notifications), `etag`, `reason`. For
    Object Deleted pass no size, and as etag nothing or EMPTY_MD5 (AWS's samples)."""
    source = {"key": key,
              **({"size": size} if size is not None else {}),
              **({"etag": etag.strip('"')} if etag is not None else {}),
              **({"version-id": version_id} if version_id else {}),
              "sequencer": "617f08299329d189"}
    return {
        "version": "0", "id": hashlib.md5(f"{key}{reason}".encode()).hexdigest(),
        "detail-type": detail_type, "source": "aws.s3", "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "us-east-1",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {"version": "0", "bucket": {"name": bucket}, "object": source,
                   "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012",
                   "source-ip-address": "127.0.0.1", "reason": reason,
                   **({"deletion-type": deletion_type} if deletion_type else {})},
    }


def function_url_event(path: str, method: str = "GET") -> dict:
    """A Lambda function URL request as AWS documents it (payload format 2.0, AWS Lambda's
    "Invoking Lambda function URLs"; tests/samples/aws-docs-lambda-function-url-request.json):
    `rawPath` percent-encoded as the client sent it, the method in requestContext.http, and,
    the URL being `AuthType AWS_IAM` (make cdn), the signed caller in requestContext.authorizer.
    A GET or HEAD has no `body`, as in captured events. The caller's identity holds the
    documentation's placeholders (the renditions function reads none of it)."""
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {"host": "abcdefghij.lambda-url.us-east-1.on.aws", "accept": "image/*",
                    "x-forwarded-proto": "https", "user-agent": "test"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abcdefghij", "authentication": None,
            "authorizer": {"iam": {
                "accessKey": "AKIA...", "accountId": "111122223333", "callerId": "AIDA...",
                "cognitoIdentity": None, "principalOrgId": None,
                "userArn": "arn:aws:iam::111122223333:user/example-user", "userId": "AIDA..."}},
            "domainName": "abcdefghij.lambda-url.us-east-1.on.aws", "domainPrefix": "abcdefghij",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "test"},
            "requestId": hashlib.md5(f"{method}{path}".encode()).hexdigest(),
            "routeKey": "$default", "stage": "$default",
            "time": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(datetime.now(UTC).timestamp() * 1000),
        },
        "pathParameters": None, "isBase64Encoded": False, "stageVariables": None,
    }
