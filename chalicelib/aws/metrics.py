"""CloudWatch metrics from the record's own log line: Embedded Metric Format (EMF).

CloudWatch Logs turns a log event that is a JSON object with an `_aws` member into metrics, so
the numbers cost no API call and no permission. A few lines by hand rather than a library
(aws-embedded-metrics, Powertools): either would have to travel in the function's package for
what is one dict; tests/test_metrics.py checks the structure against the EMF specification.

Namespace `Thumbnailer`, one dimension set: the stage and the record's outcome. Per record:
Records (1), RenderMs (the render alone; 0 when nothing was rendered), RecordMs (the whole
record), BytesIn, BytesOut, OutputsWritten.
"""

from __future__ import annotations

import time
from typing import Any

NAMESPACE = "Thumbnailer"
DIMENSIONS = ("Stage", "Outcome")
UNITS = {"Records": "Count", "RenderMs": "Milliseconds", "RecordMs": "Milliseconds",
         "BytesIn": "Bytes", "BytesOut": "Bytes", "OutputsWritten": "Count"}


def emf_members(stage: str, outcome: str, values: dict[str, float],
                timestamp_ms: int | None = None) -> dict[str, Any]:
    """The members to add to a JSON log line so that CloudWatch extracts `values` as metrics."""
    missing = set(UNITS) - set(values)
    if missing:
        raise ValueError(f"metric values missing: {sorted(missing)}")
    return {
        "_aws": {
            "Timestamp": int(time.time() * 1000) if timestamp_ms is None else timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [list(DIMENSIONS)],
                "Metrics": [{"Name": name, "Unit": unit} for name, unit in UNITS.items()],
            }],
        },
        "Stage": stage,
        "Outcome": outcome,
        **{name: values[name] for name in UNITS},
    }
