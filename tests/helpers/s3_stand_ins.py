"""Tiny S3 stand-ins on loopback, for states the local S3 (moto) cannot produce.

botocore's whole path runs against them (signing, HTTP, retries, XML error parsing): they answer
with the status and XML error body real S3 sends, or not at all.
"""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

from devtools.loopback import LoopbackServer


class S3Error(LoopbackServer):
    """Answers every request with one S3 error, e.g. `S3Error(400, "InvalidRequest", "...")`."""

    def __init__(self, status: int, code: str, message: str, **extra: str):
        fields = {"Code": code, "Message": message, **extra,
                  "RequestId": "4442587FB7D0A2F9", "HostId": "example-host-id"}
        body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
        self.body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>'.encode()
        self.status, self.code = status, code
        self.requests: list[str] = []
        super().__init__()

    def _handler_class(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append(self.command)
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(stand_in.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(stand_in.body)

            do_GET = do_PUT = do_HEAD = _answer

            def log_message(self, *args):
                pass

        return Handler


class StalledS3:
    """An endpoint that takes connections and never answers: S3 hanging mid-request."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> StalledS3:
        return self  # the kernel completes connections into the backlog; nobody reads them

    def __exit__(self, *exc_info) -> None:
        self._socket.close()
