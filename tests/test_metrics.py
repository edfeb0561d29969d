"""CloudWatch metrics in each record's log line (Embedded Metric Format), checked against the
structure the EMF specification gives, and against what the record actually did."""

from __future__ import annotations

import json

import pytest

from chalicelib.aws import metrics
from devtools import samples
from tests.helpers.emf import emf_problems
from tests.helpers.runs import lines
from tests.helpers.uploads import upload


def test_the_checker_finds_what_breaks_the_specification():
    good = metrics.emf_members("dev", "written", dict.fromkeys(metrics.UNITS, 1))
    assert emf_problems(good) == []
    assert emf_problems({**good, "Stage": 3}) == [
        "dimension 'Stage' has no string value at the root"]
    assert emf_problems({**good, "BytesIn": "12"}) == [
        "metric 'BytesIn' has no numeric value at the root"]
    seconds = {**good, "_aws": {**good["_aws"], "Timestamp": 1_700_000_000}}
    assert emf_problems(seconds) == ["Timestamp must be epoch milliseconds, got 1700000000"]
    with pytest.raises(ValueError, match="RenderMs"):
        metrics.emf_members("dev", "written", {"Records": 1})


@pytest.fixture
def logged(caplog):
    caplog.set_level("INFO", logger="chalicelib.pipeline")
    return caplog


def test_each_record_line_carries_its_metrics(s3, deliver, source_bucket, logged):
    written = upload(s3, source_bucket, "m/photo.jpg",
                     samples.jpeg_bytes(samples.photo_like((800, 600))))
    refused = upload(s3, source_bucket, "m/page.jpg", b"<!doctype html><p>no</p>")
    assert deliver(written, refused).payload == {"written": 1, "skipped": 1, "deleted": 0}

    first, second = lines(logged)
    for line in (first, second):
        assert emf_problems(line) == [], line
        assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Thumbnailer"
        assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Stage", "Outcome"]]
        assert line["Stage"] == "dev" and line["Outcome"] == line["outcome"]
        assert line["Records"] == 1 and line["RecordMs"] == line["ms"]
        assert line["BytesIn"] == line.get("bytes_in", 0)
        assert line["BytesOut"] == line.get("bytes_out", 0)
        assert line["OutputsWritten"] == len(line.get("outputs", ()))
    assert first["OutputsWritten"] == 1 and first["BytesOut"] > 0
    assert 0 < first["RenderMs"] <= first["RecordMs"]
    assert second["Outcome"] == "skipped" and second["RenderMs"] == 0
    json.dumps(first)  # one JSON object per line, as CloudWatch needs it


def test_every_stage_names_itself_for_the_stage_dimension():
    from devtools.policy import stage_names
    from devtools.stage import stage_environment

    for stage in stage_names():
        assert stage_environment(stage)["STAGE"] == stage
