"""CloudWatch metrics in each record's log line (Embedded Metric Format), checked against the
structure the EMF specification gives, and against what the record actually did."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.aws import metrics
from devtools import samples
from tests.conftest import upload
from tests.test_delete_sync import lines

# The units the specification allows (CloudWatch's StandardUnit).
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
}


def emf_problems(document: dict) -> list[str]:
    """What makes `document` not an EMF log event, by the specification: a root `_aws` with an
    integer millisecond Timestamp and MetricDirectives (Namespace; up to 30 dimension names per
    set, each a string member at the root; up to 100 metrics, each with a known Unit and a
    numeric member at the root)."""
    problems = []
    aws = document.get("_aws")
    if not isinstance(aws, dict):
        return ["no _aws object at the root"]
    timestamp = aws.get("Timestamp")
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or timestamp < 10**12:
        problems.append(f"Timestamp must be epoch milliseconds, got {timestamp!r}")
    directives = aws.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "CloudWatchMetrics must be a non-empty array"]
    for directive in directives:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not re.fullmatch(r"[^\s].{0,254}", namespace):
            problems.append(f"bad Namespace {namespace!r}")
        for dimension_set in directive.get("Dimensions", []):
            if not isinstance(dimension_set, list) or len(dimension_set) > 30:
                problems.append(f"bad dimension set {dimension_set!r}")
                continue
            for name in dimension_set:
                if not isinstance(document.get(name), str) or not document[name]:
                    problems.append(f"dimension {name!r} has no string value at the root")
        definitions = directive.get("Metrics")
        if not isinstance(definitions, list) or not 1 <= len(definitions) <= 100:
            problems.append("Metrics must hold 1 to 100 definitions")
            continue
        for definition in definitions:
            name = definition.get("Name")
            if not isinstance(name, str) or not 1 <= len(name) <= 255:
                problems.append(f"bad metric name {name!r}")
                continue
            if definition.get("Unit", "None") not in UNITS:
                problems.append(f"{name}: unknown unit {definition.get('Unit')!r}")
            value = document.get(name)
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                     for v in values):
                problems.append(f"metric {name!r} has no numeric value at the root")
    return problems


def test_the_checker_finds_what_breaks_the_specification():
    good = metrics.emf_members("dev", "written", dict.fromkeys(metrics.UNITS, 1))
    assert emf_problems(good) == []
    assert emf_problems({**good, "Stage": 3}) == ["dimension 'Stage' has no string value at the root"]
    assert emf_problems({**good, "BytesIn": "12"}) == ["metric 'BytesIn' has no numeric value at the root"]
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
