"""AWS clients for the handler (S3, and Rekognition and EventBridge when their features are on):
shared by the process, retrying within each invocation's time. `Clients` hands them to the
pipeline, one invocation's deadline attached.

Clients are kept for the life of the process (per environment), so a warm function reuses its
connections: a new HTTPS connection costs a TLS handshake and, in urllib3, loading the CA
bundle again (about 16 ms here). Two things botocore would do with such a client are replaced:

- Its standard retry mode keeps a retry quota per client (500 units; a retry costs 14, or 5
  after throttling; a call that succeeds without retries gives back 1). An S3 brownout drains it
  and a warm container then makes every later call with no retry at all, until successes have
  refilled it. A needs-retry hook of ours runs first and makes the decision with botocore's own
  standard-mode conditions (4 attempts; throttling, 5xx, timeouts, dropped connections) and
  backoff, minus the quota: each call keeps its retries whatever happened before.
- Its timeouts ignore the Lambda deadline. Each call picks the roomiest timeouts that leave
  room for a retry in the time left (at least one attempt must fit), and hooks refuse an
  attempt or a retry's back-off that could outlast the deadline: OutOfTime, naming the step.
  A stalled call therefore ends, by its own timeout, before Lambda stops the function.
"""

from __future__ import annotations

import functools
import os
import threading
from contextvars import ContextVar
from typing import Any

import boto3
from botocore.config import Config
from botocore.retries import standard

from chalicelib.aws.deadline import Deadline
from chalicelib.errors import OutOfTime

ATTEMPTS = 4
# (connect, read) timeouts in seconds, roomiest first. Read is per socket read, not per body:
# 5 s is far beyond a healthy S3 first byte (20-50 ms from Lambda in-region, p99 well under
# 250 ms); the quicker ones serve a call made with little time left.
TIMEOUTS = ((2.0, 5.0), (0.5, 1.0), (0.25, 0.5), (0.1, 0.25))
# What a call is expected to take, for judging whether the rest of a record fits (deadline.py):
# a typical request, not its worst case; the timeouts above bound the worst case.
EXPECTED_CALL_S = {"s3": 0.05, "rekognition": 0.5, "events": 0.05}

# Environment that decides which client we need; tests and the local loop switch endpoints and
# credentials between invocations, Lambda never does.
_CLIENT_ENV = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_REKOGNITION",
               "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_REGION", "AWS_DEFAULT_REGION",
               "AWS_ACCESS_KEY_ID", "AWS_PROFILE")
_creating = threading.Lock()  # a boto3 Session is not thread-safe; its clients are
# The deadline of the invocation calling S3 on this thread, for the shared clients' hooks.
_caller_deadline: ContextVar[Deadline] = ContextVar("caller_deadline", default=Deadline())


class Clients:
    """The AWS clients of one invocation. Each property gives the shared client for one call,
    with timeouts that fit the time the invocation has left at that moment."""

    def __init__(self, deadline: Deadline | None = None):
        self.deadline = deadline or Deadline()

    @property
    def s3(self) -> Any:
        return client_for(self.deadline, "s3")

    @property
    def rekognition(self) -> Any:
        return client_for(self.deadline, "rekognition")

    @property
    def events(self) -> Any:
        return client_for(self.deadline, "events")


def client_for(deadline: Deadline, service: str = "s3") -> Any:
    """The `service` client for one call made under `deadline`: the roomiest timeouts with
    which two attempts (the call and a retry) fit in the time left, else one attempt."""
    _caller_deadline.set(deadline)
    usable = deadline.usable()
    connect, read = next((t for t in TIMEOUTS if 2 * sum(t) <= usable),
                         next((t for t in TIMEOUTS if sum(t) <= usable), TIMEOUTS[-1]))
    environment = tuple(os.environ.get(name) for name in _CLIENT_ENV)
    return _shared_client(service, environment, connect, read)


@functools.lru_cache(maxsize=16)
def _shared_client(service: str, environment: tuple, connect: float, read: float) -> Any:
    config = Config(retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
                    connect_timeout=connect, read_timeout=read)
    with _creating:
        client = _session(environment).client(service, config=config)
    hooks = _DeadlineRetries(attempt_s=connect + read)
    event_id = client.meta.service_model.service_id.hyphenize()  # s3, rekognition, eventbridge
    client.meta.events.register_first(f"before-send.{event_id}", hooks.before_attempt)
    client.meta.events.register_first(f"needs-retry.{event_id}", hooks.needs_retry)
    return client


@functools.lru_cache(maxsize=8)
def _session(_environment: tuple) -> boto3.session.Session:
    # A session of its own: boto3's default session would keep the first credentials it found.
    return boto3.session.Session()


_ADAPTER = standard.RetryEventAdapter()
_CONDITIONS = standard.StandardRetryConditions(max_attempts=ATTEMPTS)
_BACKOFF = standard.ExponentialBackoff(
    service_name="s3", throttling_detector=standard.ThrottlingErrorDetector(_ADAPTER)
)


class _DeadlineRetries:
    """botocore hooks: standard-mode retries without the quota, never past the deadline."""

    def __init__(self, attempt_s: float):
        self.attempt_s = attempt_s  # the longest one attempt can wait: connect plus read

    def before_attempt(self, event_name: str, **_: Any) -> None:
        # Raised here, botocore hands the error to needs-retry (not retryable), then to us.
        _caller_deadline.get().require(self.attempt_s, f"an attempt at {_operation(event_name)}")

    def needs_retry(self, event_name: str, **kwargs: Any) -> float | None:
        """The delay before the next attempt; None leaves the answer to botocore's later hooks
        (no retry, or an S3 region redirect); botocore's own, quota-bound answer is overridden."""
        context = _ADAPTER.create_retry_context(**kwargs)
        if isinstance(context.caught_exception, OutOfTime) or not _CONDITIONS.is_retryable(context):
            return None
        delay = _BACKOFF.delay_amount(context)
        cause = context.get_error_code() or type(context.caught_exception).__name__
        try:
            _caller_deadline.get().require(
                delay + self.attempt_s, f"retrying {_operation(event_name)} after {cause}"
            )
        except OutOfTime as out_of_time:
            raise out_of_time from context.caught_exception
        return delay


def _operation(event_name: str) -> str:
    """before-send.s3.GetObject -> S3 GetObject"""
    _, service, operation = event_name.split(".", 2)
    return f"{_SERVICE_NAMES.get(service, service)} {operation}"


_SERVICE_NAMES = {"s3": "S3", "rekognition": "Rekognition", "eventbridge": "EventBridge"}
