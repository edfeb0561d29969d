"""The quality bench (devtools/quality_bench.py) runs and reports what docs/performance.md
quotes: per output the fixed and the auto bytes, scores and times; per group the ratios."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from chalicelib.image import encode
from devtools import quality_bench, samples

pytestmark = pytest.mark.slow


def test_the_quick_bench_writes_results_and_a_chart(tmp_path):
    chart = tmp_path / "chart.png"
    quality_bench.main(["--quick", "--out", str(tmp_path), "--chart", str(chart)])
    results = json.loads((tmp_path / "results.json").read_text())

    rows = results["rows"]
    assert len(rows) == len(quality_bench.GENERATED) * len(quality_bench.FORMATS)
    for row in rows:
        low, high = encode.QualityTarget().range_for(row["format"])
        assert low <= row["auto_quality"] <= high
        assert row["target"] == encode.DEFAULT_TARGET[row["format"]] == results["target"][
            row["format"]]
        assert row["auto_score"] >= row["target"] or row["auto_quality"] == high
        assert 1 <= row["encodes"] <= encode.MAX_ENCODES + encode.PROBE_CHECKS
    everything = results["summary"]["all any"]
    assert everything["outputs"] == len(rows)
    assert everything["bytes_ratio"] == pytest.approx(
        sum(r["auto_bytes"] / r["fixed_bytes"] for r in rows) / len(rows), abs=1e-3)
    assert everything["below_target"] == 0
    assert set(results["summary"]) >= {f"{kind} any" for kind in quality_bench.GENERATED}
    assert Image.open(chart).size[0] > 1000


def test_a_judge_scores_both_outputs_and_the_summary_reports_its_spread():
    """What SSIMULACRA2 would fill in (the package is not a project dependency): a stand-in
    judge that scores by size, so the fixed and the auto outputs differ."""
    picture = samples.photo_like((96, 54))
    rows = []
    for name in ("one", "two"):
        row = quality_bench.measure(picture, "JPEG", encode.QualityTarget(), 1,
                                    judge=lambda reference, data: len(data) / 100)
        assert row["fixed_ssimulacra2"] == row["fixed_bytes"] / 100
        assert row["auto_ssimulacra2"] == row["auto_bytes"] / 100
        rows.append({"image": name, "format": "JPEG", "generated": False,
                     "target": encode.DEFAULT_TARGET["JPEG"], **row})
    summary = quality_bench.summarise(rows)["photos JPEG"]
    worst, _, median = summary["auto_ssimulacra2_min_p10_median"]
    assert worst == min(r["auto_ssimulacra2"] for r in rows)
    assert median == pytest.approx(sum(r["auto_ssimulacra2"] for r in rows) / 2, abs=0.05)
