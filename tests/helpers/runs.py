"""The stage's functions run as Lambda runs them, on the events the local S3 sends itself."""

from __future__ import annotations

import json

from devtools import samples
from devtools.stage import lambda_context

LOGGER = "chalicelib.pipeline"  # chalicelib.pipeline.log.LOGGER_NAME
NONE = {"written": 0, "skipped": 0, "deleted": 0}


def run(chalice_app, handler: str, event: dict) -> dict:
    """Call the function as Lambda calls it: app.<handler>(event, context)."""
    return getattr(chalice_app, handler)(event, lambda_context(handler))


def pending(router) -> list[tuple[str, dict]]:
    return list(router.pending_events())


def run_all(chalice_app, events) -> dict:
    totals = dict(NONE)
    for handler, event in events:
        for outcome, count in run(chalice_app, handler, event).items():
            totals[outcome] = totals.get(outcome, 0) + count
    return totals


def photo() -> bytes:
    return samples.jpeg_bytes(samples.photo_like((400, 300)))


def target_keys(s3, bucket) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]
