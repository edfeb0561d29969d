"""The S3 edge: fetch the object under a key, store a thumbnail, check what is current.

Only outcomes that a retry can never change become PermanentError, each with what the operator
must do about it; everything else raises for Lambda to retry.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.errors import PermanentError

# botocore's standard retry mode backs off on throttling (503 SlowDown), 5xx and connection
# errors; after these attempts the error reaches the handler, which raises for Lambda to retry.
S3_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 4},
    connect_timeout=5,
    read_timeout=20,
)

_GONE = {"NoSuchKey", "404", "NotFound"}
# KMS refusals S3 passes through that stay until someone changes the key or its policy; other
# KMS errors (throttling, internal, dependency timeouts) are transient and retried.
_KMS_REFUSALS = {
    "KMS.AccessDeniedException", "KMS.DisabledException", "KMS.KMSInvalidStateException",
    "KMS.NotFoundException", "KMS.InvalidKeyUsageException", "KMS.IncorrectKeyException",
    "KMS.InvalidCiphertextException",
}
# Environment that decides which client we need; tests and the local loop switch endpoints and
# credentials between invocations, Lambda never does.
_CLIENT_ENV = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION",
               "AWS_ACCESS_KEY_ID", "AWS_PROFILE")


def s3_client():
    """One client per process (per environment), reused across invocations."""
    return _client_for(tuple(os.environ.get(name) for name in _CLIENT_ENV))


@functools.lru_cache(maxsize=8)
def _client_for(_environment: tuple) -> object:
    # A session of its own: boto3's default session would keep the first credentials it found.
    return boto3.session.Session().client("s3", config=S3_CONFIG)


@dataclass(frozen=True)
class SourceObject:
    data: bytes
    etag: str  # without quotes, as S3 events carry it
    version_id: str | None = None  # only in a versioned bucket


def fetch_object(bucket: str, key: str, max_bytes: int) -> SourceObject:
    """The bytes of the object now under `key`, with the ETag and version they belong to.

    Deliberately not conditional on the event's ETag: a stale event renders the current upload
    (newest wins), and the caller's post-write check catches a replacement during the render.
    """
    try:
        response = s3_client().get_object(Bucket=bucket, Key=key)
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


def current_etag(bucket: str, key: str) -> str | None:
    """The ETag of the object now under `key`, or None once it is deleted."""
    try:
        return s3_client().head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
    except ClientError as error:
        if _code(error) in _GONE:
            return None
        raise


def store_thumbnail(
    bucket: str, key: str, data: bytes, content_type: str, cache_control: str,
    metadata: dict[str, str],
) -> None:
    s3_client().put_object(
        Bucket=bucket,
        Key=key,
        Body=data,
        ContentType=content_type,
        CacheControl=cache_control,
        Metadata=metadata,
    )


def permanent_reason(error: ClientError) -> str | None:
    """Why reading the object can never work as things stand, or None if a retry might."""
    code = _code(error)
    details = error.response.get("Error", {})
    message = str(details.get("Message", ""))
    if code in _GONE:
        return "object no longer exists (deleted since the event)"
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


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
