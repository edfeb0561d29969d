"""Whole events at a real S3 round-trip time: where a deployed function spends an event.

On loopback the local S3 answers in well under a millisecond; from Lambda in-region an S3
request takes 20-50 ms, so an event's time is mostly round trips. Here every S3 request of an
event goes through devtools/latency.py's proxy (in a process of its own, proxy_process.py),
which waits the RTT before forwarding it to the local S3 (moto, also in a process of its own),
and the same events also run against the local S3 direct ("loopback"), side by side.

Two cases, three methods each, every one a function called with an S3 event as Lambda calls it,
with boto3 clients made once per process (a warm function):

- thumbnail, one thumbnail per event:
    ours      the real handler (app.thumbnail_jpg), the stage's environment with
              OUTPUTS=thumbnail: GetObject, render, PutObject, HeadObject (the post-write check)
    libvips   the same requests: GetObject, pyvips thumbnail_buffer to 1280x720 JPEG q85
              (methods.render_libvips), PutObject, HeadObject
    tutorial  the code most users start from (the AWS Lambda S3 tutorial): GetObject,
              Image.thumbnail, save (methods.render_tutorial), PutObject. The tutorial as
              published downloads with download_file, which sends a HeadObject first: one
              round trip more than measured here.
- outputs, OUTPUTS=thumbnail,card,small,marked:
    ours      the real handler
    libvips   GetObject, outputs_case.render_libvips, the four PutObjects at once (a pool of 4
              threads), HeadObject
    tutorial  GetObject, outputs_case.render_tutorial (Pillow per output), one PutObject after
              another

Every (setting, image, case, method) runs once per round, a warm-up round first, methods and
settings rotated between rounds so drift hits all alike; p50 and p95 over the rounds. Inside each
event the render is timed too, so the event splits into before the render (the fetch), the render
and after it (writes not yet done, the post-write check); the process's CPU time (all threads)
is taken too, and the proxy counts the requests by method.
Peak memory of ours is measured per event in fresh processes, and the billed GB-s follow from
the event durations at the headline RTT.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

from chalicelib.image.budget import FULL_VCPU_MB
from devtools import samples
from devtools.bench import methods as single
from devtools.bench import outputs_case
from devtools.bench.endtoend import environment
from devtools.bench.images import SourceImage
from devtools.bench.measure import _proc_status_kb
from devtools.bench.proxy_process import PROXY_KINDS
from devtools.events import s3_record
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment

STAGE = "dev"
LOOPBACK = "loopback"  # the local S3 direct, no proxy
DEFAULT_RTTS_MS = (0.0, 30.0, 80.0)
QUICK_RTTS_MS = (30.0,)
HEADLINE_RTT_MS = 30.0  # targets, memory and billing are read at this RTT
DEFAULT_ROUNDS = 10
CASE_OUTPUTS = {"thumbnail": "thumbnail", "outputs": "thumbnail,card,small,marked"}
CASE_TITLES = {"thumbnail": "One thumbnail per event (OUTPUTS=thumbnail)",
               "outputs": "Four outputs per event (OUTPUTS=thumbnail,card,small,marked)"}
METHOD_DESCRIPTIONS = {
    "thumbnail": {
        "ours": "the real handler: GetObject, render, PutObject, HeadObject",
        "libvips": "GetObject, pyvips thumbnail_buffer (JPEG q85), PutObject, HeadObject",
        "tutorial": "the AWS tutorial's code: GetObject, Image.thumbnail + save, PutObject",
    },
    "outputs": {
        "ours": "the real handler: GetObject, render (each output stored as soon as it is "
                "encoded), HeadObject",
        "libvips": "GetObject, libvips render, 4 PutObjects at once (4 threads), HeadObject",
        "tutorial": "GetObject, Pillow per output, 4 PutObjects one after another",
    },
}
# Issue 19's targets at the headline RTT: (case, key, meaning, limit); ratios of p50 event times.
TARGETS = (
    ("thumbnail", "ours_vs_libvips", "ours / libvips, one thumbnail", 1.0),
    ("outputs", "ours_vs_libvips", "ours / libvips with overlapped writes, four outputs", 0.85),
    ("outputs", "ours_vs_tutorial", "ours / per-output Pillow, four outputs", 0.5),
)
MEMORY_TARGET = 1.5  # ours' peak with four outputs / with one thumbnail

# Prices at the time of writing (us-east-1), from memory: this machine has no network. Check
# https://aws.amazon.com/lambda/pricing/ and https://aws.amazon.com/s3/pricing/.
LAMBDA_X86_USD_PER_GB_S = 0.0000166667  # first 6 billion GB-s a month
LAMBDA_USD_PER_MILLION_REQUESTS = 0.20
S3_USD_PER_1000 = {"PUT": 0.005, "POST": 0.005, "GET": 0.0004, "HEAD": 0.0004}  # S3 Standard
PRICE_NOTE = ("x86 Lambda price in us-east-1, first 6 billion GB-s a month, at the time of "
              "writing and from memory (no network here): check "
              "https://aws.amazon.com/lambda/pricing/")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
                 "AVIF": "image/avif"}


@dataclass(frozen=True)
class Setting:
    """Where an event's S3 requests go: the local S3 direct, or the proxy that delays them."""

    label: str  # "loopback", "30 ms"
    rtt_ms: float | None  # None: loopback
    endpoint: str
    proxy: object | None = None  # ThreadProxy or ProcessProxy: .counts()

    def requests_so_far(self) -> dict[str, int]:
        return self.proxy.counts() if self.proxy else {}


def setting_label(rtt_ms: float | None) -> str:
    return LOOPBACK if rtt_ms is None else f"{rtt_ms:g} ms"


@contextlib.contextmanager
def latency_settings(moto_endpoint: str, rtts_ms: list[float], proxy_kind: str = "process"
                     ) -> Iterator[list[Setting]]:
    """Loopback, then one started proxy per RTT."""
    with contextlib.ExitStack() as proxies:
        settings = [Setting(LOOPBACK, None, moto_endpoint)]
        for rtt_ms in rtts_ms:
            proxy = proxies.enter_context(PROXY_KINDS[proxy_kind](moto_endpoint, rtt_ms / 1000))
            settings.append(Setting(setting_label(rtt_ms), rtt_ms, proxy.url, proxy))
        yield settings


# --- the events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One image uploaded to the source bucket, and the record S3 would deliver for it."""

    image: SourceImage
    handler: str  # app.<handler>, by the upload's suffix
    record: dict


Span = tuple[float, float]  # (start, end), time.perf_counter()


class EventMethods:
    """The three ways to handle an event, each returning when its render started and ended."""

    def __init__(self, target_bucket: str):
        import app as app_module  # the stage's environment must be set by now
        from chalicelib.pipeline import record as record_flow

        self.app, self.record_flow = app_module, record_flow
        self.target_bucket = target_bucket
        self._clients: dict[str, object] = {}
        self._writers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="libvips-put")
        self._inner_renders: list[Span] = []

    def close(self) -> None:
        self._writers.shutdown()

    def client(self, endpoint: str):
        """The baselines' client for `endpoint`, made once (a warm function keeps its client)."""
        if endpoint not in self._clients:
            import boto3

            self._clients[endpoint] = boto3.client("s3", endpoint_url=endpoint)
        return self._clients[endpoint]

    @contextlib.contextmanager
    def timing_our_render(self) -> Iterator[None]:
        """Wrap the pipeline's render_outputs in a timer, so ours reports its render too."""
        real = self.record_flow.render_outputs

        def timed(*args, **options):
            started = time.perf_counter()
            try:
                return real(*args, **options)
            finally:
                self._inner_renders.append((started, time.perf_counter()))

        self.record_flow.render_outputs = timed
        try:
            yield
        finally:
            self.record_flow.render_outputs = real

    def prepare(self, method: str, case: str, delivery: Delivery, setting: Setting
                ) -> Callable[[], Span]:
        """One event, ready to time; the environment (OUTPUTS, AWS_ENDPOINT_URL_S3) is the
        caller's."""
        event = {"Records": [delivery.record]}
        if method == "ours":
            context = lambda_context(delivery.handler, STAGE)  # memory, the whole timeout
            return lambda: self.ours(delivery.handler, event, context, case)
        s3 = self.client(setting.endpoint)
        return lambda: getattr(self, f"{method}_{case}")(event, s3)

    def ours(self, handler: str, event: dict, context, case: str) -> Span:
        self._inner_renders.clear()
        payload = getattr(self.app, handler)(event, context)  # as Lambda calls it
        if payload.get("written") != 1 or len(self._inner_renders) != 1:
            raise RuntimeError(f"ours ({case}): not written once: {payload}")
        return self._inner_renders[0]

    # The baselines read the record as the tutorial does: bucket name, unquote_plus(key).

    def libvips_thumbnail(self, event: dict, s3) -> Span:
        bucket, key = _location(event)
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        started = time.perf_counter()
        thumbnail = single.render_libvips(data, "JPEG")
        rendered_at = time.perf_counter()
        s3.put_object(Bucket=self.target_bucket, Key=_target_key("libvips", key, "thumbnail"),
                      Body=thumbnail, ContentType="image/jpeg")
        s3.head_object(Bucket=bucket, Key=key)  # the post-write check: still the upload rendered
        return started, rendered_at

    def tutorial_thumbnail(self, event: dict, s3) -> Span:
        bucket, key = _location(event)
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        started = time.perf_counter()
        thumbnail = single.render_tutorial(data, "JPEG")
        rendered_at = time.perf_counter()
        s3.put_object(Bucket=self.target_bucket, Key=_target_key("tutorial", key, "thumbnail"),
                      Body=thumbnail)
        return started, rendered_at

    def libvips_outputs(self, event: dict, s3) -> Span:
        bucket, key = _location(event)
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        started = time.perf_counter()
        rendered = outputs_case.render_libvips(data, "JPEG")
        rendered_at = time.perf_counter()
        writes = [self._writers.submit(self._put_output, s3, "libvips", key, name, body)
                  for name, body in rendered.items()]
        for write in writes:
            write.result()
        s3.head_object(Bucket=bucket, Key=key)
        return started, rendered_at

    def tutorial_outputs(self, event: dict, s3) -> Span:
        bucket, key = _location(event)
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        started = time.perf_counter()
        rendered = outputs_case.render_tutorial(data, "JPEG")
        rendered_at = time.perf_counter()
        for name, body in rendered.items():
            self._put_output(s3, "tutorial", key, name, body)
        return started, rendered_at

    def _put_output(self, s3, method: str, key: str, name: str, body: bytes) -> None:
        pillow_format = _OUTPUT_FORMATS[name]
        s3.put_object(Bucket=self.target_bucket, Key=_target_key(method, key, name, pillow_format),
                      Body=body, ContentType=CONTENT_TYPES[pillow_format])


_OUTPUT_FORMATS = {request.name: request.pillow_format
                   for request in outputs_case.output_requests("JPEG")}


def _location(event: dict) -> tuple[str, str]:
    s3 = event["Records"][0]["s3"]
    return s3["bucket"]["name"], unquote_plus(s3["object"]["key"])


def _target_key(method: str, key: str, name: str, pillow_format: str = "JPEG") -> str:
    extension = {"JPEG": "jpg"}.get(pillow_format, pillow_format.lower())
    return f"{method}/{Path(key).stem}-{name}.{extension}"


def upload(s3, bucket: str, key: str, data: bytes) -> dict:
    """Put `data` under `key`; the record S3 would deliver for it (key URL-encoded)."""
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    head = s3.head_object(Bucket=bucket, Key=key)
    return s3_record(bucket, key, head["ContentLength"], head["ETag"])


# --- measuring --------------------------------------------------------------------------------


def _rotated(items: list, by: int) -> list:
    by %= len(items)
    return items[by:] + items[:by]


def time_latency_events(event_methods: EventMethods, deliveries: list[Delivery],
                        settings: list[Setting], methods: list[str], rounds: int
                        ) -> dict[tuple[str, str, str, str], list[dict]]:
    """(case, setting, image, method) -> one sample per round: seconds of the event, of its
    render, before and after the render, of CPU; requests by HTTP method."""
    samples_by: dict[tuple[str, str, str, str], list[dict]] = {}
    with event_methods.timing_our_render():
        for round_number in range(rounds + 1):  # round 0 warms every client and codec
            for setting in _rotated(settings, round_number):
                os.environ["AWS_ENDPOINT_URL_S3"] = setting.endpoint
                for delivery in deliveries:
                    for case, outputs in CASE_OUTPUTS.items():
                        os.environ["OUTPUTS"] = outputs
                        for method in _rotated(methods, round_number):
                            handle = event_methods.prepare(method, case, delivery, setting)
                            before = setting.requests_so_far()
                            started, cpu_started = time.perf_counter(), time.process_time()
                            render = handle()
                            ended = time.perf_counter()
                            cpu_s = time.process_time() - cpu_started
                            after = setting.requests_so_far()
                            if round_number:
                                samples_by.setdefault(
                                    (case, setting.label, delivery.image.name, method), []
                                ).append({"event_s": ended - started,
                                          "render_s": render[1] - render[0],
                                          "before_render_s": render[0] - started,
                                          "after_render_s": ended - render[1], "cpu_s": cpu_s,
                                          "requests": {verb: after[verb] - before.get(verb, 0)
                                                       for verb in after
                                                       if after[verb] != before.get(verb, 0)}})
    return samples_by


def percentile(values: list[float], percent: float) -> float:
    """Linear interpolation between the closest ranks (statistics' "inclusive" method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(percent) - 1]


def summarize(samples_of_one: list[dict]) -> dict:
    events = [s["event_s"] * 1000 for s in samples_of_one]
    renders = [s["render_s"] * 1000 for s in samples_of_one]
    return {
        "p50_ms": statistics.median(events),
        "p95_ms": percentile(events, 95),
        "mean_ms": statistics.fmean(events),
        "render_ms": statistics.median(renders),
        "wait_ms": statistics.median(e - r for e, r in zip(events, renders, strict=True)),
        "before_render_ms": statistics.median(s["before_render_s"] * 1000 for s in samples_of_one),
        "after_render_ms": statistics.median(s["after_render_s"] * 1000 for s in samples_of_one),
        "cpu_ms": statistics.median(s["cpu_s"] * 1000 for s in samples_of_one),
        "requests": samples_of_one[-1]["requests"],
        "samples_ms": [round(ms, 2) for ms in events],
        "render_samples_ms": [round(ms, 2) for ms in renders],
    }


def critical_round_trips(by_setting: dict[str, dict], settings: list[Setting]) -> dict | None:
    """How many RTTs the event waits in a row: the slope of p50 over the RTT. Between the
    lowest and the highest proxied RTT; with one proxied RTT, against loopback (the slope then
    also holds the proxy's own hop, well under a millisecond a request)."""
    proxied = sorted((s for s in settings if s.rtt_ms is not None), key=lambda s: s.rtt_ms)
    if not proxied:
        return None
    low = proxied[0] if len(proxied) > 1 else settings[0]
    high = proxied[-1]
    span = high.rtt_ms - (low.rtt_ms or 0.0)
    if span <= 0:
        return None
    slope = (by_setting[high.label]["p50_ms"] - by_setting[low.label]["p50_ms"]) / span
    return {"value": slope, "between": [low.label, high.label]}


def headline_image(images: list[SourceImage]) -> SourceImage:
    """The phone-sized photo (closest to 12 MP): the one the chart and the targets' line show."""
    return min(images, key=lambda image: (abs(image.megapixels - 12), image.megapixels))


def measure_latency(images: list[SourceImage], methods: list[str], rtts_ms: list[float],
                    rounds: int, proxy_kind: str = "process", progress: Callable = print
                    ) -> dict:
    """The `latency` section of results.json. `images`: the JPEG photos."""
    from devtools.local_s3 import local_s3

    headline_rtt = HEADLINE_RTT_MS if HEADLINE_RTT_MS in rtts_ms else max(rtts_ms)
    stage_env = stage_environment(STAGE)
    memory_mb = lambda_context("thumbnail_jpg", STAGE).memory_limit_in_mb
    function_env = {**stage_env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb)}
    with local_s3(separate_process=True) as moto_endpoint, environment(function_env), \
            latency_settings(moto_endpoint, rtts_ms, proxy_kind) as settings:
        logging.getLogger(_pipeline_logger()).setLevel(logging.WARNING)  # one line per record
        import boto3

        s3 = boto3.client("s3")  # the local S3 direct: setting up is not timed
        source, target = stage_env["SOURCE_BUCKET"], stage_env["TARGET_BUCKET"]
        for bucket in (source, target):
            s3.create_bucket(Bucket=bucket)
        deliveries = [Delivery(image, f"thumbnail_{image.path.suffix.lower().lstrip('.')}",
                               upload(s3, source, f"latency/{image.path.stem} upload"
                                      f"{image.path.suffix.lower()}", image.data))
                      for image in images]
        event_methods = EventMethods(target)
        events = len(settings) * len(images) * len(CASE_OUTPUTS) * len(methods)
        progress(f"latency: {events} events a round ({', '.join(s.label for s in settings)}; "
                 f"{len(images)} image(s); 2 cases; {len(methods)} methods), 1 warm-up + "
                 f"{rounds} rounds; S3 requests through a proxy in a {proxy_kind}")
        try:
            samples_by = time_latency_events(event_methods, deliveries, settings, methods, rounds)
        finally:
            event_methods.close()
        headline = next(s for s in settings if s.rtt_ms == headline_rtt)
        progress(f"latency: peak memory of ours, {len(images) * 2} fresh processes at "
                 f"{headline.label}")
        warm_up = upload(s3, source, "latency/warm-up.jpg",
                         samples.jpeg_bytes(samples.photo_like((96, 64))))
        memory = {d.image.name: {case: event_peak_memory(d.handler, d.record, warm_up, outputs,
                                                         headline.endpoint)
                                 for case, outputs in CASE_OUTPUTS.items()}
                  for d in deliveries}
    return latency_results(images, methods, settings, samples_by, memory, headline, rounds,
                           proxy_kind, memory_mb)


def _pipeline_logger() -> str:
    from chalicelib.pipeline.log import LOGGER_NAME

    return LOGGER_NAME


def latency_results(images: list[SourceImage], methods: list[str], settings: list[Setting],
                    samples_by: dict, memory: dict, headline: Setting, rounds: int,
                    proxy_kind: str, memory_mb: int) -> dict:
    labels = [s.label for s in settings]
    cases = {}
    for case in CASE_OUTPUTS:
        per_image = {}
        for image in images:
            rows = {}
            for method in methods:
                by_setting = {label: summarize(samples_by[case, label, image.name, method])
                              for label in labels}
                rows[method] = {"settings": by_setting,
                                "critical_round_trips": critical_round_trips(by_setting,
                                                                             settings)}
            per_image[image.name] = {"group": image.group,
                                     "megapixels": round(image.megapixels, 2), "methods": rows}
        cases[case] = {"outputs": CASE_OUTPUTS[case], "title": CASE_TITLES[case],
                       "methods": {m: METHOD_DESCRIPTIONS[case][m] for m in methods},
                       "images": per_image}
    return {
        "settings": labels,
        "rtts_ms": [s.rtt_ms for s in settings],
        "headline_setting": headline.label,
        "headline_image": headline_image(images).name,
        "rounds": rounds,
        "proxy": proxy_kind,
        "cases": cases,
        "targets": {image.name: latency_targets(cases, image.name, headline.label)
                    for image in images},
        "memory": {name: memory_summary(peaks) for name, peaks in memory.items()},
        "billing": billing(cases, images, methods, headline.label, memory_mb),
    }


def latency_targets(cases: dict, image: str, label: str) -> dict:
    checked = {}
    for case, key, meaning, limit in TARGETS:
        rows = cases[case]["images"][image]["methods"]
        other = key.removeprefix("ours_vs_")
        if "ours" not in rows or other not in rows:
            continue
        ours, theirs = rows["ours"]["settings"][label], rows[other]["settings"][label]
        value = ours["p50_ms"] / theirs["p50_ms"]
        checked[f"{case}.{key}"] = {"value": value, "p95_value": ours["p95_ms"] / theirs["p95_ms"],
                                    "limit": limit, "meaning": meaning, "met": value <= limit}
    return checked


def memory_summary(peaks: dict[str, dict]) -> dict:
    one, four = peaks["thumbnail"], peaks["outputs"]
    ratio = four["peak_mb"] / one["peak_mb"]
    return {"thumbnail": one, "outputs": four, "ratio": ratio,
            "max_rss_ratio": four["max_rss_mb"] / one["max_rss_mb"],
            "limit": MEMORY_TARGET, "met": ratio <= MEMORY_TARGET}


def billing(cases: dict, images: list[SourceImage], methods: list[str], label: str,
            memory_mb: int) -> dict:
    """GB-s per million uploads at the function's memory, from the event durations at `label`:
    Lambda bills each invocation's duration rounded up to the millisecond, times GB."""
    gb = memory_mb / 1024
    per_image = {}
    for image in images:
        per_case = {}
        for case in cases:
            per_method = {}
            for method in methods:
                numbers = cases[case]["images"][image.name]["methods"][method]["settings"][label]
                billed_mean_ms = statistics.fmean(math.ceil(ms) for ms in numbers["samples_ms"])
                billed_p50_ms = math.ceil(numbers["p50_ms"])
                # The render is CPU-bound: with memory_mb / 1769 of a vCPU it takes longer.
                slower = numbers["cpu_ms"] * (FULL_VCPU_MB / min(memory_mb, FULL_VCPU_MB) - 1)
                per_method[method] = {
                    "billed_mean_ms": billed_mean_ms, "billed_p50_ms": billed_p50_ms,
                    "gb_s_per_million_mean": billed_mean_ms / 1000 * gb * 1e6,
                    "gb_s_per_million_p50": billed_p50_ms / 1000 * gb * 1e6,
                    "usd_per_million_mean": billed_mean_ms / 1000 * gb * 1e6
                    * LAMBDA_X86_USD_PER_GB_S,
                    "usd_per_million_p50": billed_p50_ms / 1000 * gb * 1e6
                    * LAMBDA_X86_USD_PER_GB_S,
                    "estimated_lambda_mean_ms": numbers["mean_ms"] + slower,
                    "s3_requests_usd_per_million": sum(
                        count * S3_USD_PER_1000.get(verb, 0.0) * 1000
                        for verb, count in numbers["requests"].items()),
                }
            per_case[case] = per_method
        per_image[image.name] = per_case
    return {"memory_mb": memory_mb, "setting": label,
            "usd_per_gb_s": LAMBDA_X86_USD_PER_GB_S, "price_note": PRICE_NOTE,
            "lambda_usd_per_million_requests": LAMBDA_USD_PER_MILLION_REQUESTS,
            "s3_usd_per_1000_requests": S3_USD_PER_1000, "images": per_image}


# --- peak memory of one event, in a fresh process -----------------------------------------------


def event_peak_memory(handler: str, record: dict, warm_up: dict, outputs: str,
                      endpoint: str) -> dict:
    """Ours on one event in a fresh process, as a warm function with OUTPUTS=`outputs` runs it
    (a tiny upload's event first: imports, clients, codecs, the watermark)."""
    spec = json.dumps({"handler": handler, "record": record, "warm_up": warm_up})
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--event-child", spec], cwd=PROJECT_DIR,
        env={**os.environ, "OUTPUTS": outputs, "AWS_ENDPOINT_URL_S3": endpoint},
        capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"memory child ({outputs}) failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child_event_peak(spec_json: str) -> None:
    """In the fresh process: the warm-up event, then the measured one. VmHWM growth over the
    RSS before it (clear_refs resets the high-water mark, as measure.py's children do), and
    ru_maxrss, the process's whole peak (what Lambda reports as Max Memory Used, roughly)."""
    spec = json.loads(spec_json)
    import app as app_module

    logging.getLogger(_pipeline_logger()).setLevel(logging.WARNING)
    handler = getattr(app_module, spec["handler"])
    for record in (spec["warm_up"], spec["record"]):
        if record is spec["record"]:
            baseline_kb = _proc_status_kb("VmRSS")
            with contextlib.suppress(OSError):
                Path("/proc/self/clear_refs").write_text("5")
        payload = handler({"Records": [record]}, lambda_context(spec["handler"], STAGE))
        if payload.get("written") != 1:
            raise RuntimeError(f"not written: {payload}")
    peak_kb = _proc_status_kb("VmHWM")
    max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    print(json.dumps({"baseline_mb": baseline_kb / 1024, "peak_mb": (peak_kb - baseline_kb) / 1024,
                      "max_rss_mb": max_rss_kb / 1024}))
