"""One event in, one outcome per record: an upload's outputs written, or deleted with it.

For every record: read the upload it announces (aws/events.py), run the created-object flow
(pipeline/record.py) or, for a removal, delete sync (pipeline/delete.py), announce the result
(EVENT_BUS, pipeline/announce.py), log one line (pipeline/log.py). A permanent problem is a
logged skip; a transient one is logged as failed, and the handler raises after every record
was tried, so Lambda retries the event.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from chalicelib.aws import eventbridge, events
from chalicelib.aws.clients import Clients
from chalicelib.aws.deadline import Deadline
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.pipeline import announce
from chalicelib.pipeline.delete import delete_outputs
from chalicelib.pipeline.log import log_record
from chalicelib.pipeline.record import create_outputs
from chalicelib.pipeline.result import COUNTED, Outcome, RecordResult
from chalicelib.pipeline.setup import load_settings


class RecordsFailed(Exception):
    """Raised after every record was tried, so Lambda retries the event."""


def handle_event(event: Any, context: Any = None) -> dict[str, int]:
    """Handle every record of an S3 event (or an EventBridge one); raise if any record failed
    transiently. `context` is Lambda's: its remaining time bounds every call and render."""
    settings = load_settings()
    aws = Clients(Deadline(context))
    try:
        records = events.records_of(event)
    except PermanentError as nothing_announced:
        log_record(_event_skipped(event, nothing_announced.reason), settings.stage)
        return {str(outcome): int(outcome is Outcome.SKIPPED) for outcome in COUNTED}
    results: list[RecordResult] = []
    first_error: BaseException | None = None
    for record in records:
        result, error = process_record(record, settings, aws)
        results.append(result)
        first_error = first_error or error
    if first_error is not None:
        failed = [result for result in results if result.outcome is Outcome.FAILED]
        raise RecordsFailed(
            f"{len(failed)} record(s) failed, retry the event: {[r.key for r in failed]}; "
            f"first: {failed[0].reason}"
        ) from first_error
    counts = {str(outcome): sum(r.outcome is outcome for r in results) for outcome in COUNTED}
    quarantined = sum(r.outcome is Outcome.QUARANTINED for r in results)
    return {**counts, str(Outcome.QUARANTINED): quarantined} if quarantined else counts


def process_record(record: Any, settings: Settings,
                   aws: Clients | None = None) -> tuple[RecordResult, Exception | None]:
    """One record of an event, logged; returns the result and, for a transient failure, the
    exception to re-raise. Without clients (tooling, backfill) time is unlimited."""
    started = time.perf_counter()
    try:
        upload = events.upload_of(record)
    except PermanentError as malformed:
        return _finish(RecordResult(Outcome.SKIPPED, reason=malformed.reason), None, settings,
                       started)
    return process_upload(upload, settings, aws or Clients(), started)


def process_upload(upload: events.Upload, settings: Settings, aws: Clients,
                   started: float | None = None) -> tuple[RecordResult, Exception | None]:
    """The flow for one upload (created or removed), announced and logged; see process_record."""
    started = time.perf_counter() if started is None else started
    error: Exception | None = None
    try:
        if upload.is_removal:
            result = delete_outputs(upload, settings, aws)
        elif upload.is_creation:
            result = create_outputs(upload, settings, aws)
        else:
            raise PermanentError("not an ObjectCreated or ObjectRemoved event: "
                                 f"{upload.event_name or 'no eventName'}")
    except PermanentError as permanent:
        result = RecordResult(Outcome.SKIPPED, bucket=upload.bucket, key=upload.key,
                              reason=permanent.reason)
    except Exception as transient:  # noqa: BLE001 - logged here, re-raised by handle_event
        result, error = _failed(upload, transient), transient
    if settings.event_bus is not None and error is None:
        try:
            result = replace(result, event=announce_result(upload, result, settings, aws))
        except Exception as transient:  # noqa: BLE001 - the outputs stay; the retry sends it
            result, error = replace(_failed(upload, transient), event="failed"), transient
    return _finish(result, error, settings, started)


def announce_result(upload: events.Upload, result: RecordResult, settings: Settings,
                    aws: Clients) -> str:
    """EVENT_BUS: the processed-image event of this record, if it sends one; what was done."""
    entry = announce.entry_for(result, settings.event_bus, upload.etag, upload.version_id)
    return "" if entry is None else eventbridge.send(aws.events, entry)


def _failed(upload: events.Upload, error: Exception) -> RecordResult:
    return RecordResult(Outcome.FAILED, bucket=upload.bucket, key=upload.key,
                        reason=f"{type(error).__name__}: {error}")


def _finish(result: RecordResult, error: Exception | None, settings: Settings,
            started: float) -> tuple[RecordResult, Exception | None]:
    result = replace(result, ms=round((time.perf_counter() - started) * 1000, 1))
    log_record(result, settings.stage)
    return result, error


def _event_skipped(event: Any, reason: str) -> RecordResult:
    bucket = event.get("Bucket") if isinstance(event, dict) else None  # an s3:TestEvent's
    return RecordResult(Outcome.SKIPPED, bucket=bucket if isinstance(bucket, str) else "",
                        reason=reason)
