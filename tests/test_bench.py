"""`make bench` keeps working: its --quick smoke mode runs every part and writes its outputs.

No wall-clock number is asserted (timings depend on the machine); only that each method was
measured and the results file and chart are there. The benchmark starts its own local S3 on
127.0.0.1 and generates its own images, all under tmp_path.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

from PIL import Image

from devtools.bench import METHODS
from devtools.stage import PROJECT_DIR


def test_quick_benchmark_measures_every_method_and_writes_json_and_chart(tmp_path):
    chart = tmp_path / "bench.png"
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--quick", "--out", str(tmp_path),
         "--chart", str(chart)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr

    results = json.loads((tmp_path / "results.json").read_text())
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
