"""Uploads to the local S3 and the function S3 would invoke for them."""

from __future__ import annotations

from devtools.events import s3_record
from devtools.local_s3 import s3_event_sources


def upload(s3_client, bucket: str, key: str, data: bytes) -> dict:
    """Put the object and return the record S3 would send for it."""
    s3_client.put_object(Bucket=bucket, Key=key, Body=data)
    head = s3_client.head_object(Bucket=bucket, Key=key)
    return s3_record(bucket, key, head["ContentLength"], head["ETag"].strip('"'))


def handler_for(chalice_app, key: str) -> str:
    """The function S3 would invoke for `key`: the event source whose filters match it."""
    matches = [
        source.name
        for source in s3_event_sources(chalice_app.app)
        if key.endswith(source.suffix or "") and key.startswith(source.prefix or "")
    ]
    assert len(matches) == 1, f"{key!r} matches {matches}"
    return matches[0]
