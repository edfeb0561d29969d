"""Charting: grouped bars of median time and peak memory per method."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devtools.bench.methods import BOX


METHOD_COLOURS = {"ours": (31, 119, 180), "tutorial": (255, 127, 14), "libvips": (44, 160, 44)}


def _tick_step(top: float) -> float:
    """A 1-2-5 step giving about four gridlines up to `top`."""
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)


def _bar_panel(draw: ImageDraw.ImageDraw, area: tuple[int, int, int, int], title: str,
               groups: list[str], methods: list[str], value: Callable[[str, str], float],
               fonts: dict[str, ImageFont.ImageFont]) -> None:
    left, top, right, bottom = area
    draw.text((left, top - 28), title, fill="black", font=fonts["title"])
    highest = max(value(m, g) for g in groups for m in methods) * 1.12 or 1.0
    step = _tick_step(highest)
    for tick in range(int(highest // step) + 1):
        y = bottom - tick * step / highest * (bottom - top)
        draw.line((left, y, right, y), fill=(225, 225, 225))
        draw.text((left - 6, y), f"{tick * step:g}", fill="dimgray", font=fonts["small"],
                  anchor="rm")
    group_width = (right - left) / len(groups)
    bar_width = group_width * 0.8 / len(methods)
    for group_index, group in enumerate(groups):
        group_left = left + group_index * group_width + group_width * 0.1
        for method_index, method in enumerate(methods):
            amount = value(method, group)
            x0 = group_left + method_index * bar_width
            y0 = bottom - amount / highest * (bottom - top)
            draw.rectangle((x0, y0, x0 + bar_width - 2, bottom), fill=METHOD_COLOURS[method])
            label = f"{amount:.0f}" if amount >= 10 else f"{amount:.1f}"
            draw.text((x0 + bar_width / 2 - 1, y0 - 2), label, fill="black", font=fonts["small"],
                      anchor="md")
        draw.multiline_text((left + (group_index + 0.5) * group_width, bottom + 6),
                            group.replace(" MP ", " MP\n"), fill="black", font=fonts["label"],
                            anchor="ma", align="center")
    draw.line((left, bottom, right, bottom), fill="black")


def write_chart(path: Path, summary: dict[str, dict[str, dict]], methods: list[str],
                groups: list[str], subtitle: str) -> None:
    """Two panels of grouped bars, drawn with Pillow: median ms, then peak memory growth."""
    width, panel_height = 1200, 430
    chart = Image.new("RGB", (width, 80 + 2 * panel_height), "white")
    draw = ImageDraw.Draw(chart)
    fonts = {"heading": ImageFont.load_default(size=22), "title": ImageFont.load_default(size=17),
             "label": ImageFont.load_default(size=14), "small": ImageFont.load_default(size=12)}
    draw.text((20, 14), f"Thumbnail to fit {BOX[0]}x{BOX[1]}: ours vs AWS tutorial vs libvips",
              fill="black", font=fonts["heading"])
    draw.text((20, 44), subtitle, fill="dimgray", font=fonts["label"])
    legend_x = width - 20 - 120 * len(methods)
    for index, method in enumerate(methods):
        x = legend_x + index * 120
        draw.rectangle((x, 18, x + 16, 34), fill=METHOD_COLOURS[method])
        draw.text((x + 22, 26), method, fill="black", font=fonts["label"], anchor="lm")
    panels = (("ms", "Median render time per image, ms (lower is better)"),
              ("peak_mb", "Peak memory growth while rendering, MB (lower is better)"))
    for index, (metric, title) in enumerate(panels):
        top = 80 + index * panel_height + 45
        _bar_panel(draw, (70, top, width - 20, top + panel_height - 100), title, groups, methods,
                   lambda m, g, metric=metric: summary[m][g][metric], fonts)
    path.parent.mkdir(parents=True, exist_ok=True)
    chart.save(path)

