"""`make dev`'s renditions URL: what CloudFront does in front of the renditions function.

GET or HEAD `/<url-encoded output key>` is answered from the target bucket when the object is
there, as CloudFront's primary origin would; on a miss (404, or 403 where the bucket may not be
listed) the request goes to the `renditions` function as a Lambda function URL event (payload
format 2.0), run by `make dev`'s workers like every handler, and its answer is returned with the
body decoded. Each response says who answered in `x-served-by` (`bucket` or `renditions`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from botocore.exceptions import ClientError

from devtools.events import function_url_event
from devtools.loopback import LoopbackServer, QuietHandler

DEFAULT_PORT_OFFSET = 1  # beside the local S3: 4569 -> 4570
# What the bucket's answer carries on to the browser, as CloudFront forwards an origin's headers.
_FORWARDED = ("ContentType", "CacheControl", "ETag", "LastModified", "ContentLength")
_HEADER_NAMES = {"ContentType": "Content-Type", "CacheControl": "Cache-Control",
                 "ETag": "ETag", "LastModified": "Last-Modified",
                 "ContentLength": "Content-Length"}


class LocalRenditions(LoopbackServer):
    """`with LocalRenditions(s3, target_bucket, invoke, port) as server:` serves on server.url.

    `invoke(event) -> (payload, summary)` runs the renditions function on a function URL event
    and gives its response and a one-line summary for the console; `report(line)` prints it."""

    def __init__(self, s3, target_bucket: str, invoke: Callable[[dict], tuple[dict, str]],
                 port: int = 0, report: Callable[[str], None] = print):
        self.s3, self.target_bucket = s3, target_bucket
        self.invoke, self.report = invoke, report
        super().__init__(port=port)

    def _handler_class(self):
        server = self

        class Handler(QuietHandler):
            def _handle(self):
                path = urlsplit(self.path).path
                if self.command in ("GET", "HEAD"):
                    stored = server.from_bucket(unquote(path.lstrip("/")), self.command)
                    if stored is not None:
                        headers, body = stored
                        server.report(f"{self.command} {path} -> 200 from the target bucket")
                        self._reply(200, {**headers, "x-served-by": "bucket"}, body)
                        return
                payload, summary = server.invoke(function_url_event(path, self.command))
                status = payload.get("statusCode", 502)
                body = payload.get("body") or ""
                data = (base64.b64decode(body) if payload.get("isBase64Encoded")
                        else body.encode("utf-8"))
                server.report(f"{self.command} {path} -> {status} from the renditions function"
                              f"{': ' + summary if summary else ''}")
                self._reply(status, {**payload.get("headers", {}), "x-served-by": "renditions"},
                            data)

            def _reply(self, status: int, headers: dict[str, str], body: bytes):
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                length = headers.get("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", str(length or len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _handle

        return Handler

    def from_bucket(self, key: str, method: str) -> tuple[dict[str, str], bytes] | None:
        """The object's headers and body (HEAD: no body), or None on a miss."""
        if not key:
            return None
        try:
            if method == "HEAD":
                response, body = self.s3.head_object(Bucket=self.target_bucket, Key=key), b""
            else:
                response = self.s3.get_object(Bucket=self.target_bucket, Key=key)
                body = response["Body"].read()
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status in (403, 404):
                return None  # CloudFront fails over on these two
            raise
        headers = {_HEADER_NAMES[name]: str(response[name]) for name in _FORWARDED
                   if name in response}
        if "Last-Modified" in headers:
            headers["Last-Modified"] = response["LastModified"].strftime(
                "%a, %d %b %Y %H:%M:%S GMT")
        return headers, body


def summarise(lines: list[dict]) -> str:
    """The function's log line for the console: what it made, or why not."""
    if not lines:
        return ""
    line = lines[-1]
    made = ", ".join(f"{output['name']} {output['size']} ({output['bytes']:,} B)"
                     for output in line.get("outputs", []))
    return made or line.get("reason", "") or json.dumps(line)[:200]
