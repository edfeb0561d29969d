"""`make demo`: the thumbnailer end to end on the embedded local S3, no AWS account needed.

Starts the local S3 on loopback, creates the dev stage's buckets, wires S3 event notifications
from the app's own event sources, uploads generated samples that show what the thumbnailer gets
right, runs each event the local S3 emits through its handler (the same loop as `make dev`),
prints one line per upload and writes demo-output/index.html: each original beside every output
made of it, with names, sizes, bytes, formats, timing and outcome. The page needs no server.

The demo makes every output chalicelib/outputs.toml declares (OUTPUTS below), in this run's
environment only: the dev stage's config keeps OUTPUTS=thumbnail, so tests, `make dev` and
deployments are unchanged.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from devtools import samples
from devtools.dev import Delivery, DevLoop
from devtools.local_s3 import local_s3
from devtools.stage import PROJECT_DIR, stage_environment

STAGE = "dev"
# Every declared output, so one upload shows them all: set for this run only.
DEMO_OUTPUTS = "thumbnail,card,small,marked"


def sample_uploads() -> list[tuple[str, str, bytes]]:
    """(key, what it shows, bytes)."""
    photo = samples.photo_like((4000, 3000))
    portrait = samples.photo_like((2268, 3024), seed=2)
    gray_ramp = Image.linear_gradient("L").resize((1600, 1200)).convert("I")
    return [
        ("photos/landscape-12mp.jpg", "12-megapixel camera JPEG, decoded at reduced scale",
         samples.jpeg_bytes(photo)),
        ("photos/phone portrait.JPG",
         "stored sideways with EXIF orientation 6 and GPS: comes out upright, GPS dropped",
         samples.jpeg_bytes(samples.stored_with_orientation(portrait, 6),
                            exif=samples.exif_bytes(orientation=6, gps=True))),
        ("logos/transparent.png", "RGBA PNG: transparency kept in the PNG thumbnail",
         samples.png_bytes(samples.transparent_logo())),
        ("print/cmyk-brochure.jpg", "CMYK JPEG: converted to RGB",
         samples.jpeg_bytes(samples.photo_like((2400, 1600), seed=4).convert("CMYK"))),
        ("scans/16-bit gray.png", "16-bit grayscale PNG: tones kept, not clipped to white",
         samples.png_bytes(gray_ramp.point(lambda v: v * 257).convert("I;16"))),
        ("uploads/été 2026/naïve café + friends.v2.jpeg",
         "key with spaces, +, unicode and extra dots: same folder, -thumbnail added",
         samples.jpeg_bytes(samples.photo_like((1600, 1200), seed=3))),
        ("uploads/bomb.png", "a tiny file whose header claims 100000x100000 pixels: refused unread",
         samples.png_header_only(100_000, 100_000)),
        ("uploads/cut-off.jpg", "a JPEG cut off part-way: refused, no retry",
         samples.jpeg_bytes(samples.photo_like((1200, 900), seed=5))[:60_000]),
        ("uploads/not-really-an-image.jpg", "an HTML page named .jpg: refused",
         b"<!doctype html><html><body>oops</body></html>"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "demo-output")
    output_dir = parser.parse_args().out.resolve()
    started = time.perf_counter()
    uploads = sample_uploads()
    deliveries: list[Delivery] = []
    with local_s3() as endpoint:
        overrides = {"OUTPUTS": DEMO_OUTPUTS}
        os.environ.update({**stage_environment(STAGE), **overrides})
        import boto3

        from app import app

        loop = DevLoop(app, stage=STAGE, workers=2, report=deliveries.append, overrides=overrides)
        source, target = loop.buckets
        print(f"local S3 at {endpoint}; uploading to s3://{source}, outputs "
              f"({DEMO_OUTPUTS}) to s3://{target}\n")
        s3 = boto3.client("s3")
        for key, _, data in uploads:
            s3.put_object(Bucket=source, Key=key, Body=data)
        loop.run(threading.Event(), until_idle=True)

        lines = {line["key"]: line for delivery in deliveries for line in delivery.lines}
        raised = {key: d.error for d in deliveries if d.error for key in d.keys}
        shutil.rmtree(output_dir, ignore_errors=True)
        for key, _, data in uploads:
            _save(output_dir / "originals" / key, data)
            for output in lines.get(key, {}).get("outputs", ()):
                body = s3.get_object(Bucket=target, Key=output["key"])["Body"].read()
                _save(output_dir / "outputs" / output["key"], body)
        # The handler's own log lines, as Lambda would log them: what the page shows, checkable.
        (output_dir / "log-lines.json").write_text(
            json.dumps([lines[key] for key, _, _ in uploads if key in lines], indent=1,
                       ensure_ascii=False), encoding="utf-8")

    rows = [(key, what, len(data), lines.get(key), raised.get(key)) for key, what, data in uploads]
    _print_table(rows)
    (output_dir / "index.html").write_text(contact_sheet(rows, output_dir), encoding="utf-8")
    print(f"\ncontact sheet: {output_dir / 'index.html'} (open it in a browser; "
          f"{time.perf_counter() - started:.1f} s in all)")
    return 0


def _save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _print_table(rows) -> None:
    """One line per upload: how many outputs, the first one's size, all their bytes."""
    header = (f"{'key':<48} {'outcome':<8} {'source':>10} {'outputs':>7} {'first':>9} "
              f"{'bytes in':>9} {'bytes out':>9} {'ms':>7}")
    print(header)
    print("-" * len(header))
    for key, _, _, line, error in rows:
        line = line or {"outcome": "failed", "ms": 0.0, "reason": error or "no log line"}
        print(f"{key[:48]:<48} {line['outcome']:<8} {line.get('source_size', '-'):>10} "
              f"{len(line.get('outputs', ())) or '-':>7} {line.get('thumbnail_size', '-'):>9} "
              f"{line.get('bytes_in', 0):>9} {line.get('bytes_out', 0):>9} {line['ms']:>7.1f}")
        if line.get("reason"):
            print(f"{'':<4}reason: {line['reason']}")
    print("(outputs: how many were written; first: the first one's size; bytes out: all of them)")


def contact_sheet(rows, output_dir: Path) -> str:
    """A self-contained page: relative links only, so it opens from the file system.

    Each output's format is read back from the file written (what S3 holds), not assumed."""
    from chalicelib.outputs import load_outputs

    declared = load_outputs()
    cards = []
    for key, what, size, line, error in rows:
        line = line or {"outcome": "failed", "reason": error or "no log line", "ms": 0.0}
        outcome = line["outcome"]
        original = f"originals/{quote(key)}"
        if outcome == "written":
            figures = [f'<figure class="original"><img src="{original}" alt="original">'
                       f'<figcaption><b>original</b> {line["source_size"]}<br>{size:,} bytes'
                       f'</figcaption></figure>']
            for output in line.get("outputs", ()):
                path = f"outputs/{output['key']}"
                with Image.open(output_dir / path) as written:
                    image_format = written.format
                spec = declared.get(output["name"])
                recipe = ""
                if spec is not None:
                    box = "x".join(map(str, spec.size))
                    recipe = f"{spec.fit} {box}" + "".join(
                        f", {effect.op}" for effect in spec.effects)
                figures.append(
                    f'<figure class="output"><img src="{quote(path)}" alt="{output["name"]}">'
                    f'<figcaption><b>{html.escape(output["name"])}</b> {image_format} '
                    f'{output["size"]}<br>{output["bytes"]:,} bytes'
                    f'<br><span class="recipe">{html.escape(recipe)}</span>'
                    f'<br><code>{html.escape(output["key"])}</code></figcaption></figure>')
            pictures = "".join(figures)
        else:
            pictures = (f'<div><p class="reason">{html.escape(line.get("reason", ""))}</p>'
                        f'<p><a href="{original}">the uploaded file</a> ({size:,} bytes), '
                        f'not shown: it is not a renderable image</p></div>')
        cards.append(
            f'<section class="{outcome}"><h2><code>{html.escape(key)}</code> '
            f'<span class="badge">{outcome}</span> <span class="ms">{line["ms"]:.0f} ms</span></h2>'
            f'<p class="what">{html.escape(what)}</p><div class="pair">{pictures}</div></section>'
        )
    names = ", ".join(f"<b>{html.escape(name)}</b>" for name in DEMO_OUTPUTS.split(","))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>thumbnailer demo</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
section {{ border: 1px solid #ddd; border-radius: 8px; padding: 0.5em 1em 1em; margin: 1em 0; }}
h2 {{ font-size: 1.05em; }} .what {{ color: #555; margin-top: -0.5em; }}
.badge {{ padding: 0.1em 0.6em; border-radius: 1em; color: white; font-size: 0.85em; }}
.written .badge {{ background: #2a7d2e; }} .skipped .badge {{ background: #a66b00; }}
.failed .badge {{ background: #b00020; }} .ms {{ color: #777; font-weight: normal; }}
.pair {{ display: flex; gap: 1em; align-items: flex-start; flex-wrap: wrap; }}
figure {{ margin: 0; max-width: 210px; }} figure img {{ max-width: 210px; max-height: 160px;
  display: block; background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 0 0 / 16px 16px; }}
figure.original {{ max-width: 170px; }} figure.original img {{ max-width: 170px; }}
figcaption {{ color: #555; font-size: 0.85em; overflow-wrap: anywhere; }}
figcaption code {{ font-size: 0.85em; }} .recipe {{ color: #777; }}
.reason {{ font-family: monospace; }}
</style></head><body>
<h1>thumbnailer demo</h1>
<p>Each upload to the local S3 source bucket went through the real Lambda handler, with
<code>OUTPUTS={DEMO_OUTPUTS}</code>: every output declared in <code>chalicelib/outputs.toml</code>
({names}). The original is on the left, then each output as stored in the target bucket: its
name, format (read back from the file), size, bytes, fit, box and effects, and key. All are scaled
down by your browser to fit the page. The checkerboard shows through transparent pixels.</p>
{''.join(cards)}
</body></html>
"""


if __name__ == "__main__":
    sys.exit(main())
