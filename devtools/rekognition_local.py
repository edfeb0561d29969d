"""A local Amazon Rekognition on loopback: the moto server's, plus DetectModerationLabels.

The moto server (5.2.5) answers DetectLabels (always the same label) but not
DetectModerationLabels. This stand-in takes every Rekognition request on a port of its own
(AWS_ENDPOINT_URL_REKOGNITION points boto3 at it), so boto3's whole path runs as on AWS: the
JSON 1.1 protocol, signing, retries, error parsing.

- Every request is first passed on, untouched, to the moto server: its answer is returned for
  what moto implements (DetectLabels), and its IAM check applies to everything, so a role
  without rekognition:DetectModerationLabels is refused here as on AWS when the local endpoint
  enforces IAM. (moto words that refusal in IAM's XML; it is answered in Rekognition's JSON,
  AccessDeniedException, as AWS does.)
- DetectModerationLabels, once moto let it through, is answered here, checking the request as
  Rekognition does (bytes at most 5 MB, JPEG or PNG, MinConfidence 0-100). Its "model" is a toy
  rule anyone can reproduce: an image whose pixels are mostly pure red (R > 200, G and B < 60)
  is "Visually Disturbing", with the red share as confidence. `make demo` uploads one.
- Tests can make it answer with an error first (`fail_next`), e.g. throttling.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from PIL import Image

from devtools.loopback import LoopbackServer

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # Rekognition's limit on image bytes in a request
MODERATION_MODEL_VERSION = "7.0"
FLAGGED_LABEL = "Visually Disturbing"
_TARGET_PREFIX = "RekognitionService."
_NOT_IN_MOTO = "detect_moderation_labels action has not been implemented"


def moderation_labels(image_bytes: bytes, min_confidence: float) -> list[dict]:
    """The toy model: the share of pure-red pixels, as a percentage, is the confidence."""
    with Image.open(io.BytesIO(image_bytes)) as image:
        small = image.convert("RGB").resize((64, 64))
    pixels = small.tobytes()
    red = sum(1 for i in range(0, len(pixels), 3)
              if pixels[i] > 200 and pixels[i + 1] < 60 and pixels[i + 2] < 60)
    confidence = round(100 * red / (64 * 64), 3)
    if red == 0 or confidence < min_confidence:
        return []
    return [{"Confidence": confidence, "Name": FLAGGED_LABEL, "ParentName": "",
             "TaxonomyLevel": 1}]


class _Refused(Exception):
    def __init__(self, status: int, error_type: str, message: str):
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


class LocalRekognition(LoopbackServer):
    """The stand-in server; `with LocalRekognition(moto_endpoint) as url:`."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.calls: list[tuple[str, dict]] = []  # (operation, request), in order: tests read it
        self._failures: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        super().__init__()

    def fail_next(self, count: int, status: int = 400,
                  error_type: str = "ThrottlingException") -> None:
        """Answer the next `count` requests with this Rekognition error, as AWS would."""
        with self._lock:
            self._failures.extend([(status, error_type)] * count)

    def _answer(self, operation: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        self.calls.append((operation, json.loads(body or b"{}")))
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            raise _Refused(failure[0], failure[1], "Rate exceeded (local stand-in)")
        status, answer = self._pass_to_moto(headers, body)
        if status == 403 and answer.lstrip().startswith(b"<"):
            # moto refuses in IAM's XML whatever the service; Rekognition says it in JSON, 400.
            message = re.search(rb"<Message>(.*?)</Message>", answer, re.S)
            raise _Refused(400, "AccessDeniedException",
                           message[1].decode() if message else "Access denied")
        if operation != "DetectModerationLabels" or status < 500:
            return status, answer  # moto's own answer
        request = json.loads(body or b"{}")
        return 200, json.dumps(self._detect_moderation_labels(request)).encode()

    def _pass_to_moto(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        # The Host header goes unchanged, so the request's signature still verifies there.
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=30)
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    @staticmethod
    def _detect_moderation_labels(request: dict) -> dict:
        image = request.get("Image") or {}
        if "Bytes" not in image:
            raise _Refused(400, "InvalidParameterException",
                           "the local stand-in takes Image.Bytes only, not Image.S3Object")
        try:
            data = base64.b64decode(image["Bytes"], validate=True)
        except (binascii.Error, TypeError):
            raise _Refused(400, "InvalidParameterException", "Image.Bytes is not base64") from None
        if len(data) > MAX_IMAGE_BYTES:
            raise _Refused(400, "ImageTooLargeException",
                           f"Image size is too large: {len(data)} bytes, the limit is 5 MB")
        if not data.startswith((b"\xff\xd8", b"\x89PNG\r\n\x1a\n")):
            raise _Refused(400, "InvalidImageFormatException", "Request has invalid image format")
        min_confidence = request.get("MinConfidence", 50)
        if not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 100:
            raise _Refused(400, "InvalidParameterException",
                           "MinConfidence must be between 0 and 100")
        try:
            labels = moderation_labels(data, float(min_confidence))
        except OSError:
            raise _Refused(400, "InvalidImageFormatException",
                           "Request has invalid image format") from None
        return {"ModerationLabels": labels, "ModerationModelVersion": MODERATION_MODEL_VERSION,
                "ContentTypes": []}

    def _handler_class(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target", "")
                operation = target.removeprefix(_TARGET_PREFIX)
                try:
                    if not target.startswith(_TARGET_PREFIX):
                        raise _Refused(400, "UnknownOperationException",
                                       f"not a Rekognition request: X-Amz-Target {target!r}")
                    status, answer = stand_in._answer(operation, dict(self.headers), body)
                except _Refused as refused:
                    status = refused.status
                    answer = json.dumps({"__type": refused.error_type,
                                         "Message": refused.message}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("x-amzn-RequestId", "local-rekognition")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler


class _QuietAboutModeration(logging.Filter):
    """moto logs a traceback for every DetectModerationLabels passed to it (it is how the stand-in
    learns the IAM check passed); that one is expected, every other error still shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _NOT_IN_MOTO not in record.getMessage()  # werkzeug's "Error on request:" text


_running: list[LocalRekognition] = []


def running() -> LocalRekognition:
    """The stand-in local_s3() started in this process (tests reach it here)."""
    return _running[-1]


@contextmanager
def local_rekognition(moto_endpoint: str) -> Iterator[LocalRekognition]:
    quiet = _QuietAboutModeration()
    logging.getLogger("werkzeug").addFilter(quiet)
    try:
        with LocalRekognition(moto_endpoint) as stand_in:
            _running.append(stand_in)
            try:
                yield stand_in
            finally:
                _running.remove(stand_in)
    finally:
        logging.getLogger("werkzeug").removeFilter(quiet)
