"""What S3 sends: the records of an event, and the upload each record announces.

Besides real events, S3 sends an `s3:TestEvent` (no Records) when a notification is configured,
and anything can invoke a function with a malformed event. No retry can fix either: they become
PermanentError with a reason, so the handler logs a skip instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.errors import PermanentError


@dataclass(frozen=True)
class Upload:
    """One record's announcement, with the key URL-decoded."""

    event_name: str
    bucket: str
    key: str
    size: int
    etag: str | None
    sequencer: str | None
    version_id: str | None


def records_of(event: Any) -> list:
    """The event's records; PermanentError for an event that announces nothing."""
    if not isinstance(event, dict):
        raise PermanentError(f"event is not a JSON object but {type(event).__name__}")
    if event.get("Event") == "s3:TestEvent":
        raise PermanentError("s3:TestEvent (S3 sends one when a notification is set up): "
                             "nothing to render")
    records = event.get("Records")
    if not isinstance(records, list) or not records:
        raise PermanentError("event has no Records: not an S3 event notification")
    return records


def upload_of(record: Any) -> Upload:
    """The upload a record announces; PermanentError if the record is not shaped like S3's."""
    s3 = record.get("s3") if isinstance(record, dict) else None
    bucket = s3.get("bucket") if isinstance(s3, dict) else None
    source = s3.get("object") if isinstance(s3, dict) else None
    name = bucket.get("name") if isinstance(bucket, dict) else None
    key = source.get("key") if isinstance(source, dict) else None
    if not (isinstance(name, str) and isinstance(key, str) and key):
        raise PermanentError("record has no s3.bucket.name and s3.object.key: not an S3 record")
    try:
        size = int(source.get("size") or 0)
    except (TypeError, ValueError):
        raise PermanentError(f"record's object size is not a number: {source['size']!r}") from None
    return Upload(
        event_name=str(record.get("eventName") or ""),
        bucket=name,
        key=unquote_plus(key),
        size=size,
        etag=_text(source.get("eTag"), strip='"'),
        sequencer=_text(source.get("sequencer")),
        version_id=_text(source.get("versionId")),
    )


def _text(value: Any, strip: str = "") -> str | None:
    text = "" if value is None else str(value).strip(strip)
    return text or None
