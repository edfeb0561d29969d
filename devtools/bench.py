"""`make bench`: our renderer against the AWS-tutorial Pillow code and libvips, side by side.

Why: chalicelib/render.py does more than the tutorial most users start from (orientation,
colour profiles, odd modes, shrink-on-load), and it should not pay for that in time, memory or
quality; libvips is the fast reference point. One run measures all three on the same images, the
same box (1280x720) and the same JPEG quality (85):

- render time: a warm-up round, then interleaved rounds; median ms per image and MP/s;
- peak memory: a fresh process per (method, image): VmHWM growth over the VmRSS before rendering;
- quality: output bytes, and the mean absolute error against a full-resolution Lanczos reference;
- a whole S3 event through the handler on the embedded local S3, and its overhead over rendering;
- cold start: `import app` against `import boto3; boto3.client("s3")` in fresh interpreters.

Results go to a printed table, JSON (build/bench/results.json) and a chart. Only a full run on
the generated set replaces the committed chart, docs/bench.png; a run on --images DIR writes its
chart beside its JSON unless --chart names a path. `--quick` is the CI smoke mode: small images,
one round, every part still exercised, everything under build/bench/quick/.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import io
import json
import logging
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import PIL
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageStat

from chalicelib import render as render_module
from chalicelib.render import ThumbnailSpec, fit_inside, render_thumbnail
from devtools import samples
from devtools.events import s3_record
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment

BOX = (1280, 720)
JPEG_QUALITY = 85
METHODS = ("ours", "tutorial", "libvips")
STAGE = "dev"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
DEFAULT_OUT = PROJECT_DIR / "build" / "bench"
QUICK_OUT = DEFAULT_OUT / "quick"  # smoke runs never touch a full run's results or docs/
COMMITTED_CHART = PROJECT_DIR / "docs" / "bench.png"  # the generated set's chart, in the README
IMAGE_CACHE = PROJECT_DIR / "build" / "bench-images"  # generated once, reused by later runs

# name -> (size, seed). 2, 12 and 24 megapixels: a small upload, a phone, a full-frame camera.
PHOTO_SIZES = {"2mp": ((1728, 1152), 2), "12mp": ((4000, 3000), 12), "24mp": ((6000, 4000), 24)}
# --quick: still larger than the box, so the downscale path runs, yet generated in a blink.
QUICK_SIZE = ((1440, 960), 7)


# --- the images -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceImage:
    path: Path
    data: bytes = field(repr=False)
    format: str  # thumbnail format, chosen by extension as the handler does: "JPEG" or "PNG"
    size: tuple[int, int]  # as stored
    mode: str
    has_alpha: bool

    @classmethod
    def load(cls, path: Path) -> SourceImage:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            size, mode = image.size, image.mode
        output_format = "PNG" if path.suffix.lower() == ".png" else "JPEG"
        return cls(path, data, output_format, size, mode, has_alpha)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def megapixels(self) -> float:
        return self.size[0] * self.size[1] / 1e6

    @property
    def group(self) -> str:
        """'12 MP JPEG', '12 MP RGBA PNG': what the tables and the chart aggregate over."""
        kind = f"{self.mode} {self.format}" if self.has_alpha else self.format
        digits = 0 if self.megapixels >= 1 else 1
        return f"{self.megapixels:.{digits}f} MP {kind}"


def generated_images(folder: Path, quick: bool) -> list[SourceImage]:
    """The default set: photo-like JPEG (q90) and RGB PNG at each size, plus one RGBA PNG.

    Written once to `folder` and reused by later runs, so every run compares the same bytes.
    """
    sizes = {"quick": QUICK_SIZE} if quick else PHOTO_SIZES
    wanted = {f"photo-{label}{suffix}": (size, seed, False)
              for label, (size, seed) in sizes.items() for suffix in (".jpg", ".png")}
    alpha_label = "quick" if quick else "12mp"
    wanted[f"photo-{alpha_label}-rgba.png"] = (*sizes[alpha_label], True)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (size, seed, alpha) in wanted.items():
        path = folder / name
        if not path.exists():
            print(f"  generating {path}", file=sys.stderr)
            image = samples.photo_like(size, seed)
            image = with_soft_ellipse_alpha(image) if alpha else image
            encode = samples.png_bytes if path.suffix == ".png" else samples.jpeg_bytes  # q90
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(encode(image))
            partial.replace(path)  # never leave a half-written image in the cache
    images = [SourceImage.load(folder / name) for name in wanted]
    return sorted(images, key=lambda image: (image.has_alpha, image.format, image.megapixels))


def with_soft_ellipse_alpha(image: Image.Image) -> Image.Image:
    """RGBA: opaque in a centred ellipse, fading to fully transparent at the corners."""
    small = (max(1, image.width // 16), max(1, image.height // 16))  # blur small, scale up: fast
    mask = Image.new("L", small, 0)
    ImageDraw.Draw(mask).ellipse(
        (small[0] // 10, small[1] // 10, small[0] * 9 // 10, small[1] * 9 // 10), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1, min(small) // 12)))
    rgba = image.convert("RGBA")
    rgba.putalpha(mask.resize(image.size, Image.Resampling.BILINEAR))
    return rgba


def folder_images(folder: Path) -> list[SourceImage]:
    """Every .jpg/.jpeg/.png in `folder` (real photos), smallest first."""
    paths = [path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES]
    if not paths:
        raise SystemExit(f"error: no .jpg, .jpeg or .png files in {folder}")
    images = [SourceImage.load(path) for path in paths]
    return sorted(images, key=lambda image: (image.has_alpha, image.format, image.megapixels,
                                             image.name))


# --- the three methods ------------------------------------------------------------------------


def render_ours(data: bytes, output_format: str) -> bytes:
    spec = ThumbnailSpec(output_format, box=BOX, jpeg_quality=JPEG_QUALITY)
    return render_thumbnail(data, spec).data


def render_tutorial(data: bytes, output_format: str) -> bytes:
    """The AWS Lambda/S3 tutorial's code: Image.thumbnail, then save (RGBA PNG stays PNG)."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail(BOX)
        image.save(out, output_format, quality=JPEG_QUALITY)
    return out.getvalue()


@functools.cache
def _pyvips():
    """Imported on first use: a dev-only dependency, and only the libvips runs need it."""
    import pyvips

    pyvips.cache_set_max(0)  # no operation cache: every round does the full work
    return pyvips


def render_libvips(data: bytes, output_format: str) -> bytes:
    thumbnail = _pyvips().Image.thumbnail_buffer(data, BOX[0], height=BOX[1])
    suffix = ".png" if output_format == "PNG" else f".jpg[Q={JPEG_QUALITY}]"
    return thumbnail.write_to_buffer(suffix)


RENDERERS: dict[str, Callable[[bytes, str], bytes]] = {
    "ours": render_ours, "tutorial": render_tutorial, "libvips": render_libvips,
}


# --- measurements -----------------------------------------------------------------------------


@dataclass
class Measurement:
    """One method on one image."""

    method: str
    image: str
    group: str
    megapixels: float
    ms: float  # median render time
    samples_ms: list[float]  # every timed round, to judge the spread
    mp_per_s: float  # source megapixels / median seconds
    peak_mb: float  # peak RSS growth while rendering, fresh process
    bytes_out: int
    thumbnail_size: str
    mae: float  # mean absolute error vs the reference, 0-255, lower is better
    note: str = ""


@dataclass
class EventTiming:
    """One image through the whole handler: GetObject, render, PutObject, log."""

    image: str
    group: str
    event_ms: float  # median
    render_ms: float  # median of the render inside the events
    overhead_ms: float  # median over rounds of (event - the render inside it)
    # CPU time of this process (event minus render, median): what the handler itself adds,
    # without the local S3 server's work or the wait for it.
    cpu_overhead_ms: float
    event_samples_ms: list[float]
    render_samples_ms: list[float]


def _timed(function: Callable, *args) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _timed_with_cpu(function: Callable, *args) -> tuple[object, float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def time_renders(images: list[SourceImage], methods: list[str], rounds: int
                 ) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], bytes]]:
    """Seconds per (method, image), interleaved so drift hits every method alike; last outputs."""
    seconds: dict[tuple[str, str], list[float]] = {}
    outputs: dict[tuple[str, str], bytes] = {}
    for round_number in range(rounds + 1):  # round 0 is the warm-up, not recorded
        for image in images:
            for method in methods:
                outputs[method, image.name], elapsed = _timed(
                    RENDERERS[method], image.data, image.format)
                if round_number:
                    seconds.setdefault((method, image.name), []).append(elapsed)
    return seconds, outputs


def _proc_status_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field_name} not in /proc/self/status (Linux only)")


def child_peak_memory(method: str, path: Path) -> None:
    """Run in a fresh process: render `path` once and print the peak RSS growth as JSON.

    Codecs and libraries are loaded by a tiny warm-up render first, so the growth is the render's
    own. VmHWM is this process's peak; writing 5 to clear_refs resets it to the current RSS.
    """
    image = SourceImage.load(path)
    render = RENDERERS[method]
    tiny = samples.photo_like((96, 64))
    if image.has_alpha:
        tiny.putalpha(200)
    render((samples.png_bytes if image.format == "PNG" else samples.jpeg_bytes)(tiny), image.format)
    baseline_kb = _proc_status_kb("VmRSS")
    with contextlib.suppress(OSError):  # without the reset the warm-up's tiny peak may show
        Path("/proc/self/clear_refs").write_text("5")
    render(image.data, image.format)
    peak_kb = _proc_status_kb("VmHWM")
    print(json.dumps({"baseline_mb": baseline_kb / 1024,
                      "peak_mb": (peak_kb - baseline_kb) / 1024}))


def peak_memory_mb(method: str, image: SourceImage) -> float:
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--child", method, str(image.path)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"memory child {method} {image.name} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])["peak_mb"]


def visible_rgb(image: Image.Image) -> Image.Image:
    """What a viewer shows: transparent pixels over white, as RGB."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return image.convert("RGB")


def reference_thumbnail(image: SourceImage, size: tuple[int, int]) -> Image.Image:
    """Full-resolution decode, EXIF orientation applied, one Lanczos resize to `size`.

    This is Pillow's own Lanczos, which is all ours does to a PNG: its MAE there is ~0 by
    construction, and the JPEG rows are what tells the methods apart.
    """
    with Image.open(io.BytesIO(image.data)) as source:
        upright = ImageOps.exif_transpose(source)
        working = upright.convert("RGBA" if image.has_alpha else "RGB")
        return visible_rgb(working.resize(size, Image.Resampling.LANCZOS))


def mean_absolute_error(first: Image.Image, second: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


def compare_quality(image: SourceImage, outputs: dict[str, bytes]
                    ) -> dict[str, tuple[float, str, str]]:
    """method -> (MAE, thumbnail size, note) against a reference of our thumbnail's size."""
    thumbnails = {method: Image.open(io.BytesIO(data)) for method, data in outputs.items()}
    if "ours" in thumbnails:
        target = thumbnails["ours"].size
    else:
        with Image.open(io.BytesIO(image.data)) as source:
            target = fit_inside(ImageOps.exif_transpose(source).size, BOX)
    reference = reference_thumbnail(image, target)
    compared = {}
    for method, thumbnail in thumbnails.items():
        size_text, note = f"{thumbnail.width}x{thumbnail.height}", ""
        pixels = visible_rgb(thumbnail)
        if pixels.size != target:
            sideways = (pixels.width > pixels.height) != (target[0] > target[1])
            note = ("sideways: EXIF orientation not applied" if sideways
                    else f"{size_text} resized to {target[0]}x{target[1]} for MAE")
            pixels = pixels.resize(target, Image.Resampling.LANCZOS)
        compared[method] = (mean_absolute_error(pixels, reference), size_text, note)
    return compared


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def time_events(images: list[SourceImage], rounds: int) -> list[EventTiming]:
    """A one-record S3 event through its handler on the local S3 (a separate process).

    The render inside each event is timed too (the handler's render_outputs is wrapped in a
    timer), so overhead = event - that same render: the S3 calls, parsing and logging the event
    adds, free of the render's own run-to-run noise.
    """
    from chalicelib import thumbnailer
    from devtools.local_s3 import local_s3  # moto: heavy, and the memory children need none of it

    stage_env = stage_environment(STAGE)
    inner: list[tuple[float, float]] = []  # (wall, cpu) of the render inside the last event

    real_render = thumbnailer.render_outputs

    def timed_render(data, requests, limits):
        result, wall, cpu = _timed_with_cpu(real_render, data, requests, limits)
        inner.append((wall, cpu))
        return result

    with local_s3(separate_process=True), environment(stage_env):
        import boto3

        from app import app

        # One JSON line per record is the handler's job, not what we time: keep it quiet.
        logging.getLogger("chalicelib.thumbnailer").setLevel(logging.WARNING)
        s3 = boto3.client("s3")
        for bucket in (stage_env["SOURCE_BUCKET"], stage_env["TARGET_BUCKET"]):
            s3.create_bucket(Bucket=bucket)
        deliveries = [(image, *_upload_record(s3, stage_env["SOURCE_BUCKET"], image))
                      for image in images]
        samples_s: dict[str, list[tuple[float, float, float]]] = {i.name: [] for i in images}
        thumbnailer.render_outputs = timed_render
        try:
            for round_number in range(rounds + 1):  # round 0 is the warm-up
                for image, handler, record in deliveries:
                    inner.clear()
                    context = lambda_context(handler, STAGE)  # as Lambda calls the handler
                    payload, whole, whole_cpu = _timed_with_cpu(
                        app.handler_map[handler], {"Records": [record]}, context)
                    if payload.get("written") != 1 or len(inner) != 1:
                        raise RuntimeError(f"{image.name}: not written once: {payload}")
                    if round_number:
                        (render_wall, render_cpu), = inner
                        samples_s[image.name].append(
                            (whole, render_wall, whole_cpu - render_cpu))
        finally:
            thumbnailer.render_outputs = real_render
    timings = []
    for image in images:
        events, renders, cpu_overheads = zip(*samples_s[image.name])
        timings.append(EventTiming(
            image.name, image.group,
            event_ms=statistics.median(events) * 1000,
            render_ms=statistics.median(renders) * 1000,
            overhead_ms=statistics.median(e - r for e, r in zip(events, renders)) * 1000,
            cpu_overhead_ms=statistics.median(cpu_overheads) * 1000,
            event_samples_ms=[round(s * 1000, 2) for s in events],
            render_samples_ms=[round(s * 1000, 2) for s in renders]))
    return timings


def _upload_record(s3, bucket: str, image: SourceImage) -> tuple[str, dict]:
    """Upload under a key with spaces (URL-encoded in the event) -> (handler name, record)."""
    suffix = image.path.suffix.lower()
    key = f"bench/{image.path.stem} upload{suffix}"
    s3.put_object(Bucket=bucket, Key=key, Body=image.data)
    head = s3.head_object(Bucket=bucket, Key=key)
    return f"thumbnail_{suffix.lstrip('.')}", s3_record(bucket, key, head["ContentLength"],
                                                         head["ETag"])


# --- cold start -------------------------------------------------------------------------------

COLD_START_STATEMENTS = {
    "boto3_client": 'import boto3; boto3.client("s3")',
    "import_app": "import app",
    # What a cold start pays before its first render: the app creates its client lazily.
    "import_app_and_client": 'import app; import boto3; boto3.client("s3")',
}


def _cold_start_env() -> dict[str, str]:
    """The dev stage, fake credentials and a region: nothing looked up on disk or the network."""
    from devtools.local_s3 import LOCAL_CREDENTIALS

    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AWS_") and name != "PYTHONPATH"}
    env.update(LOCAL_CREDENTIALS, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.update(stage_environment(STAGE))
    return env


def cold_start_ms(samples_each: int) -> dict[str, list[float]]:
    """In-process time of each statement in fresh interpreters (cwd = project, like /var/task)."""
    program = "import time\nstarted = time.perf_counter()\n{}\nprint(time.perf_counter() - started)"
    env, times = _cold_start_env(), {name: [] for name in COLD_START_STATEMENTS}
    for _ in range(samples_each):
        for name, statement in COLD_START_STATEMENTS.items():  # interleaved
            completed = subprocess.run([sys.executable, "-c", program.format(statement)],
                                       cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                                       check=True)
            times[name].append(float(completed.stdout.strip()) * 1000)
    return times


_IMPORT_TIME_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S.*)$")


def slowest_imports(count: int) -> list[dict]:
    """`python -X importtime -c 'import app'`: the top modules by cumulative time."""
    completed = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"],
                               cwd=PROJECT_DIR, env=_cold_start_env(), capture_output=True,
                               text=True, check=True)
    modules = [
        {"module": match[4].strip(), "cumulative_ms": int(match[2]) / 1000,
         "self_ms": int(match[1]) / 1000, "depth": (len(match[3]) - 1) // 2}
        for match in map(_IMPORT_TIME_LINE.match, completed.stderr.splitlines()) if match
    ]
    return sorted(modules, key=lambda module: module["cumulative_ms"], reverse=True)[:count]


# --- summaries, tables, chart -----------------------------------------------------------------


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
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) if side == "l" else cell.rjust(width)
                         for cell, width, side in zip(cells, widths, align)).rstrip()

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


# --- the run ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, help="a folder of .jpg/.jpeg/.png photos to use "
                        "instead of the generated set")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after the warm-up (5)")
    parser.add_argument("--quick", action="store_true", help="smoke mode for CI: small images, "
                        "1 round, 1 cold-start sample; everything still exercised")
    parser.add_argument("--out", type=Path, help="where results.json goes (build/bench; "
                        "build/bench/quick with --quick)")
    parser.add_argument("--chart", type=Path, help="chart PNG (docs/bench.png for a full run on "
                        "the generated set, else bench.png in --out)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated subset of {','.join(METHODS)}")
    parser.add_argument("--vips-threads", type=int, default=1,
                        help="libvips worker threads (1: a Lambda function below 1769 MB has at "
                        "most one vCPU, so more threads cannot help it there)")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.methods = [method.strip() for method in args.methods.split(",") if method.strip()]
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown or not args.methods:
        parser.error(f"--methods: pick from {', '.join(METHODS)} (got {unknown or 'none'})")
    if not args.child:  # read by libvips when it starts; the memory children inherit it
        os.environ["VIPS_CONCURRENCY"] = str(max(1, args.vips_threads))
    if args.quick:
        args.rounds = 1
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.out is None:
        args.out = QUICK_OUT if args.quick else DEFAULT_OUT
    if args.chart is None:
        full_generated_run = not args.quick and not args.images
        args.chart = COMMITTED_CHART if full_generated_run else args.out / "bench.png"
    return args


def progress(message: str) -> None:
    print(message, file=sys.stderr)


def measure_methods(images: list[SourceImage], methods: list[str], rounds: int
                    ) -> list[Measurement]:
    """Time, peak memory and quality of every method on every image."""
    progress(f"render timing: {len(images)} images x {len(methods)} methods, "
             f"1 warm-up + {rounds} rounds")
    seconds, outputs = time_renders(images, methods, rounds)
    progress(f"peak memory: {len(images) * len(methods)} fresh processes")
    peaks = {(method, image.name): peak_memory_mb(method, image)
             for image in images for method in methods}
    progress("quality: full-resolution references")
    measurements = []
    for image in images:
        quality = compare_quality(image, {m: outputs[m, image.name] for m in methods})
        for method in methods:
            timed = seconds[method, image.name]
            median_s = statistics.median(timed)
            mae, thumbnail_size, note = quality[method]
            measurements.append(Measurement(
                method=method, image=image.name, group=image.group,
                megapixels=round(image.megapixels, 2), ms=median_s * 1000,
                samples_ms=[round(s * 1000, 2) for s in timed],
                mp_per_s=image.megapixels / median_s, peak_mb=peaks[method, image.name],
                bytes_out=len(outputs[method, image.name]), thumbnail_size=thumbnail_size,
                mae=mae, note=note))
    return measurements


def run(args: argparse.Namespace) -> dict:
    """Every measurement, as the JSON that is written and printed."""
    methods, rounds = args.methods, args.rounds
    if args.images:
        images = folder_images(args.images)
    else:
        images = generated_images(args.out / "images" if args.quick else IMAGE_CACHE, args.quick)
    measurements = measure_methods(images, methods, rounds)
    progress(f"event timing: local S3, 1 warm-up + {rounds} rounds")
    events = time_events(images, rounds)
    cold_samples = 1 if args.quick else 5
    progress(f"cold start: {cold_samples} fresh interpreter(s) each")
    cold_times = cold_start_ms(cold_samples)
    cold = {name: statistics.median(times) for name, times in cold_times.items()}
    groups = summarize_groups(measurements)
    return {
        "settings": {
            "box": list(BOX), "jpeg_quality": JPEG_QUALITY, "rounds": rounds, "quick": args.quick,
            "methods": methods, "images_from": str(args.images or "generated"),
            "render_py_sha256": _render_fingerprint(),
            "python": platform.python_version(), "pillow": PIL.__version__,
            "libvips": _libvips_version() if "libvips" in methods else None,
            "libvips_threads": _pyvips().concurrency_get() if "libvips" in methods else None,
            "cpus": os.cpu_count(), "machine": platform.machine(),
        },
        "images": [{"name": i.name, "group": i.group, "format": i.format, "mode": i.mode,
                    "size": f"{i.size[0]}x{i.size[1]}", "megapixels": round(i.megapixels, 2),
                    "bytes": len(i.data)} for i in images],
        "methods": {
            method: {
                "images": {m.image: asdict(m) for m in measurements if m.method == method},
                "groups": groups[method],
            }
            for method in methods
        },
        "events": [asdict(e) for e in events],
        "cold_start": {
            "samples": cold_samples, "boto3_client_ms": cold["boto3_client"],
            "import_app_ms": cold["import_app"],
            "import_app_and_client_ms": cold["import_app_and_client"],
            "ratio": cold["import_app"] / cold["boto3_client"],
            "samples_ms": {name: [round(ms, 1) for ms in times]
                           for name, times in cold_times.items()},
        },
        "slowest_imports_of_app": slowest_imports(8),
    }


def _render_fingerprint() -> str:
    """Which chalicelib/render.py was measured: results of different versions don't compare."""
    return hashlib.sha256(Path(render_module.__file__).read_bytes()).hexdigest()[:12]


def _libvips_version() -> str:
    pyvips = _pyvips()
    return ".".join(str(pyvips.version(part)) for part in range(3))


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
        f"chalicelib/render.py sha256 {settings['render_py_sha256']}",
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child_peak_memory(args.child[0], Path(args.child[1]))
        return 0
    results = run(args)
    print(report(results))
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    settings = results["settings"]
    source = Path(settings["images_from"]).name  # a folder's name only: the chart is committed
    subtitle = (f"JPEG quality {settings['jpeg_quality']}, median of {settings['rounds']} "
                f"round(s); images: {source}; render.py {settings['render_py_sha256']}; "
                f"Pillow {settings['pillow']}, libvips {settings['libvips'] or '-'}, "
                f"{settings['cpus']} CPUs")
    summary = {m: results["methods"][m]["groups"] for m in settings["methods"]}
    write_chart(args.chart, summary, settings["methods"], group_order(results), subtitle)
    print(f"\nresults: {results_path}\nchart:   {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
