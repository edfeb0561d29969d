"""One S3 event in, one outcome per record: an upload's outputs written, or deleted with it.

ObjectCreated: parse, guard, back up (only with BACKUP_BUCKET), fetch, render, ask Rekognition
(only with LABELS; a moderation label quarantines), store, log. ObjectRemoved (delete sync,
unless DELETE_OUTPUTS=false): parse, guard, check the upload is still gone, delete its outputs,
log. Either way, with EVENT_BUS set, the processed-image event just before the log line
(chalicelib/processed_event.py).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

from chalicelib.aws import backup
from chalicelib.aws import events
from chalicelib.aws import rekognition as labels
from chalicelib.aws import metrics
from chalicelib.aws import eventbridge as processed_event
from chalicelib.aws import clients as s3_client
from chalicelib.aws import storage
from chalicelib.aws.deadline import Deadline
from chalicelib.errors import PermanentError
from chalicelib.config.outputs import fill_key
from chalicelib.image.render import Limits, OutputRequest, render_outputs
from chalicelib.config.settings import Settings
from chalicelib.pipeline.setup import load_settings

# Not Chalice's app.log (named after the app, ERROR level, plain text): these lines go through
# the root logger, which Lambda's runtime formats and ships with the request id.
logger = logging.getLogger(__name__)
# The runtime leaves the root logger at WARNING; the per-record INFO line matters.
logger.setLevel(logging.INFO)
if os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_"):
    # Lambda's root handler writes "[INFO]\t<time>\t<request id>\t<message>"; CloudWatch
    # extracts metrics (EMF, chalicelib/metrics.py) only from a log event that is a JSON object,
    # so in Lambda the record's line goes to stdout as it is, once.
    _plain = logging.StreamHandler(sys.stdout)
    _plain.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(_plain)
    logger.propagate = False

WRITTEN, SKIPPED, DELETED, FAILED = "written", "skipped", "deleted", "failed"
QUARANTINED = "quarantined"  # moderation (LABELS): no outputs, existing ones deleted
COUNTED = (WRITTEN, SKIPPED, DELETED)  # the handler returns a count of each (and quarantined)
MAX_RENDERS_PER_RECORD = 3
WHITE = (255, 255, 255)


@dataclass
class RecordResult:
    """What happened to one record; logged as one JSON line."""

    bucket: str = ""
    key: str = ""
    outcome: str = FAILED
    reason: str = ""
    thumbnail_key: str = ""  # the first output's (the stage's thumbnail by default)
    source_size: str = ""
    thumbnail_size: str = ""
    outputs: tuple[dict, ...] = ()  # every output written: name, key, size, format, bytes
    deleted: tuple[str, ...] = ()  # every output key deleted (delete sync)
    backup: str = ""  # what the backup copy did (BACKUP_BUCKET); absent from the log when off
    # Rekognition's answers (LABELS): name and confidence of each label / moderation label.
    labels: tuple[dict, ...] = ()
    moderation_labels: tuple[dict, ...] = ()
    labels_key: str = ""  # the sidecar written (LABELS)
    event: str = ""  # what the processed-image event did (EVENT_BUS); absent when off
    # Not logged, for the processed-image event: set once the record is known to be an upload
    # of this stage (our source bucket, an output applies), and the upload actually read.
    upload_of_stage: bool = False
    source_etag: str = ""
    source_version_id: str = ""
    render_ms: float = 0.0  # the render alone, for the RenderMs metric
    bytes_in: int = 0
    bytes_out: int = 0
    ms: float = 0.0
    notes: tuple[str, ...] = ()


class SourceKeepsChanging(Exception):
    """Transient: the upload changed under every render; a retry will find it settled."""


class RecordsFailed(Exception):
    """Raised after every record was tried, so Lambda retries the event."""


def handle_event(event: Any, context: Any = None) -> dict[str, int]:
    """Handle every record of an S3 event; raise if any record failed transiently.

    `context` is Lambda's: its remaining time bounds every S3 attempt and render.
    """
    settings = load_settings()
    deadline = Deadline(context)
    try:
        records = events.records_of(event)
    except PermanentError as nothing_announced:
        _log(_event_skipped(event, nothing_announced.reason), settings.stage)
        return {WRITTEN: 0, SKIPPED: 1, DELETED: 0}
    results: list[RecordResult] = []
    first_error: BaseException | None = None
    for record in records:
        result, error = process_record(record, settings, deadline)
        results.append(result)
        first_error = first_error or error
    if first_error is not None:
        failed = [r for r in results if r.outcome == FAILED]
        raise RecordsFailed(
            f"{len(failed)} record(s) failed, retry the event: {[r.key for r in failed]}; "
            f"first: {failed[0].reason}"
        ) from first_error
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in COUNTED}
    quarantined = sum(r.outcome == QUARANTINED for r in results)
    return {**counts, QUARANTINED: quarantined} if quarantined else counts


def process_record(
    record: dict[str, Any], settings: Settings, deadline: Deadline | None = None
) -> tuple[RecordResult, Exception | None]:
    """Returns the result and, for a transient failure, the exception to re-raise.

    Without a deadline (backfill, tooling) time is unlimited.
    """
    started = time.perf_counter()
    result = RecordResult()
    error: Exception | None = None
    upload: events.Upload | None = None
    try:
        upload = events.upload_of(record)
        result.bucket, result.key = upload.bucket, upload.key
        if upload.event_name.startswith("ObjectRemoved:"):
            result.outcome = _delete_outputs(upload, settings, result, deadline or Deadline())
        else:
            _back_up(upload, settings, result, deadline or Deadline())
            result.outcome = _make_thumbnail(upload, settings, result, deadline or Deadline())
    except PermanentError as permanent:
        result.outcome, result.reason = SKIPPED, permanent.reason
    except Exception as transient:  # noqa: BLE001 - logged here, re-raised by handle_event
        result.outcome = FAILED
        result.reason = f"{type(transient).__name__}: {transient}"
        error = transient
    if settings.event_bus and upload is not None and result.outcome != FAILED:
        try:
            _send_event(upload, settings, result, deadline or Deadline())
        except Exception as transient:  # noqa: BLE001 - the outputs stay; the retry sends it
            result.outcome = FAILED
            result.event = "failed"
            result.reason = f"{type(transient).__name__}: {transient}"
            error = transient
    result.ms = round((time.perf_counter() - started) * 1000, 1)
    _log(result, settings.stage)
    return result, error


def _make_thumbnail(upload: events.Upload, settings: Settings, result: RecordResult,
                    deadline: Deadline) -> str:
    """WRITTEN, or QUARANTINED when moderation (LABELS) flags the upload."""
    if not upload.event_name.startswith("ObjectCreated:"):
        raise PermanentError("not an ObjectCreated or ObjectRemoved event: "
                             f"{upload.event_name or 'no eventName'}")
    _check_bucket(upload, settings)
    outputs = [output for output in settings.outputs if output.applies_to(upload.key)]
    if not outputs:
        raise PermanentError(f"no output of this stage applies to {upload.key!r} (prefixes: "
                             f"{sorted({output.prefix for output in settings.outputs})})")
    result.upload_of_stage = True  # from here on, a skip is about the upload itself
    targets = {output.name: output.key_for(upload.key) for output in outputs}
    result.thumbnail_key = targets[outputs[0].name]
    if upload.size > settings.max_source_bytes:
        raise PermanentError(
            f"object is {upload.size:,} bytes, over the limit of {settings.max_source_bytes:,}"
        )

    requests = [OutputRequest(name=output.name, box=output.size, fit=output.fit,
                              pillow_format=output.pillow_format(upload.key),
                              quality=output.quality, background=output.background or WHITE,
                              effects=output.effects) for output in outputs]
    calls = len(outputs)  # S3 writes, and with LABELS the sidecar and Rekognition's answers
    if settings.labels is not None:
        requests.append(OutputRequest(name=labels.ANALYSIS_NAME, box=labels.ANALYSIS_BOX,
                                      pillow_format="JPEG", quality=labels.ANALYSIS_QUALITY))
        calls += 1 + settings.labels.labels + settings.labels.moderation
    calls += settings.event_bus is not None  # the processed-image event, after the last write
    limits = Limits(max_pixels=settings.max_source_pixels, memory_mb=settings.function_memory_mb)
    for render in range(MAX_RENDERS_PER_RECORD):
        # Whatever is under the key now: a stale event renders the newer upload rather than
        # skip, because its own thumbnail may be the one left behind (a retry after a write
        # whose check below failed); the newer upload's event writes the same thumbnail.
        fetched = storage.fetch_object(s3_client.client_for(deadline), upload.bucket, upload.key,
                                       settings.max_source_bytes)
        result.bytes_in = len(fetched.data)
        result.source_etag, result.source_version_id = fetched.etag, fetched.version_id or ""
        if render == 0 and upload.etag not in (None, fetched.etag):
            result.notes = (*result.notes, "stale event: the upload was replaced since; "
                                           "rendered the current one")
        deadline.require(calls * s3_client.SHORTEST_ATTEMPT_S, "rendering and storing")
        # What is left once every call after the render still fits.
        seconds_left = deadline.usable() - calls * s3_client.SHORTEST_ATTEMPT_S
        render_started = time.perf_counter()
        rendered = render_outputs(fetched.data, requests, replace(limits, seconds_left=seconds_left))
        result.render_ms += (time.perf_counter() - render_started) * 1000
        result.source_size = "{}x{}".format(*rendered.source_size)
        result.notes = (*result.notes, *rendered.notes)
        analysis = _analyse(rendered, settings, result, deadline)
        if analysis is not None and analysis.quarantine_reason:
            _quarantine(upload, fetched, targets, analysis, rendered, settings, result, deadline)
        else:
            _store_outputs(upload, fetched, targets, rendered, settings, result, deadline)
            if analysis is not None:
                _store_sidecar(upload, fetched, analysis, rendered, settings, result, deadline)
        # Newest wins: if the upload was replaced while we worked, a newer upload's event may
        # already have written its outputs, which ours just overwrote. Render the newer one.
        now = storage.current_etag(s3_client.client_for(deadline), upload.bucket, upload.key)
        if now in (fetched.etag, None):
            return QUARANTINED if analysis is not None and analysis.quarantine_reason else WRITTEN
        result.notes = (*result.notes, "replaced while rendering; rendered the newer upload")
    raise SourceKeepsChanging(
        f"{upload.key!r} was replaced {MAX_RENDERS_PER_RECORD} times while rendering"
    )


def _analyse(rendered, settings: Settings, result: RecordResult,
             deadline: Deadline) -> labels.Analysis | None:
    """Rekognition's labels and moderation for the picture rendered for it (LABELS)."""
    if settings.labels is None:
        return None
    image = next(image for image in rendered.images if image.name == labels.ANALYSIS_NAME)
    analysis = labels.analyse(lambda: s3_client.client_for(deadline, "rekognition"), image.data,
                              settings.labels)
    result.labels, result.moderation_labels = analysis.summary()
    if analysis.refused:
        result.notes = (*result.notes, f"labels: {analysis.refused}")
    return analysis


def _quarantine(upload: events.Upload, fetched: storage.SourceObject, targets: dict[str, str],
                analysis: labels.Analysis, rendered, settings: Settings, result: RecordResult,
                deadline: Deadline) -> None:
    """None of the upload's outputs may be served: delete any an earlier upload under the key
    left, write the sidecar that says why. The upload itself stays for a person to review."""
    result.reason, result.thumbnail_key, result.outputs = analysis.quarantine_reason, "", ()
    result.thumbnail_size, result.bytes_out = "", 0
    for key in targets.values():
        storage.delete_output(s3_client.client_for(deadline), settings.target_bucket, key)
    result.deleted = tuple(targets.values())
    _store_sidecar(upload, fetched, analysis, rendered, settings, result, deadline)


def _store_outputs(upload: events.Upload, fetched: storage.SourceObject, targets: dict[str, str],
                   rendered, settings: Settings, result: RecordResult,
                   deadline: Deadline) -> None:
    written = []
    for image in rendered.images:
        if image.name == labels.ANALYSIS_NAME:
            continue
        storage.store_thumbnail(
            s3_client.client_for(deadline),
            settings.target_bucket,
            targets[image.name],
            image.data,
            content_type=image.content_type,
            cache_control=settings.cache_control,
            metadata=_provenance(fetched, upload),
        )
        written.append({"name": image.name, "key": targets[image.name],
                        "size": "{}x{}".format(*image.size), "format": image.format,
                        "bytes": len(image.data)})
    result.outputs = tuple(written)
    result.thumbnail_size = written[0]["size"]
    result.bytes_out = sum(output["bytes"] for output in written)


def _store_sidecar(upload: events.Upload, fetched: storage.SourceObject,
                   analysis: labels.Analysis, rendered, settings: Settings,
                   result: RecordResult, deadline: Deadline) -> None:
    key = fill_key(labels.SIDECAR_TEMPLATE, upload.key, "labels sidecar")
    image = next(image for image in rendered.images if image.name == labels.ANALYSIS_NAME)
    source = {"bucket": upload.bucket, "key": upload.key, "etag": fetched.etag,
              "version_id": fetched.version_id}
    storage.store_thumbnail(
        s3_client.client_for(deadline), settings.target_bucket, key,
        labels.sidecar(analysis, source, image.size), content_type="application/json",
        cache_control=settings.cache_control, metadata=_provenance(fetched, upload),
    )
    result.labels_key = key


def _back_up(upload: events.Upload, settings: Settings, result: RecordResult,
              deadline: Deadline) -> None:
    """Before rendering, so an upload that is no renderable image (a permanent render skip)
    is kept all the same. A replaced or deleted upload is a logged skip of the backup only;
    any other failure raises before rendering, and the retry does both again (idempotent)."""
    if settings.backup_bucket is None or not upload.event_name.startswith("ObjectCreated:"):
        return
    _check_bucket(upload, settings)
    result.backup = backup.copy_upload(
        lambda: s3_client.client_for(deadline), upload.bucket, upload.key, upload.etag,
        upload.size, settings.backup_bucket, settings.backup_storage_class,
    )


def _delete_outputs(upload: events.Upload, settings: Settings, result: RecordResult,
                    deadline: Deadline) -> str:
    """The upload was deleted: delete every output it can have, if the key is still empty.

    Events arrive late, twice and out of order, so the event only says "look": if an object is
    under the key now (uploaded again, whichever event comes first; in a versioned bucket, a
    non-current version was deleted or a delete marker removed), its outputs stay. A delete
    marker makes the key 404, so its outputs go. Deleting a missing output is no error, which
    makes a retried or duplicate event harmless. Newest wins here too: an upload that arrived
    while the outputs were being deleted (its own event may have written its outputs just
    before the deletes) gets its outputs rendered again, and the outcome is `written`.
    """
    _check_bucket(upload, settings)
    if not settings.delete_outputs:
        raise PermanentError("delete sync is off (DELETE_OUTPUTS=false): the outputs stay")
    keys = output_keys(upload.key, settings)
    if not keys:
        raise PermanentError(f"no output of this stage applies to {upload.key!r} (prefixes: "
                             f"{sorted({output.prefix for output in settings.outputs})})")
    if upload.version_id:
        result.notes = (*result.notes, f"event for version {upload.version_id}")
    if storage.current_etag(s3_client.client_for(deadline), upload.bucket, upload.key):
        raise PermanentError("re-uploaded since (or only a non-current version was deleted): "
                             "the key has a current object, whose outputs stay")
    for key in keys:
        storage.delete_output(s3_client.client_for(deadline), settings.target_bucket, key)
        result.deleted = (*result.deleted, key)
    if storage.current_etag(s3_client.client_for(deadline), upload.bucket, upload.key) is None:
        return DELETED
    result.notes = (*result.notes, "re-uploaded while its outputs were deleted; rendered it")
    return _make_thumbnail(replace(upload, event_name="ObjectCreated:Put", size=0, etag=None,
                                   version_id=None, sequencer=None), settings, result, deadline)


def _send_event(upload: events.Upload, settings: Settings, result: RecordResult,
                deadline: Deadline) -> None:
    """The processed-image event of this record, if it sends one (EVENT_BUS)."""
    entry = processed_event.entry_for(result, settings.event_bus, upload.etag, upload.version_id)
    if entry is not None:
        result.event = processed_event.send(s3_client.client_for(deadline, "events"), entry)


def output_keys(upload_key: str, settings: Settings) -> list[str]:
    """Every target key an upload under `upload_key` can have: each output of the stage whose
    prefix matches, whether or not it was written, and with LABELS its sidecar."""
    applying = [output for output in settings.outputs if output.applies_to(upload_key)]
    templates = [(output.key, output.name) for output in applying]
    if applying and settings.labels is not None:
        templates.append((labels.SIDECAR_TEMPLATE, "labels sidecar"))
    keys = []
    for template, name in templates:
        try:
            keys.append(fill_key(template, upload_key, name))
        except PermanentError:
            continue  # a key S3 cannot have (too long): never written, nothing to delete
    return keys


def _check_bucket(upload: events.Upload, settings: Settings) -> None:
    if upload.bucket != settings.source_bucket:
        raise PermanentError(
            f"event for bucket {upload.bucket!r}, this function serves {settings.source_bucket!r}"
        )


def _provenance(fetched: storage.SourceObject, upload: events.Upload) -> dict[str, str]:
    """Which upload the thumbnail was made from, as S3 user metadata (ASCII only): the ETag and
    version actually rendered, and the event's sequencer only if the event announced them."""
    announced = fetched.etag == upload.etag and upload.version_id in (None, fetched.version_id)
    metadata = {
        "source-etag": fetched.etag,
        "source-version-id": fetched.version_id,
        "source-sequencer": upload.sequencer if announced else None,
    }
    return {name: value for name, value in metadata.items() if value and value.isascii()}


def _event_skipped(event: Any, reason: str) -> RecordResult:
    bucket = event.get("Bucket") if isinstance(event, dict) else None  # an s3:TestEvent's
    return RecordResult(bucket=bucket if isinstance(bucket, str) else "", outcome=SKIPPED,
                        reason=reason)


_NOT_LOGGED = ("upload_of_stage", "source_etag", "source_version_id", "render_ms")


def _log(result: RecordResult, stage: str) -> None:
    level = {WRITTEN: logging.INFO, DELETED: logging.INFO, SKIPPED: logging.WARNING,
             QUARANTINED: logging.WARNING}.get(result.outcome, logging.ERROR)
    fields = {name: value for name, value in asdict(result).items()
              if value not in ("", ()) and name not in _NOT_LOGGED}
    fields.update(metrics.emf_members(stage, result.outcome, {
        "Records": 1, "RenderMs": round(result.render_ms, 1), "RecordMs": result.ms,
        "BytesIn": result.bytes_in, "BytesOut": result.bytes_out,
        "OutputsWritten": len(result.outputs),
    }))
    logger.log(level, json.dumps(fields, ensure_ascii=False))
