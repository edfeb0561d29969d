"""Quality chosen per image (quality = "auto") against today's fixed qualities: bytes, score and
render time, per image and format, at 1280x720. Never deployed.

    .venv/bin/python -m devtools.quality_bench [--images DIR] [--rounds N] [--target T]

Images: generated ones (photo-like, screenshot, flat graphic, noisy night, smooth portrait; two
seeds each) and the JPEGs of --images DIR, each resized to fit 1280x720 as the renderer does.
Timing: the fixed encode and the search alternate in every round (the machine is shared), the
median is kept. Writes build/bench/quality/results.json and docs/bench-quality.png.
"""

from __future__ import annotations

import argparse
import io
import json
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


def images(folder: Path | None) -> dict[str, Image.Image]:
    found = {f"{name}-{seed}": getattr(samples, name)(BOX, seed=seed)
             for name in GENERATED for seed in (1, 2)}
    for path in sorted(folder.glob("*.jp*g")) if folder else ():
        with Image.open(path) as picture:
            picture.draft("RGB", BOX)
            upright = ImageOps.exif_transpose(picture).convert("RGB")
        size = (min(BOX[0], upright.width * BOX[1] // upright.height), 0)
        size = (size[0], min(BOX[1], upright.height * size[0] // upright.width))
        found[path.stem] = decode.resize(upright, size)
    return found


def measure(image: Image.Image, pillow_format: str, target: encode.QualityTarget,
            rounds: int) -> dict:
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
    return {"fixed_quality": fixed.quality, "fixed_bytes": len(fixed.data),
            "fixed_score": round(fixed_score, 4), "auto_quality": auto.quality,
            "auto_bytes": len(auto.data), "auto_score": round(auto.score, 4),
            "encodes": auto.encodes, "fixed_ms": round(single * 1e3, 1),
            "auto_ms": round(searched * 1e3, 1),
            "added_per_encode": round((searched - single) / single, 2)}


def summarise(rows: list[dict], target: float) -> dict:
    def mean(values):
        values = list(values)
        return round(sum(values) / len(values), 3) if values else None
    summary = {}
    for group in ("all", "generated", "photos"):
        chosen = [r for r in rows if group == "all" or r["generated"] == (group == "generated")]
        for pillow_format in (*FORMATS, "any"):
            some = [r for r in chosen if pillow_format in ("any", r["format"])]
            if not some:
                continue
            summary[f"{group} {pillow_format}"] = {
                "images": len(some),
                "bytes_ratio": mean(r["auto_bytes"] / r["fixed_bytes"] for r in some),
                "below_target": sum(r["auto_score"] < target for r in some),
                "fixed_below_target": sum(r["fixed_score"] < target for r in some),
                "encodes": mean(r["encodes"] for r in some),
                "added_per_encode": mean(r["added_per_encode"] for r in some),
            }
    return summary


def chart(rows: list[dict], target: float, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(1, 2, figsize=(13, 5))
    for pillow_format, colour in zip(FORMATS, ("tab:blue", "tab:orange", "tab:green"), strict=True):
        some = [r for r in rows if r["format"] == pillow_format]
        axes[0].scatter([r["fixed_score"] for r in some], [r["auto_bytes"] / r["fixed_bytes"]
                                                           for r in some],
                        label=pillow_format, color=colour, alpha=0.8)
        axes[1].scatter([r["fixed_ms"] for r in some], [r["auto_ms"] for r in some],
                        label=pillow_format, color=colour, alpha=0.8)
    axes[0].axhline(1.0, color="grey", lw=0.8)
    axes[0].axhline(0.75, color="red", lw=0.8, ls="--", label="0.75x (issue's target, mean)")
    axes[0].axvline(target, color="black", lw=0.8, ls=":", label=f"score target {target:g}")
    axes[0].set_xlabel("score at today's fixed quality (JPEG 85, WebP 80, AVIF 60)")
    axes[0].set_ylabel("bytes with quality = \"auto\" / bytes at the fixed quality")
    axes[0].legend(fontsize=8)
    top = max(r["auto_ms"] for r in rows) * 1.05
    axes[1].plot([0, top / 2.5], [0, top], color="red", lw=0.8, ls="--",
                 label="auto = 2.5x one encode (+1.5x)")
    axes[1].set_xlabel("one encode at the fixed quality, ms (1280x720)")
    axes[1].set_ylabel("the search, ms")
    axes[1].legend(fontsize=8)
    figure.suptitle("quality = \"auto\" vs today's fixed qualities, per image and format")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, help="a folder of JPEG photos to add")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", type=float, default=encode.DEFAULT_TARGET)
    parser.add_argument("--chart", type=Path, default=CHART)
    args = parser.parse_args(argv)
    target = encode.QualityTarget(target=args.target)
    rows = []
    for name, image in images(args.images).items():
        for pillow_format in FORMATS:
            row = {"image": name, "format": pillow_format,
                   "generated": name.rpartition("-")[0] in GENERATED,
                   **measure(image, pillow_format, target, args.rounds)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    summary = summarise(rows, args.target)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"target": args.target, "rows": rows,
                                                  "summary": summary}, indent=1))
    chart(rows, args.target, args.chart)
    for group, figures in summary.items():
        print(f"{group:16s} " + " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
