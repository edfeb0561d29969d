"""One JSON line per record, with its CloudWatch metrics (EMF) in the same line.

Not Chalice's app.log (named after the app, ERROR level, plain text): these lines go through
the root logger, which Lambda's runtime formats and ships with the request id. In Lambda
(AWS_EXECUTION_ENV) the line goes to stdout as it is, once: the runtime's handler writes
"[INFO]\t<time>\t<request id>\t<message>", and CloudWatch extracts metrics only from a log event
that is a JSON object.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from chalicelib.aws import metrics
from chalicelib.pipeline.result import Outcome, RecordResult

LOGGER_NAME = "chalicelib.pipeline"
logger = logging.getLogger(LOGGER_NAME)
# The runtime leaves the root logger at WARNING; the per-record INFO line matters.
logger.setLevel(logging.INFO)
if os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_"):
    _plain = logging.StreamHandler(sys.stdout)
    _plain.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(_plain)
    logger.propagate = False

_LEVELS = {Outcome.WRITTEN: logging.INFO, Outcome.DELETED: logging.INFO,
           Outcome.SKIPPED: logging.WARNING, Outcome.QUARANTINED: logging.WARNING,
           Outcome.FAILED: logging.ERROR}


def log_record(result: RecordResult, stage: str) -> None:
    fields = result.log_fields()
    fields.update(metrics.emf_members(stage, str(result.outcome), {
        "Records": 1, "RenderMs": round(result.render_ms, 1), "RecordMs": result.ms,
        "BytesIn": fields["bytes_in"], "BytesOut": fields["bytes_out"],
        "OutputsWritten": len(result.outputs),
    }))
    logger.log(_LEVELS[result.outcome], json.dumps(fields, ensure_ascii=False))
