"""AWS calls that wait on the network while the CPU renders: writes, the backup copy, Rekognition.

From Lambda a PutObject takes 20-50 ms of waiting; four of them in a row, a post-write check and
a backup copy are most of a record's time. The record's calls go to a small pool shared by the
process and are joined before the record ends: nothing runs on after the handler returns (Lambda
freezes the process then, and a write resumed in the next invocation would land out of order).

Each call takes its client inside the worker (`aws.s3` there, not in the caller), so the
deadline-aware hooks see the invocation's deadline on the thread that makes the request.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

# Up to four output writes, the sidecar, a copy and two Rekognition calls at once; botocore
# keeps 10 connections per client, so none waits for a connection.
MAX_CALLS_AT_ONCE = 8
_POOL = ThreadPoolExecutor(max_workers=MAX_CALLS_AT_ONCE, thread_name_prefix="aws-call")


class Background:
    """The calls one record started. `wait` returns once all have ended, however they ended;
    each call's future then gives its result or raises its error."""

    def __init__(self) -> None:
        self._started: list[Future] = []

    def start(self, call: Callable[..., Any], *args: Any) -> Future:
        future = _POOL.submit(call, *args)
        self._started.append(future)
        return future

    def wait(self) -> None:
        wait(self._started)
