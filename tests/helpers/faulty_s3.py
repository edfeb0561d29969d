"""A fault-injecting proxy on loopback in front of the local S3: S3 misbehaving for real.

Each request is, with the given probability, answered with 503 SlowDown or 500 InternalError,
dropped before it reaches S3, dropped after S3 handled it (the client never hears the answer),
cut off half-way through the response body, or forwarded with half its body (a client dying
mid-upload). Everything else is forwarded untouched.

It also counts the attempts botocore makes for each API call (its retries of one call share the
`amz-sdk-invocation-id` header), and with `only_first_attempt` it injects faults into first
attempts only, so every call that is retried at all succeeds on its second attempt.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from urllib.parse import urlsplit

from devtools.loopback import LoopbackServer, QuietHandler, forward

FAULTS = ("slowdown", "internal", "drop_before", "drop_after", "cut_response", "cut_upload")
_ERROR_BODIES = {
    "slowdown": (503, b"<Error><Code>SlowDown</Code>"
                      b"<Message>Reduce your request rate.</Message></Error>"),
    "internal": (500, b"<Error><Code>InternalError</Code>"
                      b"<Message>We encountered an internal error.</Message></Error>"),
}


class FaultyS3(LoopbackServer):
    """Start with `with FaultyS3(upstream, rate) as proxy:`; point AWS_ENDPOINT_URL at proxy.url."""

    def __init__(self, upstream: str, fault_rate: float, seed: int = 7,
                 faults: tuple[str, ...] = FAULTS, only_first_attempt: bool = False):
        self.upstream = urlsplit(upstream)
        self.fault_rate = fault_rate  # these three may be changed while the proxy runs
        self.faults = faults
        self.only_first_attempt = only_first_attempt
        self.attempts_per_call: dict[str, int] = {}  # invocation id -> attempts, in call order
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self.requests_by_method: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        super().__init__()

    def attempts(self) -> list[int]:
        """Attempts per API call so far, in the order the calls started."""
        with self._lock:
            return list(self.attempts_per_call.values())

    def _choose_fault(self, method: str, call: str | None) -> str | None:
        with self._lock:
            self.requests += 1
            self.requests_by_method[method] += 1
            attempt = self.attempts_per_call[call] = self.attempts_per_call.get(call, 0) + 1
            if self.only_first_attempt and attempt > 1:
                return None
            if self._random.random() >= self.fault_rate:
                return None
            candidates = [f for f in self.faults if f != "cut_upload" or method == "PUT"]
            fault = self._random.choice(candidates)
            self.injected[fault] += 1
            return fault

    def _handler_class(self):
        proxy = self

        class Handler(QuietHandler):
            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fault = proxy._choose_fault(self.command,
                                            self.headers.get("amz-sdk-invocation-id"))
                if fault in _ERROR_BODIES:
                    status, error = _ERROR_BODIES[fault]
                    self._reply(status, {"Content-Type": "application/xml"}, error)
                    return
                if fault == "drop_before":
                    self.close_connection = True
                    return
                sent_body = body[: len(body) // 2] if fault == "cut_upload" else body
                status, headers, answer = self._forward(sent_body, len(body))
                if fault in ("drop_after", "cut_upload"):
                    self.close_connection = True
                    return
                if fault == "cut_response" and len(answer) > 1:
                    self.send_response(status)
                    for name, value in headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer[: len(answer) // 2])
                    self.close_connection = True
                    return
                self._reply(status, dict(headers), answer)

            def _forward(self, body: bytes, declared_length: int):
                forwarded = forward(proxy.upstream, self.command, self.path,
                                    self.headers.items(), body, declared_length, timeout=30)
                return forwarded or (0, [], b"")  # None: the uploader died mid-body

            def _reply(self, status: int, headers: dict, body: bytes):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if self.command != "HEAD":  # HEAD keeps the object's length from upstream
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        return Handler
