"""The processed-image event (EVENT_BUS): one Amazon EventBridge event per upload handled.

Off unless EVENT_BUS is set. Consumers (a model endpoint, a search indexer, a CDN purge)
subscribe to it with a rule on the bus instead of changing this code.

Which records send one (`detail_type_for`):

- created records that end `written`: "Image processed";
- created records that end `quarantined`: "Image quarantined";
- created records `skipped` for a reason about the upload itself (not an image, too large,
  deleted since the event...): "Image processed" with outcome `skipped` and the reason, so a
  consumer waiting for every upload hears about it. "About the upload itself" means the record
  was known to be an upload of this stage: our source bucket and at least one output applying to
  its key (`RecordResult.upload_of_stage`);
- removed records that end `deleted`: "Image removed", with the deleted output keys;
- a removed record that finds the key uploaded again and ends `written`: "Image processed".

No event for `failed` records (the record raises; Lambda's retry sends it) nor for skips that
are not about an upload of this stage: malformed records, another bucket, an s3:TestEvent, a
key no output applies to, a delete skipped because the key was re-uploaded or delete sync is
off.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.aws.eventbridge import MAX_ENTRY_BYTES, entry_bytes
from chalicelib.pipeline.result import Outcome, RecordResult

SOURCE = "thumbnailer"
PROCESSED, QUARANTINED, REMOVED = "Image processed", "Image quarantined", "Image removed"


def detail_type_for(result: RecordResult) -> str | None:
    """The event a record's result sends, or None (see the module's docstring)."""
    if result.outcome is Outcome.DELETED:
        return REMOVED
    if not result.upload_of_stage:
        return None
    return {Outcome.WRITTEN: PROCESSED, Outcome.SKIPPED: PROCESSED,
            Outcome.QUARANTINED: QUARANTINED}.get(result.outcome)


def entry_for(result: RecordResult, event_bus: str, event_etag: str | None = None,
              event_version_id: str | None = None) -> dict[str, Any] | None:
    """The PutEvents entry for one record's result, or None when it sends no event.

    `event_etag`/`event_version_id`: the record's announced ones, used when the record
    did not read the upload (a skip before fetching, a delete).
    """
    detail_type = detail_type_for(result)
    if detail_type is None:
        return None
    detail: dict[str, Any] = {"bucket": result.bucket, "key": result.key}
    etag = result.source.etag if result.source else event_etag
    version_id = (result.source.version_id if result.source else None) or event_version_id
    if etag:
        detail["etag"] = etag
    if version_id:
        detail["version_id"] = version_id
    detail["outcome"] = str(result.outcome)
    if result.reason:
        detail["reason"] = result.reason
    detail["outputs"] = [output.summary() for output in result.outputs]
    if detail_type == REMOVED:
        detail["deleted"] = list(result.deleted)
    labels, moderation_labels = result.labels_summary
    if labels:
        detail["labels"] = list(labels)
    if moderation_labels:
        detail["moderation_labels"] = list(moderation_labels)
    if result.labels_key:
        detail["labels_key"] = result.labels_key
    if result.manifest_key:
        detail["manifest_key"] = result.manifest_key
    entry = {
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": _json(detail),
        "Resources": [f"arn:aws:s3:::{result.bucket}/{result.key}"],
        "EventBusName": event_bus,
    }
    if entry_bytes(entry) > MAX_ENTRY_BYTES:
        # Only the label lists can grow long (Rekognition answers up to 1000 labels); every
        # other field is bounded by S3's key length times the stage's outputs. A consumer
        # that needs them reads the sidecar (labels_key).
        dropped = [name for name in ("labels", "moderation_labels") if detail.pop(name, None)]
        detail["labels_dropped"] = (f"{', '.join(dropped)} left out: the event would exceed "
                                    f"EventBridge's {MAX_ENTRY_BYTES // 1024} KB entry limit")
        entry["Detail"] = _json(detail)
        if entry_bytes(entry) > MAX_ENTRY_BYTES:
            raise ValueError(f"event for {result.key!r} is {entry_bytes(entry):,} bytes even "
                             f"without labels, over EventBridge's {MAX_ENTRY_BYTES:,}")
    return entry


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, separators=(",", ":"))
