"""`make demo`: the thumbnailer end to end on the embedded local S3, no AWS account needed.

Starts the local S3 on loopback, creates the dev stage's buckets, wires S3 event notifications
from the app's own event sources, uploads generated samples that show what the thumbnailer gets
right, runs each event the local S3 emits through its handler (the same loop as `make dev`),
then deletes one upload and runs its event too, prints one line per upload and writes
demo-output/index.html: each original beside every output made of it, with names, sizes,
bytes, formats, labels, timing and outcome. The page needs no server.

The demo turns every feature on (demo_settings), in this run's environment only: every output
chalicelib/config/outputs.toml declares, the backup copy, labels and moderation, and the
processed-image event (a rule on the bus sends it to a queue the demo reads, as a consumer
would). The dev stage's config keeps them off, so tests, `make dev` and deployments are
unchanged. The settings are validated first and printed as `make check` prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
import urllib.request
from collections import Counter
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from devtools import check, samples
from devtools.contact_sheet import contact_sheet
from devtools.dev import Delivery, DevLoop
from devtools.local_s3 import local_s3
from devtools.renditions_local import LocalRenditions
from devtools.stage import PROJECT_DIR, stage_environment

STAGE = "dev"
DEMO_FEATURES = {
    "BACKUP_BUCKET": "thumbnailer-dev-backup",
    "LABELS": "labels,moderation",
    "EVENT_BUS": "thumbnailer-dev-events",
    "MANIFEST": "true",
}
DELETED_LATER = "uploads/deleted later.jpg"


def demo_settings() -> dict[str, str]:
    """Every feature on and every output outputs.toml declares, so one upload shows them all."""
    return {"OUTPUTS": ",".join(check.declared_outputs()), **DEMO_FEATURES}


def sample_uploads(trigger: str = "s3") -> list[tuple[str, str, bytes]]:
    """(key, what it shows, bytes): the common samples, then the TRIGGER mode's own."""
    return _common_samples() + [(key, what, make()) for key, what, make in MODE_SAMPLES[trigger]]


# What only one trigger mode delivers, shown in that mode's run: (key, what it shows, bytes).
MODE_SAMPLES: dict[str, list[tuple[str, str, object]]] = {
    "s3": [],
    "eventbridge": [
        ("photos/mixed case.Jpg", "extension in mixed case: EventBridge's rule matches any "
         "case (S3 notifications would not deliver it)",
         lambda: samples.jpeg_bytes(samples.photo_like((1600, 1200), seed=7))),
        ("photos/IMG_0042.HEIC", "an iPhone's HEIC, stored sideways with irot and EXIF 6: "
         "upright, made JPEG (-thumbnail.HEIC.jpg), rotated once, not twice",
         lambda: samples.heic_bytes(samples.photo_like((3024, 2268), seed=8), orientation=6)),
        ("logos/sticker.webp", "a WebP with alpha: its outputs stay WebP-with-alpha where "
         "the format allows, flattened in the JPEG ones",
         lambda: samples.image_bytes(samples.transparent_logo(), "WEBP")),
        ("photos/sunset.avif", "an AVIF photo: decoded by Pillow, the thumbnail stays AVIF",
         lambda: samples.image_bytes(samples.photo_like((1920, 1280), seed=9), "AVIF")),
    ],
}


def _common_samples() -> list[tuple[str, str, bytes]]:
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
        ("uploads/flagged.jpg", "mostly pure red: the local moderation stand-in's toy model flags "
         "it, so it is quarantined: no outputs, a sidecar that says why",
         samples.jpeg_bytes(_mostly_red((1200, 800)))),
        (DELETED_LATER, "rendered, then deleted: its outputs and labels sidecar go with it, "
         "its backup stays", samples.jpeg_bytes(samples.photo_like((1600, 1066), seed=6))),
        ("uploads/bomb.png", "a tiny file whose header claims 100000x100000 pixels: refused unread",
         samples.png_header_only(100_000, 100_000)),
        ("uploads/cut-off.jpg", "a JPEG cut off part-way: refused, no retry",
         samples.jpeg_bytes(samples.photo_like((1200, 900), seed=5))[:60_000]),
        ("uploads/not-really-an-image.jpg", "an HTML page named .jpg: refused",
         b"<!doctype html><html><body>oops</body></html>"),
    ]


def _mostly_red(size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (225, 20, 25))
    image.paste((250, 240, 230), (0, size[1] * 4 // 5, size[0], size[1]))
    return image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "demo-output")
    parser.add_argument("--trigger", default=os.environ.get("TRIGGER") or None,
                        help="s3 or eventbridge (default: the stage's TRIGGER, else s3)")
    args = parser.parse_args()
    output_dir = args.out.resolve()
    started = time.perf_counter()
    try:
        settings = {**demo_settings(), **({"TRIGGER": args.trigger} if args.trigger else {})}
        configuration = check.load(STAGE, settings)
    except check.ConfigurationError as error:
        print(f"make demo: not starting, stage {STAGE} is not valid:\n{error}", file=sys.stderr)
        return 1
    mode = configuration.settings.trigger
    uploads = sample_uploads(mode)
    deliveries: list[Delivery] = []
    with local_s3() as endpoint:
        os.environ.update({**stage_environment(STAGE), **settings})
        import boto3

        from app import app

        loop = DevLoop(app, stage=STAGE, workers=2, report=deliveries.append,
                       overrides=settings)
        source, target = loop.buckets
        print("\n".join(check.describe(configuration)))
        print(f"local S3 at {endpoint} (TRIGGER={mode}); uploading to s3://{source}, outputs "
              f"({settings['OUTPUTS']}) and labels to s3://{target}, backups to "
              f"s3://{loop.backup_bucket}\n")
        s3 = boto3.client("s3")
        for key, _, data in uploads:
            s3.put_object(Bucket=source, Key=key, Body=data)
        loop.run(threading.Event(), until_idle=True, close=False)
        bus_events = loop.processed_events()
        created = {line["key"]: line for delivery in deliveries for line in delivery.lines}
        raised = {key: d.error for d in deliveries if d.error for key in d.keys}
        shutil.rmtree(output_dir, ignore_errors=True)
        for key, _, data in uploads:
            _save(output_dir / "originals" / key, data)
            line = created.get(key, {})
            for output_key in [o["key"] for o in line.get("outputs", ())] + [
                    line[extra] for extra in ("labels_key", "manifest_key") if line.get(extra)]:
                body = s3.get_object(Bucket=target, Key=output_key)["Body"].read()
                _save(output_dir / "outputs" / output_key, body)
        for key, made in _made_on_request(loop, s3, target, created, settings["OUTPUTS"],
                                          output_dir).items():
            created[key] = {**created[key], "requested": made}

        # Second act: an upload deleted; its delete event runs through the same handlers.
        first_act = len(deliveries)
        s3.delete_object(Bucket=source, Key=DELETED_LATER)
        loop.run(threading.Event(), until_idle=True)
        bus_events += loop.processed_events()
        removed = {line["key"]: line for d in deliveries[first_act:] for line in d.lines}
        raised.update({key: d.error for d in deliveries[first_act:] if d.error for key in d.keys})
        left = {key: [k for k in line.get("deleted", ()) if _exists(s3, target, k)]
                for key, line in removed.items()}
        backups = sorted(item["Key"] for item in s3.list_objects_v2(
            Bucket=loop.backup_bucket).get("Contents", []))
        # The handler's own log lines, as Lambda would log them: what the page shows, checkable.
        (output_dir / "log-lines.json").write_text(
            json.dumps([line for delivery in deliveries for line in delivery.lines], indent=1,
                       ensure_ascii=False), encoding="utf-8")

    (output_dir / "bus-events.json").write_text(
        json.dumps(bus_events, indent=1, ensure_ascii=False), encoding="utf-8")
    on_bus: dict[str, list[str]] = {}
    for event in bus_events:
        on_bus.setdefault(event["detail"]["key"], []).append(_bus_event_name(event))
    rows = [(key, what, len(data), created.get(key), raised.get(key), removed.get(key),
             left.get(key), on_bus.get(key, [])) for key, what, data in uploads]
    _print_table(rows, backups, loop.backup_bucket, loop.event_bus, bus_events)
    (output_dir / "index.html").write_text(
        contact_sheet(rows, output_dir, backups, settings["OUTPUTS"].split(",")),
        encoding="utf-8")
    print(f"\ncontact sheet: {output_dir / 'index.html'} (open it in a browser; "
          f"{time.perf_counter() - started:.1f} s in all)")
    return 0


def _made_on_request(loop: DevLoop, s3, target: str, created: dict[str, dict], names: str,
                     output_dir: Path) -> dict[str, list[dict]]:
    """Each output made on request (`when = "request"`), asked for by URL as a browser would,
    through the local renditions URL: the first request reaches the renditions function, which
    renders and stores it; the second is the target bucket's. Per upload key, what was made."""
    from chalicelib.config.outputs import load_outputs

    on_request = [output for output in load_outputs().values()
                  if output.on_request and output.name in names.split(",")]
    made: dict[str, list[dict]] = {}
    if not on_request:
        return made
    with LocalRenditions(s3, target, lambda event: loop.invoke("renditions", event),
                         report=lambda line: None) as renditions:
        for key, line in created.items():
            for output in on_request:
                if line["outcome"] != "written" or not output.applies_to(key):
                    continue
                output_key = output.key_for(key)
                url = f"{renditions.url}/{quote(output_key)}"
                with urllib.request.urlopen(url) as first:
                    body, answered = first.read(), first.headers["x-served-by"]
                with urllib.request.urlopen(urllib.request.Request(url, method="HEAD")) as again:
                    answered += f", then {again.headers['x-served-by']}"
                _save(output_dir / "outputs" / output_key, body)
                with Image.open(BytesIO(body)) as image:
                    size = "x".join(map(str, image.size))
                made.setdefault(key, []).append({
                    "name": output.name, "key": output_key, "size": size, "bytes": len(body),
                    "served_by": answered})
    count = sum(map(len, made.values()))
    print(f"made on request: {count} outputs ({', '.join(o.name for o in on_request)}), each "
          f"asked for by URL: the first request answered by the renditions function, which "
          f"stored it; the next by the target bucket")
    return made


def _bus_event_name(event: dict) -> str:
    """"Image processed" is sent for a skipped upload too: say which it was."""
    outcome = event["detail"].get("outcome")
    if event["detail-type"] == "Image processed" and outcome:
        return f"Image processed ({outcome})"
    return event["detail-type"]


def _exists(s3, bucket: str, key: str) -> bool:
    return bool(s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount"))


def _save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _print_table(rows, backups: list[str], backup_bucket: str, bus: str,
                 bus_events: list[dict]) -> None:
    """One line per upload: how many outputs, the first one's size, all their bytes."""
    header = (f"{'key':<46} {'outcome':<11} {'source':>10} {'outputs':>7} {'first':>9} "
              f"{'bytes in':>9} {'bytes out':>9} {'ms':>7}")
    print(header)
    print("-" * len(header))
    for key, _, _, logged, error, removed, left, _ in rows:
        line = logged or {"outcome": "failed", "ms": 0.0, "reason": error or "no log line"}
        print(f"{key[:46]:<46} {line['outcome']:<11} {line.get('source_size', '-'):>10} "
              f"{len(line.get('outputs', ())) or '-':>7} {line.get('thumbnail_size', '-'):>9} "
              f"{line.get('bytes_in', 0):>9} {line.get('bytes_out', 0):>9} {line['ms']:>7.1f}")
        if line.get("reason"):
            print(f"{'':<4}reason: {line['reason']}")
        if line.get("labels"):
            print(f"{'':<4}labels: " + ", ".join(
                f"{label['name']} {label['confidence']:.1f}%" for label in line["labels"]))
        if removed:
            print(f"{'':<4}then deleted from the source bucket: {removed['outcome']}, "
                  f"{len(removed.get('deleted', ()))} keys deleted from the target bucket, "
                  f"{len(left or ())} left")
    print("(outputs: how many were written; first: the first one's size; bytes out: all of them)")
    print(f"backup bucket s3://{backup_bucket}: {len(backups)} copies, the deleted upload's too")
    kinds = Counter(_bus_event_name(event) for event in bus_events)
    print(f"event bus {bus}: {len(bus_events)} events reached the rule's queue (" +
          ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) + ")")


if __name__ == "__main__":
    sys.exit(main())
