"""Charting with matplotlib (a dev-only dependency, Agg backend: no display, no GUI toolkit).

Every chart is the same shape: one panel per metric (median time, peak memory), grouped bars
per image group, one colour per method, the value printed on each bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from devtools.bench.methods import BOX

METHOD_COLOURS = {"ours": "#1f77b4", "tutorial": "#ff7f0e", "libvips": "#2ca02c"}
PANELS = (("ms", "Median render time per image, ms (lower is better)"),
          ("peak_mb", "Peak memory growth while rendering, MB (lower is better)"))


def bar_chart(path: Path, title: str, subtitle: str, groups: Sequence[str],
              methods: Sequence[str], value: Callable[[str, str, str], float],
              panels: Sequence[tuple[str, str]] = PANELS,
              part: tuple[str, Callable[[str, str, str], float]] | None = None,
              whisker: tuple[str, Callable[[str, str, str], float]] | None = None) -> None:
    """Grouped bars: `value(metric, method, group)` for each panel's metric. `part`: (name,
    value) of a share of each bar, hatched over its foot; `whisker`: (name, value) of a line up
    from each bar's top (a p95 over a p50), the bar's label above it."""
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: files only, whatever the environment says
    from matplotlib import pyplot
    from matplotlib.patches import Patch

    figure, axes = pyplot.subplots(len(panels), 1, figsize=(12, 4.3 * len(panels)), dpi=100,
                                   squeeze=False)
    width = 0.8 / len(methods)
    for axis, (metric, panel_title) in zip(axes[:, 0], panels, strict=True):
        for index, method in enumerate(methods):
            positions = [g + (index - (len(methods) - 1) / 2) * width for g in range(len(groups))]
            heights = [value(metric, method, group) for group in groups]
            bars = axis.bar(positions, heights, width * 0.95, label=method,
                            color=METHOD_COLOURS.get(method))
            labels = [f"{h:.0f}" if h >= 10 else f"{h:.1f}" for h in heights]
            if part:
                axis.bar(positions, [part[1](metric, method, group) for group in groups],
                         width * 0.95, color="none", edgecolor="white", hatch="///",
                         linewidth=0)
            if not whisker:
                axis.bar_label(bars, labels=labels, fontsize=8, padding=2)
                continue
            tops = [max(h, whisker[1](metric, method, group))
                    for h, group in zip(heights, groups, strict=True)]
            rises = [t - h for t, h in zip(tops, heights, strict=True)]
            axis.errorbar(positions, heights, yerr=[[0] * len(heights), rises],
                          fmt="none", ecolor="#444444", elinewidth=0.9, capsize=3)
            for x, top, label in zip(positions, tops, labels, strict=True):
                axis.annotate(label, (x, top), xytext=(0, 2), textcoords="offset points",
                              ha="center", va="bottom", fontsize=8)
        axis.set_title(panel_title, loc="left", fontsize=12)
        axis.set_xticks(range(len(groups)), [g.replace(" MP ", " MP\n") for g in groups])
        axis.margins(y=0.12)
        axis.grid(axis="y", color="#e1e1e1")
        axis.set_axisbelow(True)
        axis.spines[["top", "right"]].set_visible(False)
    handles, names = axes[0, 0].get_legend_handles_labels()
    if part:
        handles.append(Patch(facecolor="#999999", edgecolor="white", hatch="///", linewidth=0))
        names.append(part[0])
    if whisker:
        handles.append(axes[0, 0].errorbar([], [], yerr=[], fmt="none", ecolor="#444444",
                                           elinewidth=0.9, capsize=3))
        names.append(whisker[0])
    axes[0, 0].legend(handles, names, loc="upper left", ncols=len(handles), frameon=False)
    height = figure.get_figheight()  # the header in inches, so it never meets the panels
    figure.text(0.01, 1 - 0.12 / height, title, ha="left", va="top", fontsize=15)
    lines = subtitle.count("\n") + 1
    figure.text(0.01, 1 - 0.45 / height, subtitle, ha="left", va="top", fontsize=9,
                color="dimgray")
    figure.tight_layout(rect=(0, 0, 1, 1 - (0.55 + 0.16 * lines) / height))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={"Software": None})  # no version stamp: fewer chart diffs
    pyplot.close(figure)


def write_chart(path: Path, summary: dict[str, dict[str, dict]], methods: list[str],
                groups: list[str], subtitle: str) -> None:
    """The single-thumbnail case: median ms, then peak memory growth, per image group."""
    bar_chart(path, f"Thumbnail to fit {BOX[0]}x{BOX[1]}: ours vs AWS tutorial vs libvips",
              subtitle, groups, methods, lambda metric, m, g: summary[m][g][metric])


def write_outputs_chart(path: Path, outputs_case: dict, methods: list[str], subtitle: str) -> None:
    """The multi-output case, per photo: median ms for all four outputs, then peak memory."""
    names = ", ".join(f"{o['name']} {o['box']} {o['fit']} {o['format']}"
                      + (f" +{'+'.join(o['effects'])}" if o["effects"] else "")
                      for o in outputs_case["outputs"])
    images = outputs_case["images"]
    labels = {f"{Path(name).stem}\n{numbers['megapixels']:.0f} MP": name
              for name, numbers in images.items()}
    bar_chart(path, "Four outputs from one upload: ours vs the tutorial way vs libvips",
              f"{names}\n{subtitle}", list(labels), methods,
              lambda metric, m, label: images[labels[label]]["methods"][m][metric],
              panels=(("ms", "Median time for all four outputs, ms (lower is better)"),
                      ("peak_mb", "Peak memory growth, MB (lower is better)")))


def write_latency_chart(path: Path, latency: dict, methods: list[str], subtitle: str) -> None:
    """Whole events, one panel per case: p50 per RTT setting (the render hatched at its foot,
    a whisker up to the p95), for the headline photo."""
    image, cases = latency["headline_image"], latency["cases"]

    def numbers(case: str, method: str, setting: str) -> dict:
        return cases[case]["images"][image]["methods"][method]["settings"][setting]

    megapixels = cases["thumbnail"]["images"][image]["megapixels"]
    bar_chart(path, f"Whole S3 events with every S3 request delayed by the RTT: {image} "
              f"({megapixels:.0f} MP)",
              f"loopback: the local S3 direct; p50 of {latency['rounds']} interleaved round(s), "
              f"whisker to the p95; each method called with the event as Lambda calls it\n"
              f"{subtitle}", latency["settings"], methods,
              lambda case, m, s: numbers(case, m, s)["p50_ms"],
              panels=[(case, f"{cases[case]['title']}: ms per event, p50 (lower is better)")
                      for case in cases],
              part=("render inside the event", lambda c, m, s: numbers(c, m, s)["render_ms"]),
              whisker=("p95", lambda c, m, s: numbers(c, m, s)["p95_ms"]))
