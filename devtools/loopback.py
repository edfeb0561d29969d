"""A threaded HTTP server on 127.0.0.1: the base of the local stand-ins and proxies.

`with Subclass(...) as server:` serves on a free port at `server.url` until the block ends.
Subclasses set their own state first, then call `super().__init__()`, and give
`_handler_class()`, the BaseHTTPRequestHandler that answers.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import SplitResult

# Hop-by-hop headers (RFC 9110) and the length, which a proxy sets itself.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (kept-alive connections, as AWS endpoints keep them), no access log lines."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass


class LoopbackServer:
    def __init__(self, port: int = 0) -> None:
        """`port` 0: a free one."""
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        # Handler threads wait on kept-alive client connections; closing must not wait for them.
        self._server.block_on_close = False

    def _handler_class(self) -> type:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()


def forward(upstream: SplitResult, method: str, path: str,
            headers: Iterable[tuple[str, str]], body: bytes, declared_length: int | None = None,
            timeout: float = 60) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """One request sent on to `upstream` as it came: the answer's status, the headers to pass
    back (a HEAD keeps the object's length from upstream) and its body. With `declared_length`
    over the body's, the body is cut off there, as by a client dying mid-upload: the connection
    is shut and None returned."""
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(declared_length or len(body)))
        connection.endheaders()
        connection.send(body)
        if declared_length is not None and len(body) < declared_length:
            connection.sock.shutdown(2)
            return None
        response = connection.getresponse()
        answer = response.read()
        kept = [(name, value) for name, value in response.getheaders()
                if name.lower() not in HOP_BY_HOP
                or (method == "HEAD" and name.lower() == "content-length")]
        return response.status, kept, answer
    finally:
        connection.close()
