"""The S3 edge: fetch the object under a key, store or delete an output, check what is current.

Only outcomes that a retry can never change become PermanentError, each with what the operator
must do about it; everything else raises for Lambda to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.errors import PermanentError

GONE_CODES = _GONE = {"NoSuchKey", "404", "NotFound"}
GONE_REASON = "object no longer exists (deleted since the event)"
# KMS refusals S3 passes through that stay until someone changes the key or its policy; other
# KMS errors (throttling, internal, dependency timeouts) are transient and retried.
_KMS_REFUSALS = {
    "KMS.AccessDeniedException", "KMS.DisabledException", "KMS.KMSInvalidStateException",
    "KMS.NotFoundException", "KMS.InvalidKeyUsageException", "KMS.IncorrectKeyException",
    "KMS.InvalidCiphertextException",
}


@dataclass(frozen=True)
class SourceObject:
    data: bytes
    etag: str  # without quotes, as S3 events carry it
    version_id: str | None = None  # only in a versioned bucket


def fetch_object(client: Any, bucket: str, key: str, max_bytes: int) -> SourceObject:
    """The bytes of the object now under `key`, with the ETag and version they belong to.

    Deliberately not conditional on the event's ETag: a stale event renders the current upload
    (newest wins), and the caller's post-write check catches a replacement during the render.
    """
    try:
        response = client.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        reason = permanent_reason(error)
        if reason:
            raise PermanentError(reason) from None
        raise
    body = response["Body"]
    length = response.get("ContentLength", 0)
    if length > max_bytes:
        body.close()
        raise PermanentError(f"object is {length:,} bytes, over the limit of {max_bytes:,}")
    with body:
        data = body.read()
    version = response.get("VersionId")
    return SourceObject(data=data, etag=response["ETag"].strip('"'),
                        version_id=version if version and version != "null" else None)


def current_etag(client: Any, bucket: str, key: str) -> str | None:
    """The ETag of the object now under `key`, or None once it is deleted."""
    current = current_object(client, bucket, key)
    return current[0] if current else None


def current_object(client: Any, bucket: str, key: str) -> tuple[str, int] | None:
    """The ETag and size of the object now under `key` (one HeadObject), or None once it is
    deleted."""
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if _code(error) in _GONE:
            return None
        raise
    return head["ETag"].strip('"'), int(head.get("ContentLength") or 0)


def made_from(client: Any, bucket: str, key: str) -> str | None:
    """The source ETag an output records in its metadata (`source-etag`), or None when there is
    no such output. The function may read only its outputs' keys and not list the target
    bucket, so S3 answers 403 rather than 404 for a missing one: both mean "none" here."""
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if _missing_output(error):
            return None
        raise
    return head.get("Metadata", {}).get("source-etag")


def read_output(client: Any, bucket: str, key: str) -> bytes | None:
    """An object the function itself wrote (a labels sidecar), or None when there is none
    (403 or 404: without ListBucket on the target S3 answers 403 for a missing key)."""
    try:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if _missing_output(error):
            return None
        raise


def store_object(
    client: Any, bucket: str, key: str, data: bytes, content_type: str, cache_control: str,
    metadata: dict[str, str],
) -> None:
    """One PutObject: an output or a sidecar, with its headers and provenance metadata."""
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=data,
        ContentType=content_type,
        CacheControl=cache_control,
        Metadata=metadata,
    )


def delete_output(client: Any, bucket: str, key: str) -> None:
    """One DeleteObject: S3 answers 204 whether or not the key exists, so a retried delete or
    an output that was never written is no error. (DeleteObject, not DeleteObjects: the role
    may delete only the outputs' key patterns, and a per-key call fails loudly if it may not.)"""
    client.delete_object(Bucket=bucket, Key=key)


def permanent_reason(error: ClientError) -> str | None:
    """Why reading the object can never work as things stand, or None if a retry might."""
    code = _code(error)
    details = error.response.get("Error", {})
    message = str(details.get("Message", ""))
    if code in _GONE:
        return GONE_REASON
    if code == "InvalidObjectState":  # GLACIER, DEEP_ARCHIVE, Intelligent-Tiering archive tiers
        where = details.get("AccessTier") or details.get("StorageClass") or "an archive"
        return (f"object is archived ({where}) and cannot be read until restored: restore it "
                "(S3 RestoreObject), then run the backfill for it")
    if code == "InvalidRequest" and "server side encryption" in message.lower():
        return ("object is encrypted with a customer-provided key (SSE-C), which this function "
                "cannot read: upload it with SSE-S3 or SSE-KMS instead")
    if code in _KMS_REFUSALS or (code == "AccessDenied" and _mentions_kms(message)):
        return (f"object's KMS key refused the function ({code}: {message}): grant the "
                "function's role kms:Decrypt on that key and check the key is enabled")
    return None


def _mentions_kms(message: str) -> bool:
    lowered = message.lower()
    return "kms" in lowered or "customer master key" in lowered


def _missing_output(error: ClientError) -> bool:
    """No such output: 404, or 403 from a function that may read the key but not list."""
    return _code(error) in _GONE or _code(error) in ("403", "AccessDenied")


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
