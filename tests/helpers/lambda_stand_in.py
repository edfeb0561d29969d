"""A loopback stand-in for Lambda's Invoke API, for the redrive tests only.

The moto server (5.2.5) runs every invoke in Docker: without a Docker daemon it still answers an
Event invoke 202 (with a FunctionError header real Lambda never sends for Event), and with one it
would pull Lambda images from the network. Neither shows what was replayed. This answers
Invoke as Lambda's REST-JSON API does (POST /2015-03-31/functions/{name}/invocations):
202 with an empty body for InvocationType Event, and records the function, qualifier and payload;
functions named in `refuse` get 404 ResourceNotFoundException, as a deleted function would.
boto3 is pointed at it with AWS_ENDPOINT_URL_LAMBDA.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class LambdaStandIn:
    url: str = ""
    refuse: set[str] = field(default_factory=set)
    invocations: list[dict] = field(default_factory=list)


@contextmanager
def lambda_stand_in() -> Iterator[LambdaStandIn]:
    state = LambdaStandIn()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # no access log
            pass

        def do_POST(self):
            parts = urlsplit(self.path)
            segments = parts.path.strip("/").split("/")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if len(segments) != 4 or segments[1] != "functions" or segments[3] != "invocations":
                return self._json(404, {"message": f"not Invoke: {parts.path}"},
                                  "UnknownOperationException")
            name = unquote(segments[2])
            short = name.split(":")[6] if name.startswith("arn:") else name
            if short in state.refuse:
                return self._json(404, {"Type": "User", "message": f"Function not found: {name}"},
                                  "ResourceNotFoundException")
            state.invocations.append({
                "function": name,
                "qualifier": parse_qs(parts.query).get("Qualifier", [None])[0],
                "type": self.headers.get("X-Amz-Invocation-Type", "RequestResponse"),
                "payload": json.loads(body or b"null"),
            })
            if self.headers.get("X-Amz-Invocation-Type") == "Event":
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(200, None)

        def _json(self, status: int, payload, error_type: str | None = None):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
