"""S3 Batch Operations (LambdaInvoke): each task's object through the same per-record pipeline.

S3 Batch Operations invokes the function synchronously with one or more tasks (schema 1.0:
`s3BucketArn`; schema 2.0: `s3Bucket` and `job.userArguments`) and expects one result per task:

- `Succeeded`: written (`written: <first output key>`), quarantined (LABELS moderation), or
  nothing to do (`skipped: ...`): the key is not an upload the event handlers would get (S3
  filters those by suffix), no output of the stage applies to it, or the object was deleted
  since the manifest was made (its delete event removes its outputs; Batch never deletes).
- `PermanentFailure`: what a retry can never change: not an image, corrupt, over a limit,
  archived, SSE-C, a KMS key refused, another bucket than the stage's source, a malformed task.
- `TemporaryFailure`: what the event handlers leave for Lambda to retry (throttling, 5xx,
  timeouts, OutOfTime, a missing target bucket, AccessDenied): Batch retries these.

Keys in tasks are URL-encoded, as in the CSV manifest (AWS's own example decodes them with
`unquote_plus`). Each task becomes an Upload of whatever is under its key now
(`Upload.current`): `s3VersionId` is not used, newest wins, as for events. "Up to date"
is not decided here: the function may not read the target bucket (the same policy as the event
handlers), so `make batch-backfill` leaves up-to-date uploads out of the manifest instead.
`job.userArguments` are accepted and ignored: settings come from the function's environment
only, so no job can make it write keys its policy was not generated for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from chalicelib.aws import events
from chalicelib.aws.clients import Clients
from chalicelib.aws.deadline import Deadline
from chalicelib.aws.storage import GONE_REASON
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.pipeline.handler import process_upload
from chalicelib.pipeline.result import Outcome
from chalicelib.pipeline.setup import load_settings

SUCCEEDED, TEMPORARY, PERMANENT = "Succeeded", "TemporaryFailure", "PermanentFailure"
MAX_RESULT_STRING = 256  # one line of the completion report, not a log


def handle_batch(event: Any, context: Any = None) -> dict:
    """One result per task, in the order of the tasks; never raises for a task."""
    event = event if isinstance(event, dict) else {}
    version = str(event.get("invocationSchemaVersion") or "1.0")
    tasks = event.get("tasks") if isinstance(event.get("tasks"), list) else []
    settings = load_settings()
    aws = Clients(Deadline(context))
    return {
        "invocationSchemaVersion": version,
        "treatMissingKeysAs": PERMANENT,
        "invocationId": event.get("invocationId"),
        "results": [_result(task, settings, aws) for task in tasks],
    }


def _result(task: Any, settings: Settings, aws: Clients) -> dict:
    task_id = task.get("taskId") if isinstance(task, dict) else None
    code, text = _run(task, settings, aws)
    if len(text) > MAX_RESULT_STRING:
        text = text[:MAX_RESULT_STRING - 3] + "..."
    return {"taskId": task_id, "resultCode": code, "resultString": text}


def _run(task: Any, settings: Settings, aws: Clients) -> tuple[str, str]:
    try:
        bucket, encoded_key = _object_of(task)
    except PermanentError as malformed:
        return PERMANENT, malformed.reason
    key = unquote_plus(encoded_key)
    if not events.delivered(key, settings.trigger):
        return SUCCEEDED, (f"skipped: not an upload the functions handle (suffixes: "
                           f"{events.delivered_text(settings.trigger)})")
    if not any(output.applies_to(key) for output in settings.outputs):
        return SUCCEEDED, "skipped: no output of this stage applies to this key"
    result, _transient = process_upload(events.Upload.current(bucket, key), settings, aws)
    backed_up = f"; backup {result.backup}" if result.backup else ""
    if result.outcome is Outcome.WRITTEN:
        more = len(result.outputs) - 1
        return SUCCEEDED, (f"written: {result.outputs[0].key}" + (f" (+{more})" if more > 0 else "")
                           + backed_up)
    if result.outcome is Outcome.QUARANTINED:
        return SUCCEEDED, f"quarantined: {result.reason}{backed_up}"
    if result.outcome is Outcome.SKIPPED and result.reason == GONE_REASON:
        return SUCCEEDED, "skipped: deleted since the manifest was made"
    if result.outcome is Outcome.SKIPPED:
        return PERMANENT, result.reason + backed_up
    if result.outcome is Outcome.FAILED:
        return TEMPORARY, result.reason
    return PERMANENT, f"unexpected outcome {result.outcome}: {result.reason}"


def _object_of(task: Any) -> tuple[str, str]:
    """(bucket, URL-encoded key) of a schema 1.0 or 2.0 task. Schema 1.0's `s3BucketArn` comes
    as `arn:aws:s3:::<bucket>` and, in the S3 user guide's example, with region and account,
    `arn:aws:s3:<region>:<account>:<bucket>`: the bucket is the ARN's resource either way."""
    if not isinstance(task, dict):
        raise PermanentError("task is not a JSON object")
    bucket = task.get("s3Bucket")
    arn = task.get("s3BucketArn")
    if not bucket and isinstance(arn, str):
        # arn:<partition>:s3:<region>:<account>:<bucket>; an access point's resource has a "/"
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[0] == "arn" and parts[2] == "s3" and "/" not in parts[5]:
            bucket = parts[5]
    key = task.get("s3Key")
    if not (isinstance(bucket, str) and bucket and isinstance(key, str) and key):
        raise PermanentError("task has no s3Bucket/s3BucketArn and s3Key")
    return bucket, key
