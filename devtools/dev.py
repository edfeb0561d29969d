"""`make dev`: the embedded local S3 on loopback, where every upload triggers the real handlers.

Starts the local S3 (moto server) on a fixed port, creates the stage's buckets, wires S3 -> SQS
notifications from the app's own event sources (TRIGGER=eventbridge: S3 -> EventBridge -> the
app's own rule pattern -> SQS), and delivers each event to its handler through
Chalice's test client with the stage's environment, as Lambda would. Handlers run in parallel in
worker processes (each one like a Lambda execution environment); one line is printed per event.
Ctrl-C or SIGTERM stops it cleanly.

It validates the stage first (devtools/check.py, what `make check` prints) and will not start
on a broken .chalice/config.json or outputs.toml. While it runs, a change to either, or to
anything under chalicelib/, is validated again and, if valid, loaded by new worker processes
for the next events; if not, the message is printed and the previous configuration keeps
serving. Only the settings that decide the wiring (check.WIRING: the buckets, TRIGGER,
DELETE_OUTPUTS) need a restart, and it says so.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

import boto3

from chalicelib.pipeline.log import LOGGER_NAME
from devtools import check
from devtools.local_s3 import DEFAULT_PORT, EventRouter, client_exports, local_s3
from devtools.renditions_local import DEFAULT_PORT_OFFSET, LocalRenditions, summarise
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment


@dataclass
class Delivery:
    """One event delivered to one handler: its per-record log lines, or what it raised."""

    handler: str
    keys: list[str]
    event_names: list[str] = field(default_factory=list)  # ObjectCreated:Put, ... per record
    lines: list[dict] = field(default_factory=list)
    error: str | None = None
    ms: float = 0.0


@dataclass
class Stats:
    outcomes: Counter = field(default_factory=Counter)
    events: int = 0
    raised: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


# --- worker processes: each one like one Lambda execution environment ---

_app = None
_stage = ""
_lines: list[dict] = []


class _KeepLines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _lines.append(json.loads(record.getMessage()))


def _start_worker(stage: str, environment: dict[str, str]) -> None:
    global _app, _stage
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    os.environ.update(environment)
    from app import app

    logging.getLogger(LOGGER_NAME).addHandler(_KeepLines())
    _app, _stage = app, stage


def _deliver(handler: str, event: dict) -> Delivery:
    if "Records" in event:
        keys = [unquote_plus(record["s3"]["object"]["key"]) for record in event["Records"]]
        names = [record.get("eventName", "") for record in event["Records"]]
    else:  # TRIGGER=eventbridge: one S3 event as EventBridge delivers it
        from chalicelib.aws.events import eventbridge_upload

        upload = eventbridge_upload(event)
        keys, names = [upload.key], [upload.event_name]
    delivery = Delivery(handler=handler, keys=keys, event_names=names)
    _lines.clear()
    started = time.perf_counter()
    try:
        _app.handler_map[handler](event, lambda_context(handler, _stage))  # as Lambda calls it
    except Exception as error:  # noqa: BLE001 - reported, and the loop goes on
        delivery.error = f"{type(error).__name__}: {error}"
    delivery.ms = (time.perf_counter() - started) * 1000
    delivery.lines = list(_lines)
    return delivery


def _invoke(function: str, event: dict) -> tuple[dict, list[dict]]:
    """A function that answers (the renditions function behind its URL): its response and its
    log lines."""
    _lines.clear()
    response = _app.handler_map[function](event, lambda_context(function, _stage))
    return response, list(_lines)


# --- the loop ----------------------------------------------------------------------------------

class DevLoop:
    """Pulls the local S3's event notifications and runs each through its handler."""

    def __init__(self, app, stage: str = "dev", workers: int = 2,
                 report: Callable[[Delivery], None] | None = None,
                 overrides: dict[str, str] | None = None,
                 report_event: Callable[[dict], None] | None = None,
                 watcher: ConfigWatcher | None = None):
        """`overrides`: settings on top of the stage's (the demo's OUTPUTS), this run only.
        `report_event`: called with each processed-image event (EVENT_BUS) as it arrives.
        `watcher`: reload the configuration when its files change (make dev)."""
        self.stage, self.overrides, self.watcher = stage, dict(overrides or {}), watcher
        self.environment = {**stage_environment(stage), **self.overrides}
        self.buckets = [self.environment["SOURCE_BUCKET"], self.environment["TARGET_BUCKET"]]
        self.router = EventRouter.wire(app, self.buckets)
        self.backup_bucket = _create_backup_bucket(self.environment)
        self.event_bus, self._events_queue = _subscribe_to_event_bus(self.environment)
        self.report_event = report_event
        self.report = report or print_delivery
        self.stats = Stats()
        self._submitted = self._reported = 0
        self._workers = workers
        self._pool = self._start_workers(self.environment)

    def _start_workers(self, environment: dict[str, str]) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.stage, {**environment, **_aws_environment()}),
        )

    def invoke(self, function: str, event: dict) -> tuple[dict, str]:
        """Run `function` on `event` in a worker, as Lambda would answer a function URL: its
        response and a console summary of what it did."""
        response, lines = self._pool.submit(_invoke, function, event).result(timeout=120)
        return response, summarise(lines)

    def run(self, stop: threading.Event, until_idle: bool = False, close: bool = True) -> Stats:
        """Deliver events until `stop` is set (or, with until_idle, until none are left).

        `close=False` keeps the workers for another run (the demo's second act)."""
        started = time.perf_counter()
        in_flight: set[Future] = set()
        try:
            while not stop.is_set():
                if self.watcher and (changed := self.watcher.changed()):
                    self.reload(changed)
                submitted = 0
                waiting = self.router.pending_events(wait_seconds=0 if until_idle else 1)
                for handler, event in waiting:
                    future = self._pool.submit(_deliver, handler, event)
                    self._submitted += 1
                    future.add_done_callback(self._finished)
                    in_flight.add(future)
                    submitted += 1
                in_flight = {future for future in in_flight if not future.done()}
                self._report_events()
                if until_idle and not submitted:
                    if not in_flight:
                        break  # handlers write to the target bucket, which raises no events
                    wait(in_flight, return_when=FIRST_COMPLETED)
            self._report_events()  # the last handlers' events
        finally:
            if close or stop.is_set():
                self._pool.shutdown(wait=True)
            else:  # a future is done before its callback has reported it: wait for both
                wait(in_flight)
                while self._reported < self._submitted:
                    time.sleep(0.01)
            self.stats.seconds += time.perf_counter() - started
        return self.stats

    def reload(self, changed: list[str]) -> bool:
        """Validate the configuration afresh, in a child process (the code under chalicelib/
        may have changed too); if valid, new workers run the next events with it."""
        print(f"changed: {', '.join(changed)}; checking the stage again", flush=True)
        trigger = ["--trigger", self.overrides["TRIGGER"]] if "TRIGGER" in self.overrides else []
        validated = subprocess.run(
            [sys.executable, "-m", "devtools.check", "--stage", self.stage, *trigger],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)
        if validated.returncode != 0:
            print(f"NOT RELOADED, the previous configuration keeps serving:\n"
                  f"{validated.stderr.strip()}", flush=True)
            return False
        environment = {**stage_environment(self.stage), **self.overrides}
        before, after = check.wiring(self.environment), check.wiring(environment)
        if before != after:
            moved = ", ".join(f"{name} {before[name] or '(unset)'} -> {after[name] or '(unset)'}"
                              for name in check.WIRING if before[name] != after[name])
            print(f"NOT RELOADED: {moved} changes what the local S3 is wired to; restart "
                  "make dev (Ctrl-C, then make dev) to use it. The previous configuration "
                  "keeps serving.", flush=True)
            return False
        previous, self._pool = self._pool, self._start_workers(environment)
        previous.shutdown(wait=False)  # what it runs now finishes and is reported
        self.environment = environment
        self.backup_bucket = _create_backup_bucket(environment)
        self.event_bus, self._events_queue = _subscribe_to_event_bus(environment)
        summary = validated.stdout.strip().splitlines()[1:]  # after "stage dev: ... valid"
        print("reloaded; the next events run with:\n" + "\n".join(summary), flush=True)
        return True

    def _report_events(self) -> None:
        if self.report_event:
            for processed in self.processed_events():
                self.report_event(processed)

    def processed_events(self) -> list[dict]:
        """The processed-image events (EVENT_BUS) the bus delivered since last asked, as a
        rule's SQS target receives them: EventBridge's envelope, the detail inside."""
        if not self._events_queue:
            return []
        import boto3

        sqs, got = boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=self._events_queue,
                                              MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                got.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self._events_queue,
                                   ReceiptHandle=message["ReceiptHandle"])
        return got

    def _finished(self, future: Future) -> None:
        try:
            delivery: Delivery = future.result()
            self.stats.events += 1
            self.stats.raised += delivery.error is not None
            for line in delivery.lines:
                self.stats.outcomes[line["outcome"]] += 1
            self.report(delivery)
        finally:
            self._reported += 1


class ConfigWatcher:
    """The files whose change `make dev` reloads: .chalice/config.json and everything under
    chalicelib/ (outputs.toml, its watermarks, the code). Polled: no dependency, a few dozen
    stat calls a second."""

    def __init__(self, project_dir: Path = PROJECT_DIR):
        self.project_dir = project_dir
        self._seen = self._snapshot()

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        files = [self.project_dir / check.CONFIG_FILE,
                 *(path for path in (self.project_dir / "chalicelib").rglob("*")
                   if "__pycache__" not in path.parts)]
        found = {}
        for path in files:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if path.is_file():
                found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changed(self) -> list[str]:
        """The files changed since last asked, once they stop changing (an editor's save can
        take more than one write)."""
        now = self._snapshot()
        if now == self._seen:
            return []
        while True:
            time.sleep(0.2)
            settled = self._snapshot()
            if settled == now:
                break
            now = settled
        changed = sorted(str(path.relative_to(self.project_dir))
                         for path in now.keys() | self._seen.keys()
                         if now.get(path) != self._seen.get(path))
        self._seen = now
        return changed


def _create_backup_bucket(environment: dict[str, str]) -> str | None:
    """BACKUP_BUCKET, versioned, when the stage sets it. Not `make buckets`' TLS-only policy:
    the local endpoint speaks plain HTTP on loopback, and the local S3 applies that policy."""
    from chalicelib.config.settings import backup_bucket

    bucket = backup_bucket(environment)
    if bucket:
        import boto3

        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def _subscribe_to_event_bus(environment: dict[str, str]) -> tuple[str | None, str | None]:
    """EVENT_BUS, created when the stage sets it, with a rule that sends every event of source
    thumbnailer to a queue of the loop's own: what a consumer would subscribe, locally."""
    from chalicelib.config.settings import event_bus

    bus = event_bus(environment)
    if not bus:
        return None, None
    import boto3

    name = bus.rpartition("event-bus/")[2] if bus.startswith("arn:") else bus
    events, sqs = boto3.client("events"), boto3.client("sqs")
    existing = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    if name != "default" and name not in existing:
        events.create_event_bus(Name=name)
    queue_url = sqs.create_queue(QueueName="thumbnailer-local-processed-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="thumbnailer-local-loop", EventBusName=name,
                    EventPattern=json.dumps({"source": ["thumbnailer"]}))
    events.put_targets(Rule="thumbnailer-local-loop", EventBusName=name,
                       Targets=[{"Id": "local-loop", "Arn": queue_arn}])
    return name, queue_url


def print_event(event: dict) -> None:
    detail = event.get("detail", {})
    print(f"  event on the bus: {event.get('detail-type')}  {detail.get('key')}  "
          f"{detail.get('outcome')}", flush=True)


def _aws_environment() -> dict[str, str]:
    names = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_REKOGNITION", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
             "AWS_REGION", "AWS_EC2_METADATA_DISABLED")
    return {name: os.environ[name] for name in names if name in os.environ}


def print_delivery(delivery: Delivery) -> None:
    """One line per record: the upload, its outcome, and each output written by name."""
    for line in delivery.lines:
        print(f"{line['key']}  {line['outcome']}  {_what_happened(line)}  {line['ms']:.0f} ms",
              flush=True)
    if delivery.error:
        print(f"{', '.join(delivery.keys)}  HANDLER RAISED ({delivery.handler}): {delivery.error}"
              "  -- Lambda would retry this event", flush=True)


def _what_happened(line: dict) -> str:
    parts = []
    if line.get("outputs"):
        written = ", ".join(f"{output['name']} {output['size']} ({output['bytes']:,} B)"
                            for output in line["outputs"])
        parts.append(f"{line.get('source_size', '?')} -> {written}")
    if line.get("deleted") is not None:
        parts.append(", ".join(line["deleted"]) or "no output to delete")
    if line.get("reason"):
        parts.append(line["reason"])
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("LOCAL_S3_PORT", DEFAULT_PORT)))
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--renditions-port", type=int, default=None,
                        help="where the renditions URL listens (default: --port + 1)")
    parser.add_argument("--trigger", default=os.environ.get("TRIGGER") or None,
                        help="s3 or eventbridge (default: the stage's TRIGGER, else s3)")
    args = parser.parse_args()
    overrides = {"TRIGGER": args.trigger} if args.trigger else {}
    try:
        configuration = check.load(args.stage, overrides)
    except check.ConfigurationError as error:
        print(f"make dev: not starting, stage {args.stage} is not valid:\n{error}",
              file=sys.stderr)
        return 1

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with local_s3(port=args.port) as endpoint:
        os.environ.update(stage_environment(args.stage), **overrides)
        from app import app

        loop = DevLoop(app, stage=args.stage, workers=args.workers, report_event=print_event,
                       overrides=overrides, watcher=ConfigWatcher())
        source, target = loop.buckets
        def serve_renditions(port: int) -> LocalRenditions:
            return LocalRenditions(
                boto3.client("s3"), target, lambda event: loop.invoke("renditions", event),
                port=port, report=lambda line: print(line, flush=True))

        try:
            renditions = serve_renditions(args.renditions_port or args.port + DEFAULT_PORT_OFFSET)
        except OSError as taken:
            if args.renditions_port:
                print(f"make dev: port {args.renditions_port} for the renditions URL: {taken}",
                      file=sys.stderr)
                return 1
            renditions = serve_renditions(0)  # port + 1 is taken: any free one, in the banner
        print("\n".join(check.describe(configuration)))
        print(f"local S3 at {endpoint} (stage {args.stage}, "
              f"TRIGGER={configuration.settings.trigger}); "
              f"upload to s3://{source}, "
              f"thumbnails appear in s3://{target}\n"
              f"In another shell, this points AWS clients (aws, boto3, make backfill) here:\n"
              f"  {client_exports(endpoint)}\n"
              f"  aws --endpoint-url {endpoint} s3 cp photo.jpg s3://{source}/photo.jpg\n"
              f"  aws --endpoint-url {endpoint} s3 cp s3://{target}/photo-thumbnail.jpg .\n"
              f"  aws --endpoint-url {endpoint} s3 rm s3://{source}/photo.jpg"
              f"  # deletes its outputs\n"
              f"renditions at {renditions.url}/<output key>: the target bucket first, the "
              f"renditions function on a miss (outputs with when = \"request\"), as "
              f"CloudFront serves them\n"
              f"Changes to .chalice/config.json and chalicelib/ (outputs.toml) are reloaded.\n"
              f"ready; Ctrl-C to stop", flush=True)
        try:
            with renditions:
                stats = loop.run(stop)
        except KeyboardInterrupt:
            stop.set()
            stats = loop.stats
    print(f"stopped: {stats.events} events, {dict(stats.outcomes)}, {stats.raised} raised",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
