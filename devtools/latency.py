"""A proxy on loopback that makes every request to the local endpoint take as long as a real one.

On loopback, moto answers an S3 request in well under a millisecond; from a Lambda function in
the same region, PutObject, GetObject and HeadObject typically take 20-50 ms. Pointed at through
AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), `LatencyProxy(upstream, delay_s=0.03)` waits
`delay_s` before forwarding each request, so tests and benchmarks see where a deployed function
waits. Everything else passes through untouched.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from devtools.loopback import LoopbackServer

# Hop-by-hop headers (RFC 9110) and the length, which the proxy sets itself.
_NOT_FORWARDED = {"connection", "keep-alive", "transfer-encoding", "content-length"}


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

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy._lock:
                    proxy.requests += 1
                    proxy.requests_by_method[self.command] += 1
                time.sleep(proxy.delay_s)
                connection = http.client.HTTPConnection(proxy.upstream.hostname,
                                                        proxy.upstream.port, timeout=60)
                try:
                    connection.putrequest(self.command, self.path, skip_host=True,
                                          skip_accept_encoding=True)
                    for name, value in self.headers.items():
                        if name.lower() not in _NOT_FORWARDED:
                            connection.putheader(name, value)
                    connection.putheader("Content-Length", str(len(body)))
                    connection.endheaders()
                    connection.send(body)
                    response = connection.getresponse()
                    answer = response.read()
                finally:
                    connection.close()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    # HEAD keeps the object's length from upstream; a body's is set below.
                    if name.lower() not in _NOT_FORWARDED or (
                            self.command == "HEAD" and name.lower() == "content-length"):
                        self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        return Handler
