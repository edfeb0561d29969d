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
    lines += latency_report(results["latency"], methods)
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


def _requests(counts: dict[str, int]) -> str:
    """{"GET": 1, "PUT": 4, "HEAD": 1} -> "GET+4 PUT+HEAD" (in the order they are made)."""
    order = ("HEAD", "GET", "PUT", "POST", "DELETE")
    named = sorted(counts, key=lambda verb: order.index(verb) if verb in order else len(order))
    return "+".join(verb if counts[verb] == 1 else f"{counts[verb]} {verb}" for verb in named) \
        or "-"


def latency_report(latency: dict | None, methods: list[str]) -> list[str]:
    """Whole events at each RTT: p50/p95 tables, where the time goes, targets, memory, cost."""
    if not latency:
        return []
    labels, headline = latency["settings"], latency["headline_setting"]
    lines = [f"Whole S3 events, every S3 request delayed by the RTT (a proxy in its own "
             f"{latency['proxy']}; loopback = the local S3 direct); p50 / p95 ms of "
             f"{latency['rounds']} interleaved round(s) after a warm-up; RTTs in a row = the "
             f"slope of p50 over the RTT (the round trips the event waits one after another)"]
    for numbers in latency["cases"].values():
        rows = []
        for image, per_image in numbers["images"].items():
            for method in methods:
                row = per_image["methods"][method]
                trips = row["critical_round_trips"]
                rows.append([image, method, _requests(row["settings"][headline]["requests"]),
                             *(f"{_number(row['settings'][label]['p50_ms'])} / "
                               f"{_number(row['settings'][label]['p95_ms'])}" for label in labels),
                             f"{trips['value']:.1f}" if trips else "-"])
        lines += ["", f"{numbers['title']}:",
                  *(f"  {method}: {text}" for method, text in numbers["methods"].items()),
                  format_table(["image", "method", "requests", *labels, "RTTs in a row"], rows,
                               "lll" + "r" * (len(labels) + 1))]
    rows = []
    for case, numbers in latency["cases"].items():
        for image, per_image in numbers["images"].items():
            for method in methods:
                at = per_image["methods"][method]["settings"][headline]
                rows.append([case, image, method, _number(at["p50_ms"]),
                             _number(at["before_render_ms"]), _number(at["render_ms"]),
                             _number(at["after_render_ms"]), _number(at["cpu_ms"])])
    lines += ["", f"Where the time goes at {headline} (medians): before = event start to render "
              "start (the fetch, the handler's setup); render = inside the event; after = render "
              "end to event end (writes not yet done, the post-write check); cpu = this "
              "process's CPU time in the event, all threads",
              format_table(["case", "image", "method", "event ms", "before ms", "render ms",
                            "after ms", "cpu ms"], rows, "lllrrrrr")]
    lines += ["", f"Targets at {headline} (p50 ratio; p95 ratio in brackets):"]
    for image, checks in latency["targets"].items():
        texts = [f"{key} {c['value']:.2f} ({c['p95_value']:.2f}; <= {c['limit']:g}: "
                 f"{'met' if c['met'] else 'NOT met'})" for key, c in checks.items()]
        memory = latency["memory"][image]
        texts.append(f"memory 4 outputs / 1 thumbnail {memory['ratio']:.2f} (<= "
                     f"{memory['limit']:g}: {'met' if memory['met'] else 'NOT met'})")
        lines.append(f"  {image}: {'; '.join(texts)}")
    rows = [[image, _number(m["thumbnail"]["peak_mb"]), _number(m["outputs"]["peak_mb"]),
             f"{m['ratio']:.2f}", _number(m["thumbnail"]["max_rss_mb"]),
             _number(m["outputs"]["max_rss_mb"]), f"{m['max_rss_ratio']:.2f}"]
            for image, m in latency["memory"].items()]
    lines += ["", f"Peak memory of ours per event, fresh process each, warm (a tiny event first), "
              f"at {headline}: growth = VmHWM over the RSS before the event; max RSS = the "
              "process's whole peak (ru_maxrss)",
              format_table(["image", "1 output MB", "4 outputs MB", "ratio", "1 max RSS MB",
                            "4 max RSS MB", "ratio"], rows, "lrrrrrr")]
    cost = latency["billing"]
    rows = []
    for image, per_case in cost["images"].items():
        for case, per_method in per_case.items():
            for method in methods:
                bill = per_method[method]
                rows.append([image, case, method, _number(bill["billed_mean_ms"]),
                             f"{bill['gb_s_per_million_mean']:,.0f}",
                             f"{bill['gb_s_per_million_p50']:,.0f}",
                             f"{bill['usd_per_million_mean']:,.2f}",
                             _number(bill["estimated_lambda_mean_ms"]),
                             f"{bill['s3_requests_usd_per_million']:,.2f}"])
    lines += ["", f"Billed per million uploads at {cost['memory_mb']} MB, from the event durations "
              f"at {cost['setting']} (each rounded up to 1 ms): GB-s from the mean and the p50; "
              f"$ at ${cost['usd_per_gb_s']:.10f} per GB-s ({cost['price_note']}); plus "
              f"${cost['lambda_usd_per_million_requests']:.2f} per million requests. "
              f"est. Lambda ms: the mean with this process's CPU time stretched to "
              f"{cost['memory_mb']} MB's share of a vCPU (1769 MB = 1 vCPU), an estimate. "
              "S3 $: the event's requests at S3 Standard prices (PUT $0.005, GET/HEAD $0.0004 "
              "per 1,000), same caveat",
              format_table(["image", "case", "method", "billed ms", "GB-s (mean)", "GB-s (p50)",
                            "$ (mean)", "est. Lambda ms", "S3 $"], rows, "lllrrrrrr"), ""]
    return lines
