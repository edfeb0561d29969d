"""A few hundred hostile files through the handlers: every mode, truncations at many offsets,
random bytes, bombs by dimension and by decompression, other formats under .jpg/.png names,
animations, huge metadata, broken EXIF, segment floods. No exception escapes, memory and time
stay bounded, and each file gets the outcome known from how it was made
(tests/helpers/hostile_corpus.py): written (with a valid thumbnail), skipped (with a reason), or,
for bit flips and random bytes, either."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

from PIL import Image

from chalicelib.config.keys import upload_suffixes
from chalicelib.pipeline.setup import load_settings
from devtools.stage import PROJECT_DIR, stage_environment
from tests.helpers.hostile_corpus import ANY, SKIPPED, WRITTEN, corpus
from tests.helpers.uploads import handler_for, upload

SETTINGS = load_settings(stage_environment("dev"))
CORPUS = list(corpus(SETTINGS.max_source_pixels))
LAMBDA_MEMORY_MB = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())[
    "lambda_memory_size"]


def test_the_corpus_is_a_few_hundred_files_mostly_with_a_definite_outcome():
    assert len(CORPUS) >= 240
    assert len({name for name, _, _ in CORPUS}) == len(CORPUS)
    assert {expected for _, _, expected in CORPUS} == {WRITTEN, SKIPPED, ANY}
    undecided = [name for name, _, expected in CORPUS if expected == ANY]
    # Only bit flips, random bytes and cuts inside a PNG's last checksums are left undecided.
    assert all(name.startswith(("bitflip-", "random-", "truncated-")) for name in undecided)
    assert len(undecided) < len(CORPUS) // 4


def function_for(chalice_app, key: str) -> str:
    """The S3 mode's function for .jpg/.jpeg/.png keys; the S3 mode delivers no HEIC, WebP or
    AVIF (docs/pipeline.md, Input formats), so the .jpg function runs their records here: every
    function runs the same pipeline, and the record's key decides the output."""
    if key.lower().endswith(upload_suffixes()):
        return handler_for(chalice_app, key)
    return handler_for(chalice_app, "stand-in.jpg")


def test_no_exception_escapes_and_every_file_gets_its_expected_outcome(
    s3, client, chalice_app, source_bucket, target_bucket, caplog, capsys
):
    caplog.set_level(logging.INFO, logger="chalicelib.pipeline")
    expectations = {}
    for number, (name, data, expected) in enumerate(CORPUS):
        key = f"corpus/{number:03d}-{name}"
        record = upload(s3, source_bucket, key, data)
        client.lambda_.invoke(function_for(chalice_app, key),
                              {"Records": [record]})  # must not raise
        expectations[key] = expected

    lines = {line["key"]: line for line in
             (json.loads(r.getMessage()) for r in caplog.records
              if r.name == "chalicelib.pipeline")}
    assert set(lines) == set(expectations)  # one log line per upload
    wrong = []
    for key, expected in expectations.items():
        line = lines[key]
        if line["outcome"] not in ((WRITTEN, SKIPPED) if expected == ANY else (expected,)):
            wrong.append((key, f"expected {expected}", line["outcome"], line.get("reason")))
        elif line["outcome"] == WRITTEN:
            body = s3.get_object(Bucket=target_bucket, Key=line["thumbnail_key"])["Body"].read()
            thumbnail = Image.open(io.BytesIO(body))
            thumbnail.load()
            assert thumbnail.width <= 1280 and thumbnail.height <= 720
        else:
            assert line["reason"]
    assert not wrong, "\n".join(["outcomes not as built:", *map(str, wrong)])
    slowest = max(lines.values(), key=lambda line: line["ms"])
    assert slowest["ms"] < 10_000, slowest  # a few seconds at most, even for the bombs
    written = sum(line["outcome"] == "written" for line in lines.values())
    with capsys.disabled():
        print(f"\ncorpus: {len(lines)} files, {written} written, {len(lines) - written} skipped, "
              f"slowest {slowest['key']} {slowest['ms']:.0f} ms")


PEAK_MEMORY_PROBE = """
import sys, warnings
warnings.simplefilter("ignore")
sys.path[:0] = [{root!r}]
from chalicelib.image.render import ImageRejected, Limits
from tests.helpers.render import render_one
from tests.helpers.hostile_corpus import corpus

def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

items = list(corpus({max_pixels}))
for name, data, _ in items:
    output_format = "PNG" if name.endswith(".png") else "JPEG"
    try:
        render_one(data, output_format, limits=Limits(max_pixels={max_pixels}))
    except ImageRejected:
        pass
print(rss_kb("VmHWM:") // 1024)
"""


def test_rendering_the_corpus_fits_in_the_lambdas_memory(capsys):
    """Peak RSS of a fresh process rendering every file, against lambda_memory_size."""
    code = PEAK_MEMORY_PROBE.format(root=str(PROJECT_DIR), max_pixels=SETTINGS.max_source_pixels)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr
    peak_mb = int(run.stdout.strip().splitlines()[-1])
    with capsys.disabled():
        print(f"\npeak RSS rendering the corpus: {peak_mb} MB "
              f"(lambda_memory_size {LAMBDA_MEMORY_MB})")
    assert peak_mb < LAMBDA_MEMORY_MB * 0.8
