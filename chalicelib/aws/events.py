"""What S3 sends: the records of an event, and the upload each record announces.

Two shapes arrive. TRIGGER=s3: an S3 event notification, `Records` of `s3` records. TRIGGER=
eventbridge: one Amazon S3 event from EventBridge (`source` aws.s3, `detail-type` Object Created
or Object Deleted), which is its own single record here; eventbridge_upload reads its `detail`
into the same Upload, so the rest of the pipeline cannot tell the two apart.

The key is the one real difference. S3 event notifications (and S3 Batch Operations tasks, see
chalicelib/pipeline/batch.py) carry it URL-encoded, a space as `+`: it is decoded here. The
EventBridge event carries it raw: captured events keep `:` and `=` as they are where S3
notifications send `%3A` and `%3D`, and decoding it would turn `a+b.jpg` into `a b.jpg` and
`100%25.jpg` into `100%.jpg`, another object. It is used as delivered.

A lifecycle expiration is a removal like a DeleteObject: S3 notifications name it
`LifecycleExpiration:Delete` or `:DeleteMarkerCreated` (a family apart from `ObjectRemoved:*`),
EventBridge says Object Deleted with reason `Lifecycle Expiration`. Both become the same
ObjectRemoved Upload, so delete sync treats every way an upload can go alike in both modes.

Besides real events, S3 sends an `s3:TestEvent` (no Records) when a notification is configured,
and anything can invoke a function with a malformed event. No retry can fix either: they become
PermanentError with a reason, so the handler logs a skip instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.config.keys import supported_extensions, upload_suffixes
from chalicelib.errors import PermanentError

# The event name of an Upload no event announced: rendered like a created object.
CURRENT_OBJECT = "ObjectCreated:Current"


@dataclass(frozen=True)
class Upload:
    """One record's announcement: the object's key as it is in the bucket (decoded where the
    event encodes it), and `event_name` in S3 notification terms, ObjectCreated:* or
    ObjectRemoved:* (a lifecycle expiration included). A removal says nothing about an object
    that exists: its size is 0 and its etag None (AWS's delete events carry the delete marker's
    empty MD5, d41d8cd98f00b204e9800998ecf8427e, which is no upload's ETag)."""

    event_name: str
    bucket: str
    key: str
    size: int
    etag: str | None
    sequencer: str | None
    version_id: str | None

    @property
    def is_creation(self) -> bool:
        return self.event_name.startswith(CREATED_PREFIX)

    @property
    def is_removal(self) -> bool:
        """The upload is gone (deleted, expired, a delete marker put over it): delete sync."""
        return self.event_name.startswith(REMOVED_PREFIX)

    @classmethod
    def current(cls, bucket: str, key: str) -> Upload:
        """Whatever is under `key` now, announced by no event (S3 Batch Operations, a delete
        that finds the key uploaded again): no size, eTag, version or place in S3's order."""
        return cls(event_name=CURRENT_OBJECT, bucket=bucket, key=key, size=0, etag=None,
                   sequencer=None, version_id=None)


CREATED_PREFIX, REMOVED_PREFIX = "ObjectCreated:", "ObjectRemoved:"
# S3 notifications' lifecycle expirations (s3:LifecycleExpiration:*), in ObjectRemoved terms.
_REMOVED_BY_LIFECYCLE = {
    "LifecycleExpiration:Delete": "ObjectRemoved:Delete",
    "LifecycleExpiration:DeleteMarkerCreated": "ObjectRemoved:DeleteMarkerCreated",
}


def records_of(event: Any) -> list:
    """The event's records; PermanentError for an event that announces nothing."""
    if not isinstance(event, dict):
        raise PermanentError(f"event is not a JSON object but {type(event).__name__}")
    if is_eventbridge(event):
        return [event]
    if event.get("Event") == "s3:TestEvent":
        raise PermanentError("s3:TestEvent (S3 sends one when a notification is set up): "
                             "nothing to render")
    records = event.get("Records")
    if not isinstance(records, list) or not records:
        raise PermanentError("event has no Records: not an S3 event notification")
    return records


def upload_of(record: Any) -> Upload:
    """The upload a record announces; PermanentError if the record is not shaped like S3's."""
    if is_eventbridge(record):
        return eventbridge_upload(record)
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
    event_name = str(record.get("eventName") or "")
    return _announced(Upload(
        event_name=_REMOVED_BY_LIFECYCLE.get(event_name, event_name),
        bucket=name,
        key=unquote_plus(key),  # S3 notifications URL-encode it, a space as `+`
        size=size,
        etag=_text(source.get("eTag"), strip='"'),
        sequencer=_text(source.get("sequencer")),
        version_id=_text(source.get("versionId")),
    ))


def _announced(upload: Upload) -> Upload:
    """A removal names no object that exists: no size, no ETag (see Upload)."""
    return replace(upload, size=0, etag=None) if upload.is_removal else upload


def _text(value: Any, strip: str = "") -> str | None:
    text = "" if value is None else str(value).strip(strip)
    return text or None


# --- TRIGGER=eventbridge: Amazon S3 events delivered by EventBridge -----------------------------

EVENTBRIDGE_SOURCE = "aws.s3"
OBJECT_CREATED, OBJECT_DELETED = "Object Created", "Object Deleted"
# detail.reason of an Object Created event -> the S3 notification's eventName.
_CREATED_BY_REASON = {
    "PutObject": "ObjectCreated:Put",
    "POST Object": "ObjectCreated:Post",
    "CopyObject": "ObjectCreated:Copy",
    "CompleteMultipartUpload": "ObjectCreated:CompleteMultipartUpload",
}
DELETE_MARKER_CREATED = "Delete Marker Created"  # detail.deletion-type in a versioned bucket


def eventbridge_pattern(bucket: str, extensions: tuple[str, ...], delete_sync: bool) -> dict:
    """The EventBridge rule's pattern for TRIGGER=eventbridge: Amazon S3's Object Created (and,
    with delete sync, Object Deleted) events for `bucket`, keys ending in any of `extensions`
    (lower case, no dot) in any letter case. The key in the event is raw, as in the bucket, so
    the suffix is matched against the key itself (extensions are letters and digits, which URL
    encoding would leave as they are anyway)."""
    return {
        "source": [EVENTBRIDGE_SOURCE],
        "detail-type": [OBJECT_CREATED, *([OBJECT_DELETED] if delete_sync else [])],
        "detail": {
            "bucket": {"name": [bucket]},
            "object": {"key": [{"suffix": {"equals-ignore-case": f".{extension}"}}
                               for extension in extensions]},
        },
    }


def is_eventbridge(event: Any) -> bool:
    """An event as EventBridge delivers it (an envelope with detail-type), not S3's Records."""
    return isinstance(event, dict) and "detail-type" in event and "Records" not in event


def eventbridge_upload(event: dict) -> Upload:
    """The Upload an Amazon S3 EventBridge event announces, as AWS sends it: the key raw (not
    URL-encoded, unlike S3 notifications: used as delivered), `etag`, `size`, `sequencer`,
    `version-id`, `reason`; Object Deleted carries `deletion-type` and, in AWS's samples, the
    delete marker's empty-MD5 etag, which is dropped. PermanentError for any other event."""
    source, detail_type = event.get("source"), event.get("detail-type")
    if source != EVENTBRIDGE_SOURCE or detail_type not in (OBJECT_CREATED, OBJECT_DELETED):
        raise PermanentError(f"EventBridge event {source!r} {detail_type!r}: not an Amazon S3 "
                             "Object Created or Object Deleted event")
    detail = event.get("detail")
    bucket = detail.get("bucket") if isinstance(detail, dict) else None
    source_object = detail.get("object") if isinstance(detail, dict) else None
    name = bucket.get("name") if isinstance(bucket, dict) else None
    key = source_object.get("key") if isinstance(source_object, dict) else None
    if not (isinstance(name, str) and isinstance(key, str) and key):
        raise PermanentError("EventBridge event has no detail.bucket.name and detail.object.key")
    try:
        size = int(source_object.get("size") or 0)
    except (TypeError, ValueError):
        raise PermanentError(
            f"event's object size is not a number: {source_object['size']!r}") from None
    reason = _text(detail.get("reason")) or ""
    if detail_type == OBJECT_CREATED:
        event_name = _CREATED_BY_REASON.get(reason, f"ObjectCreated:{reason.replace(' ', '')}")
    elif detail.get("deletion-type") == DELETE_MARKER_CREATED:  # DeleteObject or a lifecycle
        event_name = "ObjectRemoved:DeleteMarkerCreated"
    else:  # reason DeleteObject or Lifecycle Expiration: gone either way
        event_name = "ObjectRemoved:Delete"
    return _announced(Upload(
        event_name=event_name,
        bucket=name,
        key=key,  # raw: decoding would turn a `+` or `%25` in the key into another key
        size=size,
        etag=_text(source_object.get("etag"), strip='"'),
        sequencer=_text(source_object.get("sequencer")),
        version_id=_text(source_object.get("version-id")),
    ))


def delivered(key: str, trigger: str) -> bool:
    """Whether the stage's TRIGGER delivers an upload under `key` to the functions: the S3
    mode's literal suffixes, or (eventbridge) every supported extension in any letter case.
    Backfill and S3 Batch Operations render exactly these."""
    if trigger == "eventbridge":
        return key.lower().endswith(tuple(f".{extension}" for extension in supported_extensions()))
    return key.endswith(upload_suffixes())


def delivered_text(trigger: str) -> str:
    """What `delivered` accepts, for a message."""
    if trigger == "eventbridge":
        return " ".join(f".{extension}" for extension in supported_extensions()) + " in any case"
    return " ".join(upload_suffixes())
