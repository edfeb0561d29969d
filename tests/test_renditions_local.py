"""`make dev`'s renditions URL, in CloudFront's order (the target bucket, then the function on a
miss), and a real browser loading a page whose images are not rendered yet."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request

import pytest
from PIL import Image

from devtools import samples
from tests.helpers.dev_process import DevProcess
from tests.helpers.ports import free_port
from tests.helpers.project_copy import project_copy, set_stage_variables

pytestmark = pytest.mark.slow  # make dev in a process of its own; Chromium

SOURCE, TARGET = "thumbnailer-dev-source", "thumbnailer-dev-thumbnails"
# The shipped outputs.toml's on-request example: 2048x2048 contain, WebP.
ON_REQUEST = "large"


@pytest.fixture
def dev(tmp_path):
    project = project_copy(tmp_path / "project")
    set_stage_variables(project, OUTPUTS=f"thumbnail,{ON_REQUEST}")
    port = free_port()
    process = DevProcess(project, "--renditions-port", str(port))
    process.renditions = f"http://127.0.0.1:{port}"
    process.wait_for("ready; Ctrl-C to stop")
    yield process
    assert process.stop() == 0


def get(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method)) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def upload(dev, key: str, size: tuple[int, int]) -> None:
    done = len(dev.lines)
    dev.s3().put_object(Bucket=SOURCE, Key=key,
                        Body=samples.jpeg_bytes(samples.photo_like(size)))
    dev.wait_for(f"{key}  written", done)


def test_a_miss_is_rendered_by_the_function_then_served_by_the_bucket(dev):
    base = f"{dev.renditions}/"
    assert f"renditions at {dev.renditions}/" in dev.output  # the banner says where
    upload(dev, "trip/my photo.jpg", (3000, 2000))
    url = f"{base}trip/my%20photo-large.webp"

    status, headers, body = get(url)
    assert (status, headers["x-served-by"], headers["Content-Type"]) == (
        200, "renditions", "image/webp")
    assert Image.open(io.BytesIO(body)).size == (2048, 1365)
    assert "from the renditions function: large 2048x1365" in dev.output

    status, headers, again = get(url)
    assert (status, headers["x-served-by"], again) == (200, "bucket", body)
    status, headers, nothing = get(url, "HEAD")
    assert (status, headers["x-served-by"], headers["Content-Length"], nothing) == (
        200, "bucket", str(len(body)), b"")
    assert dev.output.count("from the renditions function") == 1  # the first request only
    # What the upload made is the bucket's from the start.
    status, headers, _ = get(f"{base}trip/my%20photo-thumbnail.jpg")
    assert (status, headers["x-served-by"]) == (200, "bucket")


def test_what_nothing_makes_is_the_functions_404_with_a_reason(dev):
    status, headers, body = get(f"{dev.renditions}/trip/nobody-large.webp")
    assert (status, headers["x-served-by"]) == (404, "renditions")
    assert "no upload in thumbnailer-dev-source makes" in json.loads(body)["reason"]
    status, _, body = get(f"{dev.renditions}/not/an/output.txt")
    assert status == 404 and "no output of this stage makes" in json.loads(body)["reason"]


def _port_with_a_free_neighbour() -> tuple[int, socket.socket]:
    """A free port P and a socket listening on P + 1 (closed by the caller)."""
    for _ in range(50):
        port, neighbour = free_port(), socket.socket()
        try:
            neighbour.bind(("127.0.0.1", port + 1))
        except OSError:
            neighbour.close()
            continue
        neighbour.listen()
        return port, neighbour
    raise AssertionError("no free port with a free neighbour")


def _banner_url(dev) -> str:
    found = re.search(r"renditions at (http://127\.0\.0\.1:\d+)/", dev.output)
    assert found, dev.output
    return found.group(1)


def test_the_renditions_url_is_beside_the_s3_port_or_any_free_one_when_that_is_taken(tmp_path):
    project = project_copy(tmp_path / "project")
    port, neighbour = _port_with_a_free_neighbour()
    neighbour.close()  # free: make dev takes it
    dev = DevProcess(project, port=port, choose_renditions_port=True)
    try:
        dev.wait_for("ready; Ctrl-C to stop")
        assert _banner_url(dev) == f"http://127.0.0.1:{port + 1}"
        assert get(f"{_banner_url(dev)}/trip/nobody-large.webp")[0] == 404
    finally:
        assert dev.stop() == 0

    port, neighbour = _port_with_a_free_neighbour()
    with neighbour:  # taken: make dev says where it went instead
        dev = DevProcess(project, port=port, choose_renditions_port=True)
        try:
            dev.wait_for("ready; Ctrl-C to stop")
            url = _banner_url(dev)
            assert url != f"http://127.0.0.1:{port + 1}"
            status, headers, _ = get(f"{url}/trip/nobody-large.webp")
            assert (status, headers["x-served-by"]) == (404, "renditions")
        finally:
            assert dev.stop() == 0


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE = """<!doctype html><html><body>
{images}
<script>
Promise.all([...document.images].map(img => img.decode().then(
    () => img.getAttribute("src") + " " + img.naturalWidth + "x" + img.naturalHeight,
    () => img.getAttribute("src") + " failed")))
  .then(found => {{ document.body.dataset.decoded = found.join("|"); }});
</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                    reason="no chromium here (.ci/run installs Debian's chromium)")
def test_a_browser_gets_every_not_yet_rendered_image_of_a_page(dev, tmp_path):
    sizes = {"a.jpg": (1600, 1200), "b b.jpg": (1200, 1600), "c+d.jpg": (4000, 1000)}
    for key, size in sizes.items():
        upload(dev, f"page/{key}", size)
    sources = [f"page/{urllib.request.quote(key.rsplit('.', 1)[0])}-large.webp"
               for key in sizes]
    page = PAGE.format(images="\n".join(f'<img src="{src}">' for src in sources))
    dev.s3().put_object(Bucket=TARGET, Key="index.html", Body=page.encode(),
                        ContentType="text/html")
    assert CHROMIUM, "Debian's chromium is needed (apt-get install chromium)"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}",
         "--virtual-time-budget=30000", "--dump-dom", f"{dev.renditions}/index.html"],
        capture_output=True, text=True, timeout=120, check=True).stdout
    decoded = re.search(r'data-decoded="([^"]*)"', dom)
    assert decoded, dom[-2000:]
    found = dict(entry.rsplit(" ", 1) for entry in decoded.group(1).split("|"))
    expected = {src: "x".join(map(str, _contained(size, (2048, 2048))))
                for src, size in zip(sources, sizes.values(), strict=True)}
    assert found == expected
    assert dev.output.count("from the renditions function: large") == len(sizes)


def _contained(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    scale = min(box[0] / size[0], box[1] / size[1], 1)
    return round(size[0] * scale), round(size[1] * scale)
