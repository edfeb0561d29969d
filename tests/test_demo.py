"""`make demo` leaves a contact sheet whose every picture and link exists: every output the
handler logged for every upload it wrote is on the sheet, and decodes; and it shows the other
features at work: labels sidecars, a quarantine, backups, and a deleted upload's outputs going."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import pytest
from PIL import Image

from chalicelib.config.outputs import load_outputs
from devtools.demo import MODE_SAMPLES
from devtools.stage import PROJECT_DIR

pytestmark = pytest.mark.slow  # two whole `make demo` runs


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.placeholders: list[str] = []  # data: URIs (MANIFEST's ThumbHash, drawn)
        self.srcsets: list[str] = []  # every URL of every srcset (the manifest's <picture>)
        self.links: list[str] = []
        self.badges: list[str] = []
        self.drawn: dict[str, tuple[int, int]] = {}  # output image -> its --w, --h on the page
        self._in_badge = False
        self._figure_style = ""
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure" and attributes.get("class") == "output":
            self._figure_style = attributes["style"]
        if tag in ("img", "source") and "srcset" in attributes:
            self.srcsets += [entry.split()[0] for entry in attributes["srcset"].split(",")]
        if tag == "img" and attributes.get("src", "").startswith("data:"):
            self.placeholders.append(attributes["src"])
        elif tag == "img" and "src" in attributes:
            self.images.append(attributes["src"])
            if self._figure_style:
                style = dict(part.split(":") for part in self._figure_style.split(";"))
                self.drawn[attributes["src"]] = (int(style["--w"]), int(style[" --h"]))
                self._figure_style = ""
        elif tag == "a":
            self.links.append(attributes["href"])
        self._in_badge = attributes.get("class") == "badge"

    def handle_data(self, data):
        self.text += data
        if self._in_badge:
            self.badges.append(data)
            self._in_badge = False


@pytest.mark.parametrize("trigger", ["s3", "eventbridge"])
def test_demo_writes_a_contact_sheet_whose_files_all_exist(tmp_path, trigger):
    """`make demo` and `make demo TRIGGER=eventbridge`: the EventBridge run adds its own
    samples (a .Jpg upload), delivered through S3 -> EventBridge -> the rule's pattern."""
    run = subprocess.run([sys.executable, "-m", "devtools.demo", "--out", str(tmp_path),
                          "--trigger", trigger],
                         cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    extra = len(MODE_SAMPLES[trigger])
    assert f"(TRIGGER={trigger})" in run.stdout

    page = _Links()
    page.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert page.badges.count("written") == 7 + extra and page.badges.count("skipped") == 3
    assert page.badges.count("quarantined") == 1 and page.badges.count("deleted") == 1
    for reference in page.images + page.links:
        assert not reference.startswith(("http:", "https:", "/")), reference  # opens offline
        path = tmp_path / unquote(reference)
        assert path.is_file(), reference
    for reference in page.images:
        Image.open(tmp_path / unquote(reference)).load()

    # Every output the handler logged, for every upload it wrote, is on the sheet and opens.
    lines = json.loads((tmp_path / "log-lines.json").read_text(encoding="utf-8"))
    written = [line for line in lines if line["outcome"] == "written"]
    assert len(written) == 7 + extra
    assert ("photos/mixed case.Jpg" in [line["key"] for line in written]) is (
        trigger == "eventbridge")
    on_sheet = {unquote(reference) for reference in page.images}
    linked = {unquote(reference) for reference in page.links}
    heic = [line["key"] for line in written if line["key"].lower().endswith(".heic")]
    formats = set()
    for line in written:
        assert [output["name"] for output in line["outputs"]] == DEMO_OUTPUTS, line["key"]
        # browsers cannot show a HEIC: the sheet links to it instead
        assert f"originals/{line['key']}" in (linked if line["key"] in heic else on_sheet)
        for output in line["outputs"]:
            assert f"outputs/{output['key']}" in on_sheet, output
            with Image.open(tmp_path / "outputs" / output["key"]) as image:
                image.load()
                assert "{}x{}".format(*image.size) == output["size"], output
                formats.add(image.format)
            # drawn at the page's one scale: its own size times --px
            assert page.drawn[quote(f"outputs/{output['key']}")] == image.size, output
            assert (tmp_path / "outputs" / output["key"]).stat().st_size == output["bytes"]
        for name in ON_REQUEST:  # made on its first request, drawn like the others
            output_key = load_outputs()[name].key_for(line["key"])
            assert f"outputs/{output_key}" in on_sheet, (name, line["key"])
            with Image.open(tmp_path / "outputs" / output_key) as image:
                assert page.drawn[quote(f"outputs/{output_key}")] == image.size
        assert f"outputs/{line['labels_key']}" in {unquote(link) for link in page.links}
        assert line["backup"] == "copied" and line["labels"]
        # MANIFEST: the manifest is saved beside the outputs and linked from the sheet
        assert f"outputs/{line['manifest_key']}" in linked
        manifest = json.loads((tmp_path / "outputs" / line["manifest_key"]).read_text())
        assert {o["name"] for o in manifest["outputs"]} == {*DEMO_OUTPUTS, *ON_REQUEST}
    # Each written upload's placeholder drawn from its ThumbHash, and a <picture> whose every
    # srcset URL is a file the sheet has.
    assert len(page.placeholders) == 7 + extra
    for uri in page.placeholders:
        assert uri.startswith("data:image/png;base64,")
        Image.open(io.BytesIO(base64.b64decode(uri.partition(",")[2]))).load()
    assert page.srcsets
    for reference in page.srcsets:
        assert (tmp_path / unquote(reference)).is_file(), reference
    assert formats == {"JPEG", "PNG", "WEBP", "AVIF"}
    # nothing else on the sheet but the quarantined upload's original
    assert len(page.images) == (
        (7 + extra) * (1 + len(DEMO_OUTPUTS) + len(ON_REQUEST)) + 1 - len(heic))
    # the first request reached the renditions function, the next one the target bucket
    assert page.text.count("made on its first request (renditions, then bucket)") == (
        (7 + extra) * len(ON_REQUEST))
    assert f"made on request: {(7 + extra) * len(ON_REQUEST)} outputs" in run.stdout

    [quarantined] = [line for line in lines if line["outcome"] == "quarantined"]
    assert quarantined["key"] == "uploads/flagged.jpg" and "outputs" not in quarantined
    sidecar = json.loads((tmp_path / "outputs" / quarantined["labels_key"]).read_text())
    assert sidecar["quarantined"] is True and sidecar["reason"] == quarantined["reason"]
    [deleted] = [line for line in lines if line["outcome"] == "deleted"]
    # its outputs, the one made on request among them, its labels sidecar and its manifest
    deleted_keys = len(DEMO_OUTPUTS) + len(ON_REQUEST) + 2
    assert deleted["key"] == "uploads/deleted later.jpg"
    assert len(deleted["deleted"]) == deleted_keys
    assert f"{deleted_keys} keys deleted from the target bucket, 0 left" in run.stdout
    assert f"backup bucket s3://thumbnailer-dev-backup: {11 + extra} copies" in run.stdout
    bus = json.loads((tmp_path / "bus-events.json").read_text(encoding="utf-8"))
    kinds = sorted((event["detail"]["key"], event["detail-type"]) for event in bus)
    assert len(kinds) == 12 + extra and ("uploads/flagged.jpg", "Image quarantined") in kinds
    assert ("uploads/deleted later.jpg", "Image removed") in kinds
    assert (f"(3 Image processed (skipped), {7 + extra} Image processed (written), "
            "1 Image quarantined, 1 Image removed)") in run.stdout
    assert page.text.count("on the event bus: Image processed") == 10 + extra
    # a skipped upload's "Image processed" says it was skipped
    assert page.text.count("on the event bus: Image processed (skipped)") == 3

    assert "uploads/not-really-an-image.jpg" in run.stdout  # the console table stays
    table = run.stdout.splitlines()
    photos = 2 + sum(key.startswith("photos/") for key, _, _ in MODE_SAMPLES[trigger])
    assert sum(line.startswith("photos/") for line in table) == photos  # one per upload
    upright = Image.open(tmp_path / "outputs/photos/phone portrait-thumbnail.JPG")
    assert upright.height > upright.width
    if trigger == "eventbridge":  # a sideways iPhone HEIC (irot): an upright JPEG, turned once
        assert heic == ["photos/IMG_0042.HEIC"]
        with Image.open(tmp_path / "outputs/photos/IMG_0042-thumbnail.HEIC.jpg") as thumbnail:
            assert thumbnail.format == "JPEG" and thumbnail.width > thumbnail.height


# Every output the project declares: those made on upload, then those made on request (the
# demo asks for each by URL once the uploads are done).
DEMO_OUTPUTS = [name for name, output in load_outputs().items() if not output.on_request]
ON_REQUEST = [name for name, output in load_outputs().items() if output.on_request]
