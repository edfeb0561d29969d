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
              panels: Sequence[tuple[str, str]] = PANELS) -> None:
    """Grouped bars: `value(metric, method, group)` for each panel's metric."""
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: files only, whatever the environment says
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(len(panels), 1, figsize=(12, 4.3 * len(panels)), dpi=100,
                                   squeeze=False)
    width = 0.8 / len(methods)
    for axis, (metric, panel_title) in zip(axes[:, 0], panels, strict=True):
        for index, method in enumerate(methods):
            positions = [g + (index - (len(methods) - 1) / 2) * width for g in range(len(groups))]
            heights = [value(metric, method, group) for group in groups]
            bars = axis.bar(positions, heights, width * 0.95, label=method,
                            color=METHOD_COLOURS.get(method))
            axis.bar_label(bars, labels=[f"{h:.0f}" if h >= 10 else f"{h:.1f}" for h in heights],
                           fontsize=8, padding=2)
        axis.set_title(panel_title, loc="left", fontsize=12)
        axis.set_xticks(range(len(groups)), [g.replace(" MP ", " MP\n") for g in groups])
        axis.margins(y=0.12)
        axis.grid(axis="y", color="#e1e1e1")
        axis.set_axisbelow(True)
        axis.spines[["top", "right"]].set_visible(False)
    axes[0, 0].legend(loc="upper left", ncols=len(methods), frameon=False)
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
