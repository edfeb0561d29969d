"""The time an invocation has left, from the Lambda context: refuse a step that cannot finish.

Lambda stops a function at its timeout wherever it is: mid-download, mid-write, before the
record's log line. So every step that can block (an S3 attempt, a retry's back-off, a render)
first asks whether it fits in the time left, keeping a small reserve to log the record and
return. If it does not fit, the step raises OutOfTime, a transient failure: the record is logged
as failed with the reason, the handler raises, and Lambda retries the event with a fresh timeout.

Whether work fits is judged from what it is expected to cost (a render near its measured
median, an AWS call at its typical latency), not from every call's worst case: a 3 s invocation
(AWS's default timeout, and what Chalice's test client always says) has room for what a real
upload needs. A call that stalls is still cut short by its own timeouts (aws/clients.py), which
never outlast the time left, so the log line is written before Lambda's kill.
"""

from __future__ import annotations

import math
from typing import Any

from chalicelib.errors import OutOfTime

# Kept back from every step: logging the record's line and returning or raising takes a few
# milliseconds; the rest is a margin for a slow CPU share (0.6 vCPU at 1024 MB).
REPORT_RESERVE_S = 0.25


class Deadline:
    """Wraps the Lambda context; without one (tooling, backfill) time is unlimited."""

    def __init__(self, context: Any = None):
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        self._remaining_ms = remaining if callable(remaining) else None

    @property
    def limited(self) -> bool:
        return self._remaining_ms is not None

    def remaining(self) -> float:
        """Seconds before Lambda stops the function."""
        return math.inf if self._remaining_ms is None else self._remaining_ms() / 1000

    def usable(self) -> float:
        """Seconds a step may take and still leave the reserve for reporting."""
        return self.remaining() - REPORT_RESERVE_S

    def require(self, seconds: float, step: str) -> None:
        """Raise OutOfTime unless `step`, expected to take `seconds`, fits in the time left."""
        usable = self.usable()
        if usable < seconds:
            raise OutOfTime(
                f"{step} would take about {seconds:.2f} s but only {max(usable, 0.0):.2f} s are "
                f"left (plus {REPORT_RESERVE_S:.2f} s kept to report); retry with a fresh timeout"
            )
