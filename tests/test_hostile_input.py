"""A few hundred hostile files through the handlers: every mode, truncations at many offsets,
random bytes, bombs by dimension and by decompression, other formats under .jpg/.png names,
animations, huge metadata, broken EXIF. No exception escapes, memory and time stay bounded, and
every JPEG/PNG that Pillow can decode gets a valid thumbnail."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import warnings

from PIL import Image

from chalicelib.settings import Settings
from devtools.stage import PROJECT_DIR, stage_environment
from tests.conftest import handler_for, upload
from tests.hostile_corpus import corpus

CORPUS = list(corpus())
SETTINGS = Settings.from_env(stage_environment("dev"))
LAMBDA_MEMORY_MB = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())[
    "lambda_memory_size"]


def decodable(data: bytes) -> bool:
    """What plain Pillow makes of the bytes, within the configured pixel limit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
                if image.width * image.height > SETTINGS.max_source_pixels:
                    return False
                image.load()
                return True
    except Exception:  # noqa: BLE001 - any failure means "not decodable" here
        return False


def test_the_corpus_is_a_few_hundred_files():
    assert len(CORPUS) >= 240
    assert len({name for name, _ in CORPUS}) == len(CORPUS)


def test_no_exception_escapes_and_every_decodable_image_gets_a_thumbnail(
    s3, client, chalice_app, source_bucket, target_bucket, caplog, capsys
):
    caplog.set_level(logging.INFO, logger="chalicelib.thumbnailer")
    keys = {}
    for number, (name, data) in enumerate(CORPUS):
        key = f"corpus/{number:03d}-{name}"
        record = upload(s3, source_bucket, key, data)
        client.lambda_.invoke(handler_for(chalice_app, key), {"Records": [record]})  # must not raise
        keys[key] = data

    lines = {line["key"]: line for line in
             (json.loads(r.getMessage()) for r in caplog.records if r.name == "chalicelib.thumbnailer")}
    assert set(lines) == set(keys)  # one log line per upload
    wrong = []
    for key, data in keys.items():
        line = lines[key]
        expected = "written" if decodable(data) else "skipped"
        if line["outcome"] != expected:
            wrong.append((key, line["outcome"], line.get("reason")))
        elif expected == "written":
            body = s3.get_object(Bucket=target_bucket, Key=line["thumbnail_key"])["Body"].read()
            thumbnail = Image.open(io.BytesIO(body))
            thumbnail.load()
            assert thumbnail.width <= 1280 and thumbnail.height <= 720
        else:
            assert line["reason"]
    assert wrong == []
    slowest = max(lines.values(), key=lambda line: line["ms"])
    assert slowest["ms"] < 10_000, slowest  # a few seconds at most, even for the bombs
    written = sum(line["outcome"] == "written" for line in lines.values())
    with capsys.disabled():
        print(f"\ncorpus: {len(keys)} files, {written} written, {len(keys) - written} skipped, "
              f"slowest {slowest['key']} {slowest['ms']:.0f} ms")


PEAK_MEMORY_PROBE = """
import sys, warnings
warnings.simplefilter("ignore")
sys.path[:0] = [{root!r}]
from chalicelib.render import ImageRejected, ThumbnailSpec, render_thumbnail
from tests.hostile_corpus import corpus

def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

items = list(corpus())
for name, data in items:
    spec = ThumbnailSpec("PNG" if name.endswith(".png") else "JPEG", max_pixels={max_pixels})
    try:
        render_thumbnail(data, spec)
    except ImageRejected:
        pass
print(rss_kb("VmHWM:") // 1024)
"""


def test_rendering_the_corpus_fits_in_the_lambdas_memory(capsys):
    """Peak RSS of a fresh process rendering every file, against lambda_memory_size."""
    code = PEAK_MEMORY_PROBE.format(root=str(PROJECT_DIR), max_pixels=SETTINGS.max_source_pixels)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    peak_mb = int(run.stdout.strip().splitlines()[-1])
    with capsys.disabled():
        print(f"\npeak RSS rendering the corpus: {peak_mb} MB "
              f"(lambda_memory_size {LAMBDA_MEMORY_MB})")
    assert peak_mb < LAMBDA_MEMORY_MB * 0.8
