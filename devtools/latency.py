"""A proxy on loopback that makes every request to the local endpoint take as long as a real one.

On loopback, moto answers an S3 request in well under a millisecond; from a Lambda function in
the same region, PutObject, GetObject and HeadObject typically take 20-50 ms. Pointed at through
AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), `LatencyProxy(upstream, delay_s=0.03)` waits
`delay_s` before forwarding each request, so tests and benchmarks see where a deployed function
waits. Everything else passes through untouched.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from devtools.loopback import LoopbackServer, QuietHandler, forward


class LatencyProxy(LoopbackServer):
    """Start with `with LatencyProxy(upstream, delay_s) as proxy:`; point clients at proxy.url."""

    def __init__(self, upstream: str, delay_s: float = 0.03):
        self.upstream = urlsplit(upstream)
        self.delay_s = delay_s
        self.requests = 0
        self.requests_by_method: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__()

    def _handler_class(self):
        proxy = self

        class Handler(QuietHandler):
            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy._lock:
                    proxy.requests += 1
                    proxy.requests_by_method[self.command] += 1
                time.sleep(proxy.delay_s)
                status, headers, answer = forward(proxy.upstream, self.command, self.path,
                                                  self.headers.items(), body)
                self.send_response(status)
                for name, value in headers:  # a HEAD's length is upstream's; a body's below
                    self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        return Handler
