"""Outputs made on request: the `renditions` function, behind a Lambda function URL.

The request's path is the output's key in the target bucket, so a precomputed output and an
on-request one have URLs alike. CloudFront asks the target bucket first and this function only
on a miss; what it makes it stores, so the next request never reaches it:

    find      which declared output makes this key (`when = "request"`), and from which upload
              (its key template read backwards; a LIST when the extension is not in the key)
    check     (LABELS moderation) the upload's sidecar: a quarantined upload is served nothing
    make      fetch, render that one output, store, verify: the created flow's own steps
    answer    200 with the image (base64), or a JSON reason: 404 (nothing makes this key, no
              such upload: short negative caching), 403 quarantined, 405 not GET/HEAD, 413 over
              what Lambda can return, 422 the upload is no renderable image, 503 retry

Only declared outputs are made, never free-form sizes: nothing can make the function render
work nobody declared, so URLs need no signatures. One JSON log line per request, as for events.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from chalicelib.aws import storage
from chalicelib.aws.clients import Clients
from chalicelib.aws.deadline import Deadline
from chalicelib.aws.events import Upload
from chalicelib.config.labels import SIDECAR_TEMPLATE
from chalicelib.config.outputs import Output, fill_key
from chalicelib.config.reverse import source_of
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.pipeline.log import log_record
from chalicelib.pipeline.record import make_outputs, plan_outputs
from chalicelib.pipeline.result import Outcome, RecordResult
from chalicelib.pipeline.setup import load_settings

# Lambda's limit on a buffered response: the whole JSON payload, base64 body included.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024
# Room for the payload's JSON and headers beside the base64 body.
RESPONSE_OVERHEAD_BYTES = 8 * 1024
# A miss that may change soon (an upload on its way): cached briefly, not for the day.
NEGATIVE_CACHE_CONTROL = "public, max-age=60"
RETRY_AFTER_S = 5


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    base64: bool = False

    def payload(self, head: bool) -> dict[str, Any]:
        """The function URL's response (payload format 2.0); HEAD gets the headers only."""
        body = b"" if head else self.body
        return {"statusCode": self.status, "headers": self.headers,
                "isBase64Encoded": self.base64 and bool(body),
                "body": base64.b64encode(body).decode("ascii") if self.base64 else
                body.decode("utf-8")}


class NotServed(Exception):
    """The request gets a JSON reason with `status`; logged as a skip (or a failure, 5xx)."""

    def __init__(self, status: int, reason: str, upload_key: str = ""):
        super().__init__(reason)
        self.status, self.reason, self.upload_key = status, reason, upload_key


def handle_request(event: Any, context: Any = None) -> dict[str, Any]:
    """One function URL request (payload format 2.0) in, one response out; never raises."""
    settings = load_settings()
    aws = Clients(Deadline(context))
    started = time.perf_counter()
    method, output_key = _request_line(event)
    result = RecordResult(Outcome.SKIPPED, bucket=settings.source_bucket,
                          notes=(f"{method} /{output_key}",))
    try:
        if method not in ("GET", "HEAD"):
            raise NotServed(405, f"{method} is not served: GET or HEAD")
        result, answer = _serve(output_key, settings, aws)
    except NotServed as refused:
        answer = _reason(refused.status, refused.reason)
        if refused.status == 405:
            answer.headers["Allow"] = "GET, HEAD"
        if refused.status == 503:
            answer.headers["Retry-After"] = str(RETRY_AFTER_S)
        outcome = Outcome.FAILED if refused.status >= 500 else Outcome.SKIPPED
        result = replace(result, outcome=outcome, key=refused.upload_key, reason=refused.reason)
    except Exception as transient:  # noqa: BLE001 - logged, answered 503: the client retries
        answer = _reason(503, f"{type(transient).__name__}: {transient}")
        answer.headers["Retry-After"] = str(RETRY_AFTER_S)
        result = replace(result, outcome=Outcome.FAILED,
                         reason=f"{type(transient).__name__}: {transient}")
    log_record(replace(result, ms=round((time.perf_counter() - started) * 1000, 1)),
               settings.stage)
    return answer.payload(head=method == "HEAD")


def _serve(output_key: str, settings: Settings, aws: Clients) -> tuple[RecordResult, Answer]:
    output, upload_key = find_upload(output_key, settings, aws)
    _check_moderation(upload_key, settings, aws)
    upload = Upload.current(settings.source_bucket, upload_key)
    plan = plan_outputs(upload, settings, [output], analyse=False)
    try:
        made, rendered = make_outputs(upload, plan, settings, aws)
    except PermanentError as never_possible:  # e.g. over the size limit from the event's size
        raise NotServed(422, never_possible.reason, upload_key) from None
    made = replace(made, bucket=upload.bucket, key=upload_key,
                   notes=(f"made on request for {output_key}", *made.notes))
    if rendered is None:
        raise NotServed(422, made.reason, upload_key)
    [image] = rendered.images
    headers = {"Content-Type": image.content_type, "Cache-Control": settings.cache_control}
    if 4 * -(-len(image.data) // 3) + RESPONSE_OVERHEAD_BYTES > MAX_RESPONSE_BYTES:
        raise NotServed(413, (
            f"{output_key} is {len(image.data):,} bytes, over what Lambda can return (6 MB "
            "base64-encoded); it is stored in the target bucket, which serves it from now on"),
            upload_key)
    return made, Answer(200, headers, image.data, base64=True)


def find_upload(output_key: str, settings: Settings, aws: Clients) -> tuple[Output, str]:
    """The output made on request that makes `output_key`, and the key of the upload it is
    made from. NotServed(404) when no declared output makes this key or no upload is there."""
    if not output_key:
        raise NotServed(404, "no key: the path is the key of an output in the target bucket")
    matched = [(output, source) for output in settings.outputs
               if (source := source_of(output.key, output_key)) is not None]
    on_request = [(output, source) for output, source in matched if output.on_request]
    if not on_request:
        if matched:
            raise NotServed(404, f"{output_key!r} is made on upload ({matched[0][0].name}), not "
                                 "on request: not made yet, or its upload is no image")
        raise NotServed(404, f"no output of this stage makes {output_key!r}")
    for output, source in on_request:
        for upload_key in _uploads(source, settings, aws):
            if output.applies_to(upload_key) and output.key_for(upload_key) == output_key:
                return output, upload_key
    raise NotServed(404, f"no upload in {settings.source_bucket} makes {output_key!r} "
                         f"({', '.join(output.name for output, _ in on_request)})")


def _uploads(source, settings: Settings, aws: Clients) -> list[str]:
    """The upload keys `source` can be, newest first: its key if that object exists, or every
    upload under its prefix (uploads differing only by extension share such outputs, and the
    last one uploaded wins, as on upload)."""
    if source.key is not None:
        return [source.key] if storage.current_etag(aws.s3, settings.source_bucket,
                                                     source.key) else []
    listed = aws.s3.list_objects_v2(Bucket=settings.source_bucket, Prefix=source.prefix,
                                    MaxKeys=100).get("Contents", [])
    candidates = [item for item in listed if source.accepts(item["Key"])]
    return [item["Key"] for item in sorted(candidates, key=lambda item: item["LastModified"],
                                           reverse=True)]


def _check_moderation(upload_key: str, settings: Settings, aws: Clients) -> None:
    """With moderation on, a quarantined upload is served nothing, on request as on upload:
    its sidecar says so. No sidecar yet: its upload event has not run; ask again soon."""
    if settings.labels is None or not settings.labels.moderation:
        return
    key = fill_key(SIDECAR_TEMPLATE, upload_key, "labels sidecar")
    sidecar = storage.read_output(aws.s3, settings.target_bucket, key)
    if sidecar is None:
        raise NotServed(503, f"{upload_key!r} has not been through moderation yet", upload_key)
    document = json.loads(sidecar)
    if document.get("quarantined"):
        raise NotServed(403, f"quarantined: {document.get('reason', '')}", upload_key)


def _request_line(event: Any) -> tuple[str, str]:
    """The method and the output key (the path, percent-decoded, without its leading "/")."""
    event = event if isinstance(event, dict) else {}
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method") or "GET").upper()
    return method, unquote(str(event.get("rawPath") or "")).removeprefix("/")


def _reason(status: int, reason: str) -> Answer:
    headers = {"Content-Type": "application/json", "Cache-Control": NEGATIVE_CACHE_CONTROL
               if status == 404 else "no-store"}
    return Answer(status, headers, json.dumps({"reason": reason}).encode("utf-8"))
