"""The embedded local S3: a moto server on loopback that emits real S3 event notifications.

The same server is the local IAM, SQS, EventBridge and Rekognition; Rekognition requests go
through a stand-in of ours first (devtools/rekognition_local.py: moto lacks
DetectModerationLabels), which AWS_ENDPOINT_URL_REKOGNITION points boto3 at.

S3 -> SQS notifications are wired from the app's own event sources (bucket, events, suffix,
prefix), so exactly what S3 would deliver to each Lambda function gets delivered to it, through
Chalice's test client with the stage's environment. Where the local S3 says more than S3 would
(an extra ObjectCreated:Put for every completed multipart upload), the extra is dropped here.

TRIGGER=eventbridge: the app has an `@app.on_cw_event` source instead. The source bucket gets
EventBridgeConfiguration, the default bus a rule with the app's own pattern targeting a queue,
so the local EventBridge (moto) decides what matches, as AWS would; what reaches the queue is
turned from the local S3's shape into AWS's (aws_shape) and delivered to the rule's function.
"""

from __future__ import annotations

import copy
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
from dataclasses import dataclass, field

import boto3
from chalice.app import CloudWatchEventConfig, S3EventConfig
from moto.server import ThreadedMotoServer

from devtools.events import EMPTY_MD5
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
    """Buckets and notifications made from the app's S3 event sources; delivers to handlers.

    `rule_queues`: for TRIGGER=eventbridge, each on_cw_event function's queue, which its rule
    on the default bus targets."""

    queue_url: str
    rule_queues: dict[str, str] = field(default_factory=dict)
    _multipart_seen: set = field(default_factory=set)

    @classmethod
    def wire(cls, app, buckets: list[str]) -> EventRouter:
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        for bucket in buckets:
            s3.create_bucket(Bucket=bucket)
        queue_url, queue_arn = _queue(sqs, QUEUE_NAME)
        router = cls(queue_url=queue_url)
        router._wire_rules(app)
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
        return router

    def _wire_rules(self, app) -> None:
        """Each on_cw_event source: its pattern as a rule on the default bus, targeting a queue
        of its own; the bucket its pattern names sends its events to EventBridge."""
        from devtools.buckets import send_events_to_eventbridge

        events, sqs, s3 = boto3.client("events"), boto3.client("sqs"), boto3.client("s3")
        for source in cw_event_sources(app):
            url, arn = _queue(sqs, f"{QUEUE_NAME}-{source.name}")
            rule = f"local-{source.name}"
            events.put_rule(Name=rule, EventPattern=json.dumps(source.event_pattern))
            events.put_targets(Rule=rule, Targets=[{"Id": source.name, "Arn": arn}])
            self.rule_queues[source.name] = url
            for bucket in source.event_pattern.get("detail", {}).get("bucket", {}).get("name", []):
                send_events_to_eventbridge(s3, bucket)

    def pending_events(self, wait_seconds: int = 0) -> Iterator[tuple[str, dict]]:
        """(handler name, event) for each notification waiting in the queues: S3 event
        notifications, and (TRIGGER=eventbridge) S3's events as EventBridge delivers them."""
        yield from self._pending_notifications(0 if self.rule_queues else wait_seconds)
        for handler, url in self.rule_queues.items():
            for event in _drain(url, wait_seconds):
                if self._is_multipart_twin(event):
                    continue
                yield handler, aws_shape(event)

    def _is_multipart_twin(self, event: dict) -> bool:
        """The local S3 announces a completed multipart upload twice (see _not_from_s3), and
        on EventBridge both look alike (reason ObjectCreated): the first one is kept."""
        detail = event.get("detail", {})
        etag = str(detail.get("object", {}).get("eTag", ""))
        if event.get("detail-type") != "Object Created" or "-" not in etag:
            return False
        seen = (detail.get("bucket", {}).get("name"), detail["object"].get("key"), etag)
        if seen in self._multipart_seen:
            return True
        self._multipart_seen.add(seen)
        return False

    def _pending_notifications(self, wait_seconds: int) -> Iterator[tuple[str, dict]]:
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


def cw_event_sources(app) -> list[CloudWatchEventConfig]:
    return [source for source in app.event_sources if isinstance(source, CloudWatchEventConfig)]


def _queue(sqs, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return url, arn


def _drain(queue_url: str, wait_seconds: int) -> Iterator[dict]:
    sqs = boto3.client("sqs")
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                          WaitTimeSeconds=wait_seconds).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            yield json.loads(message["Body"])
        wait_seconds = 0


def aws_shape(event: dict) -> dict:
    """An S3 event from the local EventBridge (moto 5.2.5), as AWS sends it.

    moto spells `eTag`, gives `reason` ObjectCreated or ObjectRemoved, sends size and eTag on
    deletes, `version-id` "null" in an unversioned bucket and no `deletion-type`. AWS: `etag`,
    `reason` PutObject (CompleteMultipartUpload for a multipart upload, recognisable by its
    ETag; moto does not tell a CopyObject apart) or DeleteObject, no size on a delete, and
    `deletion-type` (moto does not say whether a delete marker was created: Permanently
    Deleted). A delete's etag: the empty MD5, as in AWS's Object Deleted samples (a delete
    marker's; what a permanent delete carries is undocumented, and the pipeline drops a
    removal's etag either way). Both put the key in raw, as it is in the bucket (S3
    notifications URL-encode it; EventBridge does not): it is delivered unchanged. An event
    already in AWS's shape is returned as it is."""
    event = copy.deepcopy(event)
    detail = event.get("detail", {})
    source = detail.get("object", {})
    if "eTag" not in source and detail.get("reason") not in ("ObjectCreated", "ObjectRemoved"):
        return event
    etag = str(source.pop("eTag", "") or "")
    if source.get("version-id") in (None, "null"):
        source.pop("version-id", None)
    if event.get("detail-type") == "Object Created":
        source["etag"] = etag
        detail["reason"] = "CompleteMultipartUpload" if "-" in etag else "PutObject"
    else:
        source.pop("size", None)
        source["etag"] = EMPTY_MD5
        detail["reason"] = "DeleteObject"
        detail["deletion-type"] = "Permanently Deleted"
    return event
