"""`make bench` keeps working: its --quick smoke mode runs every part and writes its outputs.

No wall-clock number is asserted (timings depend on the machine); only that each method was
measured (the single-thumbnail case on every image, the four-output case and the latency events
on the JPEGs) and the results file and the three charts are there. The benchmark starts its own
local S3 and latency proxy on 127.0.0.1 and generates its own images. It runs as
`make bench BENCH_ARGS="--quick"` does, with the default paths: everything lands under
build/bench/quick/, and the committed docs/bench*.png are left alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys

import pytest
from PIL import Image

from devtools.bench import METHODS, parse_args
from devtools.stage import PROJECT_DIR

pytestmark = pytest.mark.slow  # a whole `make bench --quick` run

COMMITTED_CHART = PROJECT_DIR / "docs" / "bench.png"
COMMITTED_OUTPUTS_CHART = PROJECT_DIR / "docs" / "bench-outputs.png"
COMMITTED_LATENCY_CHART = PROJECT_DIR / "docs" / "bench-latency.png"
OUTPUT_NAMES = {"thumbnail", "card", "small", "marked"}
QUICK_DIR = PROJECT_DIR / "build" / "bench" / "quick"


def fingerprint(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_quick_benchmark_measures_every_method_and_writes_json_and_chart_under_build():
    committed = {path: fingerprint(path) for path in (COMMITTED_CHART, COMMITTED_OUTPUTS_CHART,
                                                      COMMITTED_LATENCY_CHART) if path.exists()}
    chart, results_path = QUICK_DIR / "bench.png", QUICK_DIR / "results.json"
    outputs_chart = QUICK_DIR / "bench-outputs.png"
    latency_chart = QUICK_DIR / "bench-latency.png"
    # so what is found below is this run's
    for stale in (chart, outputs_chart, latency_chart, results_path):
        stale.unlink(missing_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--quick"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert {path: fingerprint(path) for path in committed} == committed, \
        "a quick run replaced a chart under docs/"

    results = json.loads(results_path.read_text())
    image_names = {image["name"] for image in results["images"]}
    assert image_names
    for method in METHODS:
        per_image = results["methods"][method]["images"]
        assert set(per_image) == image_names
        for numbers in per_image.values():
            for name in ("ms", "mp_per_s", "peak_mb", "mae"):
                assert isinstance(numbers[name], float) and math.isfinite(numbers[name]), name
            assert numbers["ms"] > 0 and numbers["bytes_out"] > 0
    assert {event["image"] for event in results["events"]} == image_names
    assert all(event["event_ms"] > 0 for event in results["events"])
    assert results["cold_start"]["import_app_ms"] > 0
    assert results["slowest_imports_of_app"]

    case = results["outputs_case"]
    assert {output["name"] for output in case["outputs"]} == OUTPUT_NAMES
    jpegs = {image["name"] for image in results["images"] if image["format"] == "JPEG"}
    assert jpegs and set(case["images"]) == jpegs
    for numbers in case["images"].values():
        assert set(numbers["methods"]) == set(METHODS)
        for row in numbers["methods"].values():
            assert row["ms"] > 0 and row["peak_mb"] > 0
            assert set(row["outputs"]) == OUTPUT_NAMES
            assert row["bytes_out"] == sum(o["bytes"] for o in row["outputs"].values()) > 0
            # cover outputs come out exactly at their box, whoever made them
            assert row["outputs"]["card"]["size"] == "640x360"
            assert row["outputs"]["small"]["size"] == "320x180"
        assert set(numbers["targets"]) == {"time_vs_libvips", "tutorial_vs_ours",
                                           "peak_vs_single_thumbnail"}
        assert all(isinstance(target["met"], bool) for target in numbers["targets"].values())

    check_latency_section(results["latency"], jpegs)
    assert "Whole S3 events, every S3 request delayed by the RTT" in completed.stdout

    for path in (chart, outputs_chart, latency_chart):
        with Image.open(path) as image:
            image.verify()
    assert "results:" in completed.stdout


def finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def check_latency_section(latency: dict, jpegs: set[str]) -> None:
    """Every method and case at every setting, with finite numbers; each event's requests seen
    by the proxy, one PutObject per output whoever handled it."""
    assert latency["settings"] == ["loopback", "30 ms"]  # --quick: one RTT, beside loopback
    assert latency["headline_setting"] == "30 ms" and latency["headline_image"] in jpegs
    assert set(latency["cases"]) == {"thumbnail", "outputs"}
    for case, outputs_made in (("thumbnail", 1), ("outputs", 4)):
        numbers = latency["cases"][case]
        assert set(numbers["methods"]) == set(METHODS)
        assert set(numbers["images"]) == jpegs
        for per_image in numbers["images"].values():
            assert set(per_image["methods"]) == set(METHODS)
            for method, row in per_image["methods"].items():
                assert set(row["settings"]) == set(latency["settings"])
                for label, at in row["settings"].items():
                    for name in ("p50_ms", "p95_ms", "mean_ms", "render_ms", "cpu_ms",
                                 "before_render_ms", "after_render_ms"):
                        assert finite(at[name]) and at[name] > 0, (case, method, label, name)
                    assert finite(at["wait_ms"]) and at["p95_ms"] >= at["p50_ms"]
                    assert len(at["samples_ms"]) == latency["rounds"] == 1
                requests = row["settings"]["30 ms"]["requests"]
                assert requests.get("PUT") == outputs_made and requests.get("GET") == 1, \
                    (case, method, requests)
                assert finite(row["critical_round_trips"]["value"])
    for image in jpegs:
        targets = latency["targets"][image]
        assert set(targets) == {"thumbnail.ours_vs_libvips", "outputs.ours_vs_libvips",
                                "outputs.ours_vs_tutorial"}
        for target in targets.values():
            assert finite(target["value"]) and finite(target["p95_value"])
            assert isinstance(target["met"], bool)
        memory = latency["memory"][image]
        for case in ("thumbnail", "outputs"):
            assert finite(memory[case]["peak_mb"]) and memory[case]["peak_mb"] > 0
            assert memory[case]["max_rss_mb"] > memory[case]["peak_mb"]
        assert finite(memory["ratio"]) and isinstance(memory["met"], bool)
        billed = latency["billing"]["images"][image]
        assert set(billed) == {"thumbnail", "outputs"}
        for per_method in billed.values():
            assert set(per_method) == set(METHODS)
            for bill in per_method.values():
                for name in ("gb_s_per_million_mean", "gb_s_per_million_p50",
                             "usd_per_million_mean", "estimated_lambda_mean_ms"):
                    assert finite(bill[name]) and bill[name] > 0, name
    assert latency["billing"]["memory_mb"] == 1024  # .chalice/config.json's lambda_memory_size


def test_only_a_full_run_on_the_generated_set_writes_the_committed_chart(tmp_path):
    assert parse_args([]).chart == COMMITTED_CHART
    assert parse_args(["--rounds", "3"]).chart == COMMITTED_CHART
    assert parse_args(["--quick"]).chart == QUICK_DIR / "bench.png"
    assert parse_args(["--quick"]).out == QUICK_DIR
    assert parse_args([]).outputs_chart == COMMITTED_OUTPUTS_CHART
    assert parse_args(["--quick"]).outputs_chart == QUICK_DIR / "bench-outputs.png"
    assert parse_args([]).latency_chart == COMMITTED_LATENCY_CHART
    assert parse_args(["--quick"]).latency_chart == QUICK_DIR / "bench-latency.png"
    photos = parse_args(["--images", str(tmp_path), "--out", str(tmp_path / "out")])
    assert photos.chart == tmp_path / "out" / "bench.png"  # real photos: not the generated set
    assert photos.outputs_chart == tmp_path / "out" / "bench-outputs.png"
    assert photos.latency_chart == tmp_path / "out" / "bench-latency.png"
    latency_only = parse_args(["--latency-only"])  # iterating on the handler: never docs/
    assert latency_only.out == PROJECT_DIR / "build" / "bench" / "latency"
    assert latency_only.latency_chart == latency_only.out / "bench-latency.png"
    assert parse_args(["--quick", "--latency-only"]).out == QUICK_DIR / "latency"
    chosen = parse_args(["--quick", "--chart", str(tmp_path / "mine.png")])
    assert chosen.chart == tmp_path / "mine.png"  # an explicit path is honoured


def test_round_trip_times_default_to_0_30_80_ms_and_30_for_quick():
    assert parse_args([]).rtt == (0.0, 30.0, 80.0)
    assert parse_args(["--quick"]).rtt == (30.0,)
    assert parse_args(["--rtt", "80,20,20"]).rtt == (80.0, 20.0)
    assert parse_args([]).latency_rounds > parse_args(["--quick"]).latency_rounds == 1
    for wrong in ("", "-5", "fast", "nan"):
        with pytest.raises(SystemExit):
            parse_args(["--rtt", wrong])
