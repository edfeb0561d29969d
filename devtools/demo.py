"""`make demo`: the thumbnailer end to end on the embedded local S3, no AWS account needed.

Starts the local S3 on loopback, creates the dev stage's buckets, wires S3 event notifications
from the app's own event sources, uploads generated samples, delivers each event the local S3
emits to its handler (as Lambda would), saves the thumbnails under demo-output/ and prints one
line per upload.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from devtools import samples
from devtools.local_s3 import EventRouter, local_s3
from devtools.stage import PROJECT_DIR, stage_environment

OUTPUT_DIR = PROJECT_DIR / "demo-output"
STAGE = "dev"


def sample_uploads() -> list[tuple[str, bytes]]:
    """(key, bytes) pairs that show what the thumbnailer gets right."""
    upright_portrait = samples.photo_like((2268, 3024), seed=2)
    return [
        ("photos/landscape-12mp.jpg", samples.jpeg_bytes(samples.photo_like((4000, 3000)))),
        (
            "photos/phone portrait.JPG",  # stored sideways, EXIF says rotate: must come out upright
            samples.jpeg_bytes(
                samples.stored_with_orientation(upright_portrait, 6),
                exif=samples.exif_bytes(orientation=6, gps=True),
            ),
        ),
        ("logos/transparent.png", samples.png_bytes(samples.transparent_logo())),
        (
            "uploads/été 2026/naïve café + friends.v2.jpeg",
            samples.jpeg_bytes(samples.photo_like((1600, 1200), seed=3)),
        ),
        ("uploads/not-really-an-image.jpg", b"<!doctype html><html><body>oops</body></html>"),
    ]


class _Collect(logging.Handler):
    """Keeps the handlers' JSON log lines, one per record, to print the table from them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


def main() -> int:
    os.environ.update(stage_environment(STAGE))
    started = time.perf_counter()
    with local_s3() as endpoint:
        import boto3
        from chalice.test import Client

        from app import app

        collected = _Collect()
        logging.getLogger("chalicelib.thumbnailer").addHandler(collected)
        source, target = os.environ["SOURCE_BUCKET"], os.environ["TARGET_BUCKET"]
        router = EventRouter.wire(app, [source, target])
        s3 = boto3.client("s3")
        print(f"local S3 at {endpoint}; uploading to s3://{source}, thumbnails to s3://{target}\n")
        for key, data in sample_uploads():
            s3.put_object(Bucket=source, Key=key, Body=data)

        with Client(app, stage_name=STAGE, project_dir=str(PROJECT_DIR)) as client:
            for handler, event in router.pending_events():
                try:
                    client.lambda_.invoke(handler, event)
                except Exception as error:  # reported in the table from its log line
                    print(f"  handler {handler} raised {type(error).__name__}: {error}")

        shutil.rmtree(OUTPUT_DIR, ignore_errors=True)
        for line in collected.lines:
            if line["outcome"] == "written":
                path = OUTPUT_DIR / line["thumbnail_key"]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(s3.get_object(Bucket=target, Key=line["thumbnail_key"])["Body"].read())
        _print_table(collected.lines)
    print(f"\nthumbnails saved under {OUTPUT_DIR.relative_to(Path.cwd()) if OUTPUT_DIR.is_relative_to(Path.cwd()) else OUTPUT_DIR}/"
          f" ({time.perf_counter() - started:.1f} s in all)")
    return 0


def _print_table(lines: list[dict]) -> None:
    header = f"{'key':<48} {'outcome':<8} {'source':>10} {'thumb':>9} {'bytes in':>9} {'bytes out':>9} {'ms':>7}"
    print(header)
    print("-" * len(header))
    for line in lines:
        print(
            f"{line['key'][:48]:<48} {line['outcome']:<8} {line.get('source_size', '-'):>10} "
            f"{line.get('thumbnail_size', '-'):>9} {line.get('bytes_in', 0):>9} "
            f"{line.get('bytes_out', 0):>9} {line['ms']:>7.1f}"
        )
        if line.get("reason"):
            print(f"{'':<4}reason: {line['reason']}")


if __name__ == "__main__":
    sys.exit(main())
