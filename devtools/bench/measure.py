"""Measuring: render time (interleaved rounds), peak memory (fresh processes), quality."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

from chalicelib.image.fits import needed_size
from devtools import samples
from devtools.bench.images import SourceImage
from devtools.bench.methods import BOX, RENDERERS
from devtools.stage import PROJECT_DIR


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



def renderers(case: str) -> dict[str, Callable]:
    """"thumbnail": one JPEG/PNG thumbnail per call; "outputs": the four shipped outputs."""
    if case == "outputs":
        from devtools.bench.outputs_case import OUTPUT_RENDERERS

        return OUTPUT_RENDERERS
    return RENDERERS


def _timed(function: Callable, *args) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _timed_with_cpu(function: Callable, *args, **options) -> tuple[object, float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function(*args, **options)
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def time_renders(images: list[SourceImage], methods: list[str], rounds: int,
                 case: str = "thumbnail"
                 ) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], object]]:
    """Seconds per (method, image), interleaved so drift hits every method alike; last outputs."""
    seconds: dict[tuple[str, str], list[float]] = {}
    outputs: dict[tuple[str, str], object] = {}  # bytes; {output name: bytes} for "outputs"
    for round_number in range(rounds + 1):  # round 0 is the warm-up, not recorded
        for image in images:
            for method in methods:
                outputs[method, image.name], elapsed = _timed(
                    renderers(case)[method], image.data, image.format)
                if round_number:
                    seconds.setdefault((method, image.name), []).append(elapsed)
    return seconds, outputs


def _proc_status_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field_name} not in /proc/self/status (Linux only)")


def child_peak_memory(method: str, path: Path, case: str = "thumbnail") -> None:
    """Run in a fresh process: render `path` once and print the peak RSS growth as JSON.

    Codecs and libraries are loaded by a tiny warm-up render first, so the growth is the render's
    own. VmHWM is this process's peak; writing 5 to clear_refs resets it to the current RSS.
    """
    image = SourceImage.load(path)
    render = renderers(case)[method]
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


def peak_memory_mb(method: str, image: SourceImage, case: str = "thumbnail") -> float:
    completed = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--child", method, str(image.path),
         "--case", case],
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
            target = needed_size(ImageOps.exif_transpose(source).size, BOX, "contain")
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

