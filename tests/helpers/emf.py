"""CloudWatch's Embedded Metric Format, checked against its specification."""

from __future__ import annotations

import re

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
