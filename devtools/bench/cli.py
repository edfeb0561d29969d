"""The run: arguments, measuring everything, writing the JSON, the tables and the chart."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

import PIL

from chalicelib.image import render as render_module
from devtools.bench import endtoend, latency_case
from devtools.bench.chart import write_chart, write_latency_chart, write_outputs_chart
from devtools.bench.images import IMAGE_CACHE, SourceImage, folder_images, generated_images
from devtools.bench.measure import (
    Measurement,
    child_peak_memory,
    compare_quality,
    peak_memory_mb,
    time_renders,
)
from devtools.bench.methods import BOX, JPEG_QUALITY, METHODS, _pyvips
from devtools.bench.outputs_case import measure_outputs
from devtools.bench.report import group_order, latency_report, report, summarize_groups
from devtools.stage import PROJECT_DIR

DEFAULT_OUT = PROJECT_DIR / "build" / "bench"
QUICK_OUT = DEFAULT_OUT / "quick"  # smoke runs never touch a full run's results or docs/
# The generated set's chart, shown in docs/performance.md.
COMMITTED_CHART = PROJECT_DIR / "docs" / "bench.png"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench",
                                     description=_summary_line())
    parser.add_argument("--images", type=Path, help="a folder of .jpg/.jpeg/.png photos to use "
                        "instead of the generated set")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after the warm-up (5)")
    parser.add_argument("--quick", action="store_true", help="smoke mode for CI: small images, "
                        "1 round, 1 cold-start sample; everything still exercised")
    parser.add_argument("--out", type=Path, help="where results.json goes (build/bench; "
                        "build/bench/quick with --quick)")
    parser.add_argument("--chart", type=Path, help="chart PNG (docs/bench.png for a full run on "
                        "the generated set, else bench.png in --out)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated subset of {','.join(METHODS)}")
    parser.add_argument("--vips-threads", type=int, default=1,
                        help="libvips worker threads (1: a Lambda function below 1769 MB has at "
                        "most one vCPU, so more threads cannot help it there)")
    parser.add_argument("--outputs-chart", type=Path, help="chart PNG of the multi-output case "
                        "(beside --chart, its name + '-outputs': docs/bench-outputs.png for a "
                        "full run on the generated set)")
    parser.add_argument("--rtt", help="comma-separated round-trip times in ms: every S3 "
                        "request of an event delayed by each, beside loopback (0,30,80; "
                        "--quick: 30)")
    parser.add_argument("--latency-rounds", type=int, help="timed rounds of the latency events "
                        f"after the warm-up ({latency_case.DEFAULT_ROUNDS}; --quick: 1): "
                        "enough for a p95")
    parser.add_argument("--proxy", choices=("process", "thread"), default="process",
                        help="where the latency proxy runs: its own process (the default: it "
                        "does not take this interpreter's GIL from the handler) or a thread here")
    parser.add_argument("--latency-chart", type=Path, help="chart PNG of the latency events "
                        "(beside --chart, its name + '-latency': docs/bench-latency.png for a "
                        "full run on the generated set)")
    parser.add_argument("--latency-only", action="store_true", help="only the latency events, "
                        "to iterate on the handler: results.json and bench-latency.png in "
                        "build/bench/latency (build/bench/quick/latency with --quick)")
    parser.add_argument("--event-child", metavar="SPEC", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--case", choices=("thumbnail", "outputs"), default="thumbnail",
                        help=argparse.SUPPRESS)  # which case a --child renders
    args = parser.parse_args(argv)
    args.methods = [method.strip() for method in args.methods.split(",") if method.strip()]
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown or not args.methods:
        parser.error(f"--methods: pick from {', '.join(METHODS)} (got {unknown or 'none'})")
    if not args.child:  # read by libvips when it starts; the memory children inherit it
        os.environ["VIPS_CONCURRENCY"] = str(max(1, args.vips_threads))
    if args.quick:
        args.rounds = 1
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.latency_rounds is None:
        args.latency_rounds = 1 if args.quick else latency_case.DEFAULT_ROUNDS
    if args.latency_rounds < 1:
        parser.error("--latency-rounds must be at least 1")
    if args.rtt is None:
        args.rtt = latency_case.QUICK_RTTS_MS if args.quick else latency_case.DEFAULT_RTTS_MS
    else:
        try:
            args.rtt = tuple(dict.fromkeys(float(ms) for ms in args.rtt.split(",") if ms.strip()))
        except ValueError:
            parser.error(f"--rtt: milliseconds, comma-separated (got {args.rtt!r})")
    if not args.rtt or not all(math.isfinite(ms) and ms >= 0 for ms in args.rtt):
        parser.error("--rtt: at least one round-trip time, none negative")
    if args.out is None:
        args.out = QUICK_OUT if args.quick else DEFAULT_OUT
        if args.latency_only:  # never beside, nor instead of, a whole run's results
            args.out /= "latency"
    if args.chart is None:
        full_generated_run = not args.quick and not args.images and not args.latency_only
        args.chart = COMMITTED_CHART if full_generated_run else args.out / "bench.png"
    if args.outputs_chart is None:
        args.outputs_chart = args.chart.with_name(f"{args.chart.stem}-outputs.png")
    if args.latency_chart is None:
        args.latency_chart = args.chart.with_name(f"{args.chart.stem}-latency.png")
    return args


def _summary_line() -> str:
    """The package docstring's first line (the package imports this module: no cycle at call)."""
    return sys.modules["devtools.bench"].__doc__.split("\n")[0]


def progress(message: str) -> None:
    print(message, file=sys.stderr)


def measure_methods(images: list[SourceImage], methods: list[str], rounds: int
                    ) -> list[Measurement]:
    """Time, peak memory and quality of every method on every image."""
    progress(f"render timing: {len(images)} images x {len(methods)} methods, "
             f"1 warm-up + {rounds} rounds")
    seconds, outputs = time_renders(images, methods, rounds)
    progress(f"peak memory: {len(images) * len(methods)} fresh processes")
    peaks = {(method, image.name): peak_memory_mb(method, image)
             for image in images for method in methods}
    progress("quality: full-resolution references")
    measurements = []
    for image in images:
        quality = compare_quality(image, {m: outputs[m, image.name] for m in methods})
        for method in methods:
            timed = seconds[method, image.name]
            median_s = statistics.median(timed)
            mae, thumbnail_size, note = quality[method]
            measurements.append(Measurement(
                method=method, image=image.name, group=image.group,
                megapixels=round(image.megapixels, 2), ms=median_s * 1000,
                samples_ms=[round(s * 1000, 2) for s in timed],
                mp_per_s=image.megapixels / median_s, peak_mb=peaks[method, image.name],
                bytes_out=len(outputs[method, image.name]), thumbnail_size=thumbnail_size,
                mae=mae, note=note))
    return measurements


def source_images(args: argparse.Namespace) -> list[SourceImage]:
    if args.images:
        return folder_images(args.images)
    return generated_images(args.out / "images" if args.quick else IMAGE_CACHE, args.quick)


def run(args: argparse.Namespace) -> dict:
    """Every measurement, as the JSON that is written and printed."""
    methods, rounds = args.methods, args.rounds
    images = source_images(args)
    measurements = measure_methods(images, methods, rounds)
    progress(f"event timing: local S3, 1 warm-up + {rounds} rounds")
    events = endtoend.time_events(images, rounds)
    cold_samples = 1 if args.quick else 5
    progress(f"cold start: {cold_samples} fresh interpreter(s) each")
    cold_times = endtoend.cold_start_ms(cold_samples)
    cold = {name: statistics.median(times) for name, times in cold_times.items()}
    groups = summarize_groups(measurements)
    jpegs = [image for image in images if image.format == "JPEG"]
    progress(f"multi-output case: {len(jpegs)} JPEG(s) x {len(methods)} methods, 4 outputs each,"
             f" 1 warm-up + {rounds} rounds, then {len(jpegs) * len(methods)} fresh processes")
    outputs_case = measure_outputs(jpegs, methods, rounds,
                                   {(m.method, m.image): m.peak_mb for m in measurements})
    latency = latency_case.measure_latency(jpegs, methods, list(args.rtt), args.latency_rounds,
                                           args.proxy, progress) if jpegs else None
    return {
        "settings": {
            "box": list(BOX), "jpeg_quality": JPEG_QUALITY, "rounds": rounds, "quick": args.quick,
            "methods": methods, "images_from": str(args.images or "generated"),
            "render_py_sha256": _render_fingerprint(),
            "python": platform.python_version(), "pillow": PIL.__version__,
            "libvips": _libvips_version() if "libvips" in methods else None,
            "libvips_threads": _pyvips().concurrency_get() if "libvips" in methods else None,
            "cpus": os.cpu_count(), "machine": platform.machine(),
        },
        "images": [{"name": i.name, "group": i.group, "format": i.format, "mode": i.mode,
                    "size": f"{i.size[0]}x{i.size[1]}", "megapixels": round(i.megapixels, 2),
                    "bytes": len(i.data)} for i in images],
        "methods": {
            method: {
                "images": {m.image: asdict(m) for m in measurements if m.method == method},
                "groups": groups[method],
            }
            for method in methods
        },
        "events": [asdict(e) for e in events],
        "cold_start": {
            "samples": cold_samples, "boto3_client_ms": cold["boto3_client"],
            "import_app_ms": cold["import_app"],
            "import_app_and_client_ms": cold["import_app_and_client"],
            "ratio": cold["import_app"] / cold["boto3_client"],
            "samples_ms": {name: [round(ms, 1) for ms in times]
                           for name, times in cold_times.items()},
        },
        "slowest_imports_of_app": endtoend.slowest_imports(8),
        "outputs_case": outputs_case,
        "latency": latency,
    }


def _render_fingerprint() -> str:
    """Which chalicelib/image/render.py was measured: different versions' results don't compare."""
    return hashlib.sha256(Path(render_module.__file__).read_bytes()).hexdigest()[:12]


def _libvips_version() -> str:
    pyvips = _pyvips()
    return ".".join(str(pyvips.version(part)) for part in range(3))




def latency_only(args: argparse.Namespace) -> int:
    jpegs = [image for image in source_images(args) if image.format == "JPEG"]
    if not jpegs:
        raise SystemExit("error: the latency events need JPEG photos; none among the images")
    results = {
        "settings": {"methods": args.methods, "images_from": str(args.images or "generated"),
                     "quick": args.quick, "render_py_sha256": _render_fingerprint(),
                     "python": platform.python_version(), "pillow": PIL.__version__,
                     "libvips": _libvips_version() if "libvips" in args.methods else None,
                     "cpus": os.cpu_count(), "machine": platform.machine()},
        "latency": latency_case.measure_latency(jpegs, args.methods, list(args.rtt),
                                                args.latency_rounds, args.proxy, progress),
    }
    print("\n".join(latency_report(results["latency"], args.methods)))
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    _write_latency_chart(args, results)
    print(f"results: {results_path}\nlatency chart: {args.latency_chart}")
    return 0


def _write_latency_chart(args: argparse.Namespace, results: dict) -> None:
    settings = results["settings"]
    source = Path(settings["images_from"]).name  # a folder's name only: the chart is committed
    write_latency_chart(args.latency_chart, results["latency"], settings["methods"],
                        f"images: {source}; render.py {settings['render_py_sha256']}; "
                        f"Pillow {settings['pillow']}, libvips {settings['libvips'] or '-'}, "
                        f"{settings['cpus']} CPUs")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child_peak_memory(args.child[0], Path(args.child[1]), args.case)
        return 0
    if args.event_child:
        latency_case.child_event_peak(args.event_child)
        return 0
    if args.latency_only:
        return latency_only(args)
    results = run(args)
    print(report(results))
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    settings = results["settings"]
    source = Path(settings["images_from"]).name  # a folder's name only: the chart is committed
    subtitle = (f"JPEG quality {settings['jpeg_quality']}, median of {settings['rounds']} "
                f"round(s); images: {source}; render.py {settings['render_py_sha256']}; "
                f"Pillow {settings['pillow']}, libvips {settings['libvips'] or '-'}, "
                f"{settings['cpus']} CPUs")
    summary = {m: results["methods"][m]["groups"] for m in settings["methods"]}
    write_chart(args.chart, summary, settings["methods"], group_order(results), subtitle)
    written = [f"results: {results_path}", f"chart:   {args.chart}"]
    if results["outputs_case"]["images"]:
        write_outputs_chart(args.outputs_chart, results["outputs_case"], settings["methods"],
                            subtitle.replace(f"JPEG quality {settings['jpeg_quality']}, ", ""))
        written.append(f"outputs chart: {args.outputs_chart}")
    if results["latency"]:
        _write_latency_chart(args, results)
        written.append(f"latency chart: {args.latency_chart}")
    print("\n" + "\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
