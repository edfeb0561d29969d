"""`make bench` keeps working: its --quick smoke mode runs every part and writes its outputs.

No wall-clock number is asserted (timings depend on the machine); only that each method was
measured and the results file and chart are there. The benchmark starts its own local S3 on
127.0.0.1 and generates its own images. It runs as `make bench BENCH_ARGS="--quick"` does, with
the default paths: everything lands under build/bench/quick/, and the committed docs/bench.png
is left alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys

from PIL import Image

from devtools.bench import METHODS, parse_args
from devtools.stage import PROJECT_DIR

COMMITTED_CHART = PROJECT_DIR / "docs" / "bench.png"
QUICK_DIR = PROJECT_DIR / "build" / "bench" / "quick"


def fingerprint(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_quick_benchmark_measures_every_method_and_writes_json_and_chart_under_build():
    committed = fingerprint(COMMITTED_CHART)
    chart, results_path = QUICK_DIR / "bench.png", QUICK_DIR / "results.json"
    for stale in (chart, results_path):  # so what is found below is this run's
        stale.unlink(missing_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--quick"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert fingerprint(COMMITTED_CHART) == committed, "a quick run replaced docs/bench.png"

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

    with Image.open(chart) as image:
        image.verify()
    assert "results:" in completed.stdout


def test_only_a_full_run_on_the_generated_set_writes_the_committed_chart(tmp_path):
    assert parse_args([]).chart == COMMITTED_CHART
    assert parse_args(["--rounds", "3"]).chart == COMMITTED_CHART
    assert parse_args(["--quick"]).chart == QUICK_DIR / "bench.png"
    assert parse_args(["--quick"]).out == QUICK_DIR
    photos = parse_args(["--images", str(tmp_path), "--out", str(tmp_path / "out")])
    assert photos.chart == tmp_path / "out" / "bench.png"  # real photos: not the generated set
    chosen = parse_args(["--quick", "--chart", str(tmp_path / "mine.png")])
    assert chosen.chart == tmp_path / "mine.png"  # an explicit path is honoured
