"""Quality chosen per image (quality = "auto") against today's fixed qualities: bytes, score and
render time, per image and format, at 1280x720. Never deployed.

    .venv/bin/python -m devtools.quality_bench [--images DIR ...] [--rounds N] [--target T]
                                               [--quick] [--out DIR] [--chart PNG]

Images: generated ones (photo-like, screenshot, flat graphic, noisy night, smooth portrait; two
seeds each) and the JPEGs of each --images DIR, each resized to fit 1280x720 as the renderer does.
Timing: the fixed encode and the search alternate in every round (the machine is shared), the
median is kept. When the `ssimulacra2` package is importable, every fixed and auto output is also
judged by SSIMULACRA2. Writes build/bench/quality/results.json and docs/bench-quality.png.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import statistics
import time
from pathlib import Path

from PIL import Image, ImageOps

from chalicelib.image import decode, encode, similarity
from devtools import samples

BOX = (1280, 720)
FORMATS = ("JPEG", "WEBP", "AVIF")
GENERATED = ("photo_like", "screenshot_like", "flat_graphic", "night_scene", "portrait_like")
OUT = Path("build/bench/quality")
CHART = Path("docs/bench-quality.png")


def images(folders: list[Path], box: tuple[int, int] = BOX,
           seeds: tuple[int, ...] = (1, 2)) -> dict[str, Image.Image]:
    found = {f"{name}-{seed}": getattr(samples, name)(box, seed=seed)
             for name in GENERATED for seed in seeds}
    for path in sorted(path for folder in folders for path in folder.glob("*.jp*g")):
        with Image.open(path) as picture:
            picture.draft("RGB", box)
            upright = ImageOps.exif_transpose(picture).convert("RGB")
        size = (min(box[0], upright.width * box[1] // upright.height), 0)
        size = (size[0], min(box[1], upright.height * size[0] // upright.width))
        found[path.stem] = decode.resize(upright, size)
    return found


def measure(image: Image.Image, pillow_format: str, target: encode.QualityTarget,
            rounds: int, judge=None) -> dict:
    fixed_times, auto_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        fixed = encode.encode_output(image, pillow_format, None, (255, 255, 255), None)
        fixed_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        auto = encode.encode_output(image, pillow_format, target, (255, 255, 255), None)
        auto_times.append(time.perf_counter() - started)
    with Image.open(io.BytesIO(fixed.data)) as decoded:
        fixed_score = similarity.score(image, decoded.convert("RGB"))
    single, searched = statistics.median(fixed_times), statistics.median(auto_times)
    judged = {}
    if judge:
        judged = {"fixed_ssimulacra2": judge(image, fixed.data),
                  "auto_ssimulacra2": judge(image, auto.data)}
    return {**judged, "fixed_quality": fixed.quality, "fixed_bytes": len(fixed.data),
            "fixed_score": round(fixed_score, 4), "auto_quality": auto.quality,
            "auto_bytes": len(auto.data), "auto_score": round(auto.score, 4),
            "encodes": auto.encodes, "fixed_ms": round(single * 1e3, 1),
            "auto_ms": round(searched * 1e3, 1),
            "added_per_encode": round((searched - single) / single, 2)}


def ssimulacra2_judge():
    """SSIMULACRA2 of an encode against its reference, from the `ssimulacra2` package (0.3.0:
    numpy and scipy, about a second a picture), when it is installed: not a project dependency,
    only the judge the bench reports beside our own score."""
    try:
        from ssimulacra2 import compute_ssimulacra2
    except ImportError:
        return None

    def judge(reference: Image.Image, data: bytes) -> float:
        with Image.open(io.BytesIO(data)) as decoded:
            files = [io.BytesIO(), io.BytesIO()]
            reference.convert("RGB").save(files[0], "PNG")
            decoded.convert("RGB").save(files[1], "PNG")
        for file in files:
            file.seek(0)
        return round(float(compute_ssimulacra2(*files)), 2)
    return judge


def summarise(rows: list[dict]) -> dict:
    """Per group and format: bytes auto/fixed as the mean of the per-output ratios (and their
    geometric mean), outputs below the target, encodes, and the time the search adds as a
    multiple of one encode: the mean of the per-output multiples and, weighting each output by
    its time, the total added over the total of single encodes."""
    def mean(values):
        values = list(values)
        return round(sum(values) / len(values), 3) if values else None

    def geometric_mean(values):
        values = list(values)
        return round(math.exp(sum(map(math.log, values)) / len(values)), 3)

    summary = {}
    kinds = sorted({_kind(r) for r in rows})
    for group in ("all", "generated", "photos", *kinds):
        chosen = [r for r in rows if group == "all" or group == _kind(r)
                  or (group in ("generated", "photos")
                      and r["generated"] == (group == "generated"))]
        for pillow_format in (*FORMATS, "any"):
            some = [r for r in chosen if pillow_format in ("any", r["format"])]
            if not some:
                continue
            summary[f"{group} {pillow_format}"] = {
                "outputs": len(some),
                "bytes_ratio": mean(r["auto_bytes"] / r["fixed_bytes"] for r in some),
                "bytes_ratio_geomean": geometric_mean(r["auto_bytes"] / r["fixed_bytes"]
                                                      for r in some),
                "below_target": sum(r["auto_score"] < r["target"] for r in some),
                "fixed_below_target": sum(r["fixed_score"] < r["target"] for r in some),
                "encodes": mean(r["encodes"] for r in some),
                "added_per_encode": mean(r["added_per_encode"] for r in some),
                "added_per_encode_by_time": round(
                    sum(r["auto_ms"] - r["fixed_ms"] for r in some)
                    / sum(r["fixed_ms"] for r in some), 3),
                "added_ms": mean(r["auto_ms"] - r["fixed_ms"] for r in some),
                **_judged(some),
            }
    return summary


def _judged(rows: list[dict]) -> dict:
    """SSIMULACRA2 (when measured) of the fixed and the auto outputs: worst, tenth percentile,
    median."""
    if "auto_ssimulacra2" not in rows[0]:
        return {}
    figures = {}
    for way in ("fixed", "auto"):
        values = sorted(r[f"{way}_ssimulacra2"] for r in rows)
        figures[f"{way}_ssimulacra2_min_p10_median"] = [
            values[0], values[len(values) // 10], round(statistics.median(values), 1)]
    return figures


def _kind(row: dict) -> str:
    """The generated picture's kind, or "photos"."""
    return row["image"].rpartition("-")[0] if row["generated"] else "photos"


def chart(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    judged = "auto_ssimulacra2" in rows[0]
    figure, axes = pyplot.subplots(1, 3 if judged else 2, figsize=(19 if judged else 13, 5))
    timing = axes[-1]
    for pillow_format, colour in zip(FORMATS, ("tab:blue", "tab:orange", "tab:green"), strict=True):
        some = [r for r in rows if r["format"] == pillow_format]
        axes[0].scatter([r["fixed_score"] for r in some], [r["auto_bytes"] / r["fixed_bytes"]
                                                           for r in some],
                        label=pillow_format, color=colour, alpha=0.8)
        axes[0].axvline(some[0]["target"], color=colour, lw=0.8, ls=":",
                        label=f"{pillow_format} target {some[0]['target']:g}")
        if judged:
            axes[1].scatter([r["fixed_ssimulacra2"] for r in some],
                            [r["auto_ssimulacra2"] for r in some],
                            label=pillow_format, color=colour, alpha=0.8)
        timing.scatter([r["fixed_ms"] for r in some], [r["auto_ms"] for r in some],
                       label=pillow_format, color=colour, alpha=0.8)
    axes[0].axhline(1.0, color="grey", lw=0.8)
    axes[0].axhline(0.75, color="red", lw=0.8, ls="--", label="0.75x (issue's target, mean)")
    axes[0].set_xlabel("our score at today's fixed quality (JPEG 85, WebP 80, AVIF 60)")
    axes[0].set_ylabel("bytes with quality = \"auto\" / bytes at the fixed quality")
    axes[0].legend(fontsize=8)
    if judged:
        low = min(min(r["fixed_ssimulacra2"], r["auto_ssimulacra2"]) for r in rows) - 2
        axes[1].plot([low, 92], [low, 92], color="grey", lw=0.8, label="the same")
        axes[1].set_xlabel("SSIMULACRA2 at today's fixed quality")
        axes[1].set_ylabel("SSIMULACRA2 with quality = \"auto\"")
        axes[1].legend(fontsize=8)
    top = max(r["auto_ms"] for r in rows) * 1.05
    timing.plot([0, top / 2.5], [0, top], color="red", lw=0.8, ls="--",
                label="auto = 2.5x one encode (+1.5x)")
    timing.set_xlabel("one encode at the fixed quality, ms (1280x720)")
    timing.set_ylabel("the search, ms")
    timing.legend(fontsize=8)
    figure.suptitle("quality = \"auto\" vs today's fixed qualities, per image and format")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, action="append", default=[],
                        help="a folder of JPEG photos to add (may be given more than once)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", type=float,
                        help="one score target for every format (default: each format's)")
    parser.add_argument("--chart", type=Path, default=CHART)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--quick", action="store_true",
                        help="one seed of each generated kind at 320x180, one round: a smoke run")
    args = parser.parse_args(argv)
    target = encode.QualityTarget(target=args.target)
    judge = ssimulacra2_judge()
    rows = []
    pictures = (images(args.images, (320, 180), (1,)) if args.quick else images(args.images))
    rounds = 1 if args.quick else args.rounds
    for name, image in pictures.items():
        for pillow_format in FORMATS:
            row = {"image": name, "format": pillow_format,
                   "target": target.target_for(pillow_format),
                   "generated": name.rpartition("-")[0] in GENERATED,
                   **measure(image, pillow_format, target, rounds, judge)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    summary = summarise(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(
        {"target": args.target or encode.DEFAULT_TARGET, "rows": rows, "summary": summary},
        indent=1))
    chart(rows, args.chart)
    for group, figures in summary.items():
        print(f"{group:16s} " + " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
