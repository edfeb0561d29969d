"""Reporting: group summaries and the printed tables, from the results alone."""

from __future__ import annotations

import statistics

from devtools.bench.measure import Measurement


def summarize_groups(measurements: list[Measurement]) -> dict[str, dict[str, dict]]:
    """method -> group -> numbers: means over the group's images, MP/s from their summed time,
    the highest peak."""
    grouped: dict[str, dict[str, list[Measurement]]] = {}
    for measurement in measurements:
        grouped.setdefault(measurement.method, {}).setdefault(measurement.group, []).append(
            measurement)
    summary: dict[str, dict[str, dict]] = {}
    for method, groups in grouped.items():
        for group, members in groups.items():
            summary.setdefault(method, {})[group] = {
                "images": len(members),
                "ms": statistics.fmean(m.ms for m in members),
                "mp_per_s": sum(m.megapixels for m in members) / sum(m.ms / 1000 for m in members),
                "peak_mb": max(m.peak_mb for m in members),
                "bytes_out": round(statistics.fmean(m.bytes_out for m in members)),
                "mae": statistics.fmean(m.mae for m in members),
            }
    return summary


def format_table(headers: list[str], rows: list[list[str]], align: str) -> str:
    """Plain aligned text; `align` has one 'l' or 'r' per column."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) if side == "l" else cell.rjust(width)
                         for cell, width, side in zip(cells, widths, align, strict=True)).rstrip()

    return "\n".join([line(headers), "-" * len(line(headers)), *map(line, rows)])


def _number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def render_table(rows_by_key: dict[str, dict[str, dict]], key_title: str,
                 methods: list[str]) -> str:
    """One row per (image or group, method); `vs ours` is the time relative to ours."""
    headers = [key_title, "method", "ms", "vs ours", "MP/s", "peak MB", "bytes out", "MAE"]
    rows = []
    for key, by_method in rows_by_key.items():
        ours_ms = by_method.get("ours", {}).get("ms")
        for method in methods:
            numbers = by_method[method]
            relative = f"{numbers['ms'] / ours_ms:.2f}x" if ours_ms else "-"
            rows.append([key, method, _number(numbers["ms"]), relative,
                         _number(numbers["mp_per_s"]), _number(numbers["peak_mb"]),
                         f"{numbers['bytes_out']:,}", _number(numbers["mae"], 2)])
    return format_table(headers, rows, "llrrrrrr")



def group_order(results: dict) -> list[str]:
    """Groups in the images' order: JPEG before PNG, small before large."""
    return list(dict.fromkeys(image["group"] for image in results["images"]))


def report(results: dict) -> str:
    """The printed tables, from the results alone (so the JSON says everything printed)."""
    settings, methods = results["settings"], results["settings"]["methods"]
    groups = group_order(results)
    lines = [
        f"box {settings['box'][0]}x{settings['box'][1]}, JPEG quality {settings['jpeg_quality']}, "
        f"median of {settings['rounds']} round(s) after a warm-up; Python {settings['python']}, "
        f"Pillow {settings['pillow']}, libvips {settings['libvips'] or '-'} "
        f"({settings['libvips_threads'] or '-'} threads), {settings['cpus']} CPUs; "
        f"chalicelib/image/render.py sha256 {settings['render_py_sha256']}",
        "peak MB: peak RSS growth while rendering once in a fresh process; "
        "MAE: mean absolute error vs a full-resolution Pillow Lanczos reference (0-255, lower "
        "is better)",
        "",
    ]
    by_group = {g: {m: results["methods"][m]["groups"][g] for m in methods} for g in groups}
    lines += ["By image group", render_table(by_group, "group", methods), ""]
    if len(groups) < len(results["images"]):
        by_image = {i["name"]: {m: results["methods"][m]["images"][i["name"]] for m in methods}
                    for i in results["images"]}
        lines += ["By image", render_table(by_image, "image", methods), ""]
    notes = [f"  {image} {method}: {numbers['note']}" for method in methods
             for image, numbers in results["methods"][method]["images"].items() if numbers["note"]]
    if notes:
        lines += ["Notes", *notes, ""]
    event_rows = [[e["image"], e["group"], _number(e["event_ms"]), _number(e["render_ms"]),
                   _number(e["overhead_ms"]), _number(e["cpu_overhead_ms"])]
                  for e in results["events"]]
    lines += ["Whole S3 event through the handler on the local S3 (a separate process), median ms;"
              " render = the render inside the event; overhead = event - that render (median of"
              " the differences); cpu overhead = the same in this process's CPU time, without the"
              " S3 server's own work",
              format_table(["image", "group", "event ms", "render ms", "overhead ms",
                            "cpu overhead ms"], event_rows, "llrrrr"), ""]
    lines += outputs_report(results["outputs_case"], methods)
    cold = results["cold_start"]
    lines += [
        f"Cold start, fresh interpreter, median of {cold['samples']}:",
        f"  import boto3; boto3.client(\"s3\")  {cold['boto3_client_ms']:8.1f} ms",
        f"  import app                         {cold['import_app_ms']:8.1f} ms"
        f"  ({cold['ratio']:.2f}x the boto3 client alone)",
        f"  import app; boto3.client(\"s3\")    {cold['import_app_and_client_ms']:8.1f} ms",
        "",
        "Slowest imports of `import app` (python -X importtime, cumulative):",
        *(f"  {m['cumulative_ms']:8.1f} ms  (self {m['self_ms']:6.1f})  "
          f"{'  ' * m['depth']}{m['module']}" for m in results["slowest_imports_of_app"]),
    ]
    return "\n".join(lines)



def outputs_report(case: dict, methods: list[str]) -> list[str]:
    """The multi-output table (one row per photo and method) and the targets, as lines."""
    if not case["images"]:
        return []
    rows = []
    for name, numbers in case["images"].items():
        ours_ms = numbers["methods"].get("ours", {}).get("ms")
        for method in methods:
            row = numbers["methods"][method]
            per_output = " ".join(f"{o['bytes'] / 1000:.0f}k" for o in row["outputs"].values())
            rows.append([name, numbers["group"], method, _number(row["ms"]),
                         f"{row['ms'] / ours_ms:.2f}x" if ours_ms else "-",
                         _number(row["peak_mb"]), f"{row['bytes_out']:,}", per_output])
    described = "; ".join(f"{o['name']} {o['box']} {o['fit']} {o['format']} q{o['quality']}"
                          + (f" +{'+'.join(o['effects'])}" if o["effects"] else "")
                          for o in case["outputs"])
    lines = [f"Multi-output case ({described}), JPEG sources, median ms for all four:",
             format_table(["image", "group", "method", "ms", "vs ours", "peak MB", "bytes out",
                           "per output"], rows, "lllrrrrl"), "", "Targets:"]
    for name, numbers in case["images"].items():
        checks = [f"{key} {c['value']:.2f} ({'<=' if c['kind'] == 'max' else '>='} "
                  f"{c['limit']:g}: {'met' if c['met'] else 'NOT met'})"
                  for key, c in numbers["targets"].items()]
        lines.append(f"  {name}: {'; '.join(checks) or '-'}")
    return [*lines, ""]
