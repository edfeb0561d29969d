"""Backup copy (BACKUP_BUCKET): each upload copied server-side to the backup bucket, same key.

Exactly the announced upload: every copy request carries CopySourceIfMatch with the event's
eTag, so an upload replaced since its event is not copied by that event (the newer upload's own
event copies it). Metadata, Content-Type and the object's tags are kept; the copy gets the
stage's storage class. Up to 5 GB one CopyObject does it (TaggingDirective COPY, its default);
larger objects are copied in parts (UploadPartCopy), which copies no tags, so the source's tags
are read (GetObjectTagging) and given to CreateMultipartUpload. Either way the function needs
s3:PutObject and s3:PutObjectTagging on the backup bucket and s3:GetObjectTagging on the
uploads: for a tagged upload S3 refuses the copy without them (devtools/policy.py grants them
with BACKUP_BUCKET). A copy that fails half-way leaves its parts for the bucket's lifecycle rule
(`make buckets`) to abort: the function has no s3:AbortMultipartUpload, and a timed-out function
could not abort anyway.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote, urlencode

from botocore.exceptions import ClientError

from chalicelib.aws import storage

MULTIPART_THRESHOLD = 5 * 1024**3  # CopyObject's own limit: larger objects are copied in parts
PART_SIZE = 512 * 1024**2  # at least; S3 allows 5 MiB to 5 GiB per part, 10,000 parts
MAX_PARTS = 10_000
COPIED = "copied"
REPLACED = "skipped: replaced since the event"
GONE = "skipped: deleted since the event"
# Headers that CopyObject's MetadataDirective COPY keeps and a multipart upload must be given.
_KEPT_HEADERS = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding",
                 "ContentLanguage", "Metadata")


class _Replaced(Exception):
    pass


def copy_upload(clients: Any, bucket: str, key: str, etag: str, size: int,
                backup_bucket: str, storage_class: str) -> str:
    """Copy the upload announced with `etag` to `backup_bucket`; what happened, for the log.

    `clients`: the invocation's aws.clients.Clients (its `s3` client per call). A replaced or
    deleted upload is a skip; any other error raises, and the retried event copies again (a
    copy of the same bytes to the same key is idempotent).
    """
    etag = f'"{etag}"'  # quoted, the entity-tag form of If-Match headers (RFC 9110)
    try:
        if size > MULTIPART_THRESHOLD:
            parts = _copy_in_parts(clients, bucket, key, etag, size, backup_bucket,
                                   storage_class)
            return f"{COPIED} in {parts} parts"
        clients.s3.copy_object(
            Bucket=backup_bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
            CopySourceIfMatch=etag, MetadataDirective="COPY", StorageClass=storage_class,
        )
        return COPIED
    except _Replaced:
        return REPLACED
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("PreconditionFailed", "412"):
            return REPLACED
        if code in storage.GONE_CODES:
            return GONE
        raise


def _copy_in_parts(clients: Any, bucket: str, key: str, etag: str, size: int,
                   backup_bucket: str, storage_class: str) -> int:
    head = clients.s3.head_object(Bucket=bucket, Key=key, IfMatch=etag)
    if head["ETag"] != etag:
        raise _Replaced
    kept = {name: head[name] for name in _KEPT_HEADERS if head.get(name)}
    tags = clients.s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    if tags:  # what CopyObject's TaggingDirective COPY would have kept
        kept["Tagging"] = urlencode([(tag["Key"], tag["Value"]) for tag in tags], quote_via=quote)
    upload_id = clients.s3.create_multipart_upload(
        Bucket=backup_bucket, Key=key, StorageClass=storage_class, **kept)["UploadId"]
    part_size = max(PART_SIZE, math.ceil(size / MAX_PARTS))
    parts = []
    for number, start in enumerate(range(0, size, part_size), start=1):
        end = min(start + part_size, size) - 1
        copied = clients.s3.upload_part_copy(
            Bucket=backup_bucket, Key=key, UploadId=upload_id, PartNumber=number,
            CopySource={"Bucket": bucket, "Key": key}, CopySourceIfMatch=etag,
            CopySourceRange=f"bytes={start}-{end}",
        )
        parts.append({"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]})
    clients.s3.complete_multipart_upload(
        Bucket=backup_bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    return len(parts)
