"""The worst cases at the pixel limit, rendered where the function's memory is a hard wall.

Each file is 150 megapixels (the default MAX_SOURCE_PIXELS) in a few megabytes. A child process
loads what the Lambda function loads (app, boto3 with its S3 client, Pillow), then limits its
address space to lambda_memory_size and renders one file. Going over is a MemoryError or a
killed child here, and an out-of-memory kill on Lambda: no log line, two retries, a lost event.

Expected outcomes come from arithmetic on how each file is built, not from the code under test:
Pillow holds RGB, RGBA and LA at four bytes a pixel (600 MB at 150 MP), grey and palette at
one, 16-bit grey at two; libjpeg holds a progressive JPEG's coefficients, two bytes for each
sample of each component (CMYK 4 x 2 x 150 MP = 1.2 GB; RGB without subsampling 900 MB; with
4:2:0 subsampling 450 MB). The function has 1024 MB less what its runtime holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from devtools.stage import PROJECT_DIR
from tests.helpers import large_images

pytestmark = pytest.mark.slow  # children rendering 150 MP files: about 40 s

WIDTH, HEIGHT = 15_000, 10_000  # 150 megapixels, exactly the default limit
LAMBDA_MEMORY_MB = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())[
    "lambda_memory_size"]
TRNS_RGB = (b"tRNS", b"\x00\x01\x00\x02\x00\x03")

# name -> (how to make it, expected outcome, why)
WORST_CASES = {
    "rgb-colour-key.png": (lambda: large_images.png(WIDTH, HEIGHT, 2, extra_chunks=(TRNS_RGB,)),
                           "written", "600 MB of RGB; the key becomes alpha in strips"),
    "palette-transparent.png": (
        lambda: large_images.png(WIDTH, HEIGHT, 3, extra_chunks=(
            large_images.palette_chunk(), (b"tRNS", b"\x00" * 16))),
        "written", "150 MB of palette indexes"),
    "grey-colour-key.png": (
        lambda: large_images.png(WIDTH, HEIGHT, 0, extra_chunks=((b"tRNS", b"\x00\x05"),)),
        "written", "150 MB of grey"),
    "rgba.png": (lambda: large_images.png(WIDTH, HEIGHT, 6), "written", "600 MB"),
    "grey-alpha.png": (lambda: large_images.png(WIDTH, HEIGHT, 4), "written", "600 MB"),
    "rgba-16-bit.png": (lambda: large_images.png(WIDTH, HEIGHT, 6, 16), "written",
                        "Pillow keeps 8 bits a channel: 600 MB"),
    "rgb-interlaced.png": (lambda: large_images.png(WIDTH, HEIGHT, 2, interlaced=True),
                           "written", "600 MB"),
    "grey-16-bit.png": (lambda: large_images.png(WIDTH, HEIGHT, 0, 16), "written", "300 MB"),
    "progressive-cmyk.jpg": (lambda: large_images.jpeg((WIDTH, HEIGHT), "CMYK", progressive=True),
                             "skipped", "1.2 GB of coefficients"),
    "progressive-rgb-444.jpg": (
        lambda: large_images.jpeg((WIDTH, HEIGHT), "RGB", progressive=True, subsampling=0),
        "skipped", "900 MB of coefficients, more than 1024 MB less the runtime leaves"),
    "progressive-rgb-420.jpg": (
        lambda: large_images.jpeg((WIDTH, HEIGHT), "RGB", progressive=True, subsampling=2),
        "written", "450 MB of coefficients"),
    "baseline-rgb-444.jpg": (lambda: large_images.jpeg((WIDTH, HEIGHT), "RGB", subsampling=0),
                             "written", "decoded at 1/8 scale, a few MB"),
}

CHILD = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
sys.path[:0] = [{root!r}]
import os
os.environ.update(SOURCE_BUCKET="memory-test-in", TARGET_BUCKET="memory-test-out",
                  AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
import app  # what the function imports
from chalicelib.aws import clients as s3_client
from chalicelib.aws.deadline import Deadline
from chalicelib.errors import PermanentError
from chalicelib.image.render import ThumbnailSpec, render_thumbnail
s3_client.client_for(Deadline())

data = open({path!r}, "rb").read()
limit = {memory_mb} * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
try:
    thumbnail = render_thumbnail(data, ThumbnailSpec({output!r}, memory_mb={memory_mb}))
    outcome, reason = "written", "{{}}x{{}}".format(*thumbnail.size)
except PermanentError as error:
    outcome, reason = "skipped", error.reason
peak_mb = next(int(line.split()[1]) // 1024 for line in open("/proc/self/status")
               if line.startswith("VmHWM:"))
print(json.dumps({{"outcome": outcome, "reason": reason, "peak_mb": peak_mb,
                  "seconds": round(time.perf_counter() - started, 2)}}))
"""


def render_in_child(path, memory_mb: int = LAMBDA_MEMORY_MB) -> dict:
    """Render one file in a child limited to `memory_mb` of address space; what happened."""
    code = CHILD.format(root=str(PROJECT_DIR), path=str(path), memory_mb=memory_mb,
                        output="PNG" if path.suffix == ".png" else "JPEG")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, check=False)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["killed"])[-1]
        return {"outcome": "died", "reason": last}
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def worst_case_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worst-cases")
    for name, (make, _, _) in WORST_CASES.items():
        (folder / name).write_bytes(make())
    return folder


def test_every_worst_case_renders_or_is_refused_within_the_functions_memory(
    worst_case_files, capsys
):
    names = list(WORST_CASES)
    with ThreadPoolExecutor(2) as pool:
        rendered = pool.map(lambda n: render_in_child(worst_case_files / n), names)
        results = dict(zip(names, rendered, strict=True))
    with capsys.disabled():
        print(f"\nworst cases at {WIDTH}x{HEIGHT}, address space limited to {LAMBDA_MEMORY_MB} MB:")
        for name, result in results.items():
            print(f"  {name:26} {result['outcome']:8} peak {result.get('peak_mb', '?'):>4} MB "
                  f"{result.get('seconds', '?'):>5} s  {result['reason'][:110]}")
    wrong = {name: result for name, result in results.items()
             if result["outcome"] != WORST_CASES[name][1]}
    assert wrong == {}
    for result in results.values():
        if result["outcome"] == "skipped":  # the reason names the numbers
            assert "over the memory budget" in result["reason"]
            assert f"{WIDTH}x{HEIGHT}" in result["reason"] and " MB" in result["reason"]


def test_a_bigger_function_renders_what_a_smaller_one_refuses(worst_case_files):
    """The budget follows the function's memory, not a constant."""
    path = worst_case_files / "progressive-rgb-444.jpg"
    assert render_in_child(path, memory_mb=1536)["outcome"] == "written"


def test_heic_webp_and_avif_full_decodes_peak_under_their_estimates(tmp_path, capsys):
    """No shrink-on-load: 24 MP decoded in full, measured against budget.py's estimate plus the
    runtime's reserve (what the function must hold in all)."""
    import io

    import pillow_heif
    from PIL import Image

    from chalicelib.image import budget
    from chalicelib.image.render import OutputRequest, ThumbnailSpec, _decode_size
    from chalicelib.image.structure import inspect

    size = (6000, 4000)
    ramp = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                  ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    files = {}
    out = io.BytesIO()
    pillow_heif.from_pillow(picture).save(out, quality=50)
    files["photo.heic"] = (out.getvalue(), "RGB")
    rgba = picture.convert("RGBA")
    rgba.putalpha(ramp)
    for name, fmt, options in (("alpha.webp", "WEBP", {"method": 0}),
                               ("alpha.avif", "AVIF", {"speed": 10})):
        out = io.BytesIO()
        rgba.save(out, fmt, quality=50, **options)
        files[name] = (out.getvalue(), "RGBA")
    spec = ThumbnailSpec("JPEG")
    request = [OutputRequest("thumbnail", spec.box)]
    for name, (data, mode) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        estimate = budget.estimate(inspect(data), mode, size, _decode_size(size, request, False),
                                   needs_conversion=mode == "RGBA")
        result = render_in_child(path)
        with capsys.disabled():
            print(f"\n  {name} {size[0]}x{size[1]}: peak {result.get('peak_mb')} MB, estimate "
                  f"{estimate.describe()} + {budget.RUNTIME_RESERVE_MB} MB reserve")
        assert result["outcome"] == "written", result
        assert result["peak_mb"] <= estimate.total / budget.MB + budget.RUNTIME_RESERVE_MB
