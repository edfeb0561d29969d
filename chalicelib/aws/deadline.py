"""The time an invocation has left, from the Lambda context: refuse a step that cannot finish.

Lambda stops a function at its timeout wherever it is: mid-download, mid-write, before the
record's log line. So every step that can block (an S3 attempt, a retry's back-off, a render)
first asks whether it fits in the time left, keeping a reserve to log the record and return.
If it does not fit, the step raises OutOfTime, a transient failure: the record is logged as
failed with the reason, the handler raises, and Lambda retries the event with a fresh timeout.
"""

from __future__ import annotations

import math
from typing import Any

from chalicelib.errors import OutOfTime

# Kept back from every step: enough to log the record's line and return or raise cleanly.
REPORT_RESERVE_S = 1.0


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
        """Raise OutOfTime unless `step`, taking up to `seconds`, fits in the time left."""
        usable = self.usable()
        if usable < seconds:
            raise OutOfTime(
                f"{step} could take {seconds:.1f} s but only {max(usable, 0.0):.1f} s are left "
                f"(plus {REPORT_RESERVE_S:.0f} s kept to report); retry with a fresh timeout"
            )
