"""Whole S3 events through the handler on the local S3, and the cold start of `import app`."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.pipeline.log import LOGGER_NAME
from devtools.bench.images import SourceImage
from devtools.bench.measure import _timed_with_cpu
from devtools.events import s3_record
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment

STAGE = "dev"


@dataclass
class EventTiming:
    """One image through the whole handler: GetObject, render, PutObject, log."""

    image: str
    group: str
    event_ms: float  # median
    render_ms: float  # median of the render inside the events
    overhead_ms: float  # median over rounds of (event - the render inside it)
    # CPU time of this process (event minus render, median): what the handler itself adds,
    # without the local S3 server's work or the wait for it.
    cpu_overhead_ms: float
    event_samples_ms: list[float]
    render_samples_ms: list[float]



@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def time_events(images: list[SourceImage], rounds: int) -> list[EventTiming]:
    """A one-record S3 event through its handler on the local S3 (a separate process).

    The render inside each event is timed too (the handler's render_outputs is wrapped in a
    timer), so overhead = event - that same render: the S3 calls, parsing and logging the event
    adds, free of the render's own run-to-run noise.
    """
    from chalicelib.pipeline import record as thumbnailer
    from devtools.local_s3 import local_s3  # moto: heavy, and the memory children need none of it

    stage_env = stage_environment(STAGE)
    inner: list[tuple[float, float]] = []  # (wall, cpu) of the render inside the last event

    real_render = thumbnailer.render_outputs

    def timed_render(data, requests, limits, **options):
        result, wall, cpu = _timed_with_cpu(real_render, data, requests, limits, **options)
        inner.append((wall, cpu))
        return result

    with local_s3(separate_process=True), environment(stage_env):
        import boto3

        from app import app

        # One JSON line per record is the handler's job, not what we time: keep it quiet.
        logging.getLogger(LOGGER_NAME).setLevel(logging.WARNING)
        s3 = boto3.client("s3")
        for bucket in (stage_env["SOURCE_BUCKET"], stage_env["TARGET_BUCKET"]):
            s3.create_bucket(Bucket=bucket)
        deliveries = [(image, *_upload_record(s3, stage_env["SOURCE_BUCKET"], image))
                      for image in images]
        samples_s: dict[str, list[tuple[float, float, float]]] = {i.name: [] for i in images}
        thumbnailer.render_outputs = timed_render
        try:
            for round_number in range(rounds + 1):  # round 0 is the warm-up
                for image, handler, record in deliveries:
                    inner.clear()
                    context = lambda_context(handler, STAGE)  # as Lambda calls the handler
                    payload, whole, whole_cpu = _timed_with_cpu(
                        app.handler_map[handler], {"Records": [record]}, context)
                    if payload.get("written") != 1 or len(inner) != 1:
                        raise RuntimeError(f"{image.name}: not written once: {payload}")
                    if round_number:
                        (render_wall, render_cpu), = inner
                        samples_s[image.name].append(
                            (whole, render_wall, whole_cpu - render_cpu))
        finally:
            thumbnailer.render_outputs = real_render
    timings = []
    for image in images:
        events, renders, cpu_overheads = zip(*samples_s[image.name], strict=True)
        timings.append(EventTiming(
            image.name, image.group,
            event_ms=statistics.median(events) * 1000,
            render_ms=statistics.median(renders) * 1000,
            overhead_ms=statistics.median(
                e - r for e, r in zip(events, renders, strict=True)) * 1000,
            cpu_overhead_ms=statistics.median(cpu_overheads) * 1000,
            event_samples_ms=[round(s * 1000, 2) for s in events],
            render_samples_ms=[round(s * 1000, 2) for s in renders]))
    return timings


def _upload_record(s3, bucket: str, image: SourceImage) -> tuple[str, dict]:
    """Upload under a key with spaces (URL-encoded in the event) -> (handler name, record)."""
    suffix = image.path.suffix.lower()
    key = f"bench/{image.path.stem} upload{suffix}"
    s3.put_object(Bucket=bucket, Key=key, Body=image.data)
    head = s3.head_object(Bucket=bucket, Key=key)
    return f"thumbnail_{suffix.lstrip('.')}", s3_record(bucket, key, head["ContentLength"],
                                                         head["ETag"])


# --- cold start -------------------------------------------------------------------------------

COLD_START_STATEMENTS = {
    "boto3_client": 'import boto3; boto3.client("s3")',
    "import_app": "import app",
    # What a cold start pays before its first render: the app creates its client lazily.
    "import_app_and_client": 'import app; import boto3; boto3.client("s3")',
}


def _cold_start_env() -> dict[str, str]:
    """The dev stage, fake credentials and a region: nothing looked up on disk or the network."""
    from devtools.local_s3 import LOCAL_CREDENTIALS

    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AWS_") and name != "PYTHONPATH"}
    env.update(LOCAL_CREDENTIALS, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.update(stage_environment(STAGE))
    return env


def cold_start_ms(samples_each: int) -> dict[str, list[float]]:
    """In-process time of each statement in fresh interpreters (cwd = project, like /var/task)."""
    program = "import time\nstarted = time.perf_counter()\n{}\nprint(time.perf_counter() - started)"
    env, times = _cold_start_env(), {name: [] for name in COLD_START_STATEMENTS}
    for _ in range(samples_each):
        for name, statement in COLD_START_STATEMENTS.items():  # interleaved
            completed = subprocess.run([sys.executable, "-c", program.format(statement)],
                                       cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                                       check=True)
            times[name].append(float(completed.stdout.strip()) * 1000)
    return times


_IMPORT_TIME_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S.*)$")


def slowest_imports(count: int) -> list[dict]:
    """`python -X importtime -c 'import app'`: the top modules by cumulative time."""
    completed = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"],
                               cwd=PROJECT_DIR, env=_cold_start_env(), capture_output=True,
                               text=True, check=True)
    modules = [
        {"module": match[4].strip(), "cumulative_ms": int(match[2]) / 1000,
         "self_ms": int(match[1]) / 1000, "depth": (len(match[3]) - 1) // 2}
        for match in map(_IMPORT_TIME_LINE.match, completed.stderr.splitlines()) if match
    ]
    return sorted(modules, key=lambda module: module["cumulative_ms"], reverse=True)[:count]

