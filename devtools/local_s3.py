"""The embedded local S3: a moto server on loopback that emits real S3 event notifications.

The same server is the local IAM, SQS, EventBridge and Rekognition; Rekognition requests go
through a stand-in of ours first (devtools/rekognition_local.py: moto lacks
DetectModerationLabels), which AWS_ENDPOINT_URL_REKOGNITION points boto3 at.

S3 -> SQS notifications are wired from the app's own event sources (bucket, events, suffix,
prefix), so exactly what S3 would deliver to each Lambda function gets delivered to it, through
Chalice's test client with the stage's environment. Where the local S3 says more than S3 would
(an extra ObjectCreated:Put for every completed multipart upload), the extra is dropped here.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from chalice.app import S3EventConfig
from moto.server import ThreadedMotoServer

from devtools.rekognition_local import local_rekognition

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never look for real credentials off-machine
}
QUEUE_NAME = "thumbnailer-s3-events"
DEFAULT_PORT = 4569  # `make dev`


def client_exports(endpoint: str = f"http://127.0.0.1:{DEFAULT_PORT}") -> str:
    """The shell line that points any AWS client (CLI, boto3, `make backfill`) at the local S3."""
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    return " ".join(["export", f"AWS_ENDPOINT_URL={endpoint}",
                     *(f"{name}={LOCAL_CREDENTIALS[name]}" for name in names)])


@contextmanager
def local_s3(port: int = 0, separate_process: bool = False) -> Iterator[str]:
    """Run a moto server on 127.0.0.1 and point boto3 (AWS_ENDPOINT_URL) at it.

    In a separate process when what runs here is being timed: the server's own work then does
    not compete for this interpreter's GIL, as real S3 would not.
    """
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    if separate_process:
        server = _MotoProcess(port or _free_port())
    else:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound_port = server.get_host_and_port()
    endpoint = f"http://{host}:{bound_port}"
    saved = {name: os.environ.get(name)
             for name in [*LOCAL_CREDENTIALS, "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_REKOGNITION"]}
    try:
        with local_rekognition(endpoint) as rekognition:
            os.environ.update(LOCAL_CREDENTIALS, AWS_ENDPOINT_URL=endpoint,
                              AWS_ENDPOINT_URL_REKOGNITION=rekognition.url)
            yield endpoint
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _MotoProcess:
    """moto's own server command, in a child process, with ThreadedMotoServer's interface."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/moto-api/", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on port {self.port}") from None
                time.sleep(0.1)

    def get_host_and_port(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class EventRouter:
    """Buckets and notifications made from the app's S3 event sources; delivers to handlers."""

    queue_url: str

    @classmethod
    def wire(cls, app, buckets: list[str]) -> EventRouter:
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        for bucket in buckets:
            s3.create_bucket(Bucket=bucket)
        queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        by_bucket: dict[str, list[dict]] = {}
        for source in s3_event_sources(app):
            rules = [{"Name": "suffix", "Value": source.suffix}] if source.suffix else []
            if source.prefix:
                rules.append({"Name": "prefix", "Value": source.prefix})
            by_bucket.setdefault(source.bucket, []).append({
                "Id": source.name,  # arrives as configurationId: names the handler
                "QueueArn": queue_arn,
                "Events": source.events,
                **({"Filter": {"Key": {"FilterRules": rules}}} if rules else {}),
            })
        for bucket, configurations in by_bucket.items():
            s3.put_bucket_notification_configuration(
                Bucket=bucket,
                NotificationConfiguration={"QueueConfigurations": configurations},
            )
        return cls(queue_url=queue_url)

    def pending_events(self, wait_seconds: int = 0) -> Iterator[tuple[str, dict]]:
        """(handler name, S3 event) for each notification waiting in the queue."""
        sqs = boto3.client("sqs")
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
            ).get("Messages", [])
            if not messages:
                return
            for message in messages:
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                event = json.loads(message["Body"])
                if event.get("Event") == "s3:TestEvent":
                    continue
                event["Records"] = [r for r in event.get("Records", []) if not _not_from_s3(r)]
                if not event["Records"]:
                    continue
                yield event["Records"][0]["s3"]["configurationId"], event


def _not_from_s3(record: dict) -> bool:
    """The local S3's (moto 5.2.5) spurious twin of a CompleteMultipartUpload record.

    moto completes a multipart upload by calling its own put_object, which announces
    ObjectCreated:Put, then announces ObjectCreated:CompleteMultipartUpload for the same object.
    S3 sends only the latter. A Put record is recognisable by its eTag: only a multipart upload
    has an ETag of the form <md5 of the parts' md5s>-<number of parts>; a PutObject never does.
    """
    return (record.get("eventName") == "ObjectCreated:Put"
            and "-" in record.get("s3", {}).get("object", {}).get("eTag", ""))


def s3_event_sources(app) -> list[S3EventConfig]:
    return [source for source in app.event_sources if isinstance(source, S3EventConfig)]
