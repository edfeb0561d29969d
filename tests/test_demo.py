"""`make demo` leaves a contact sheet whose every picture and link exists."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import unquote

from PIL import Image

from devtools.stage import PROJECT_DIR


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.badges: list[str] = []
        self._in_badge = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes["src"])
        elif tag == "a":
            self.links.append(attributes["href"])
        self._in_badge = attributes.get("class") == "badge"

    def handle_data(self, data):
        if self._in_badge:
            self.badges.append(data)
            self._in_badge = False


def test_demo_writes_a_contact_sheet_whose_files_all_exist(tmp_path):
    run = subprocess.run([sys.executable, "-m", "devtools.demo", "--out", str(tmp_path)],
                         cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr

    page = _Links()
    page.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert page.badges.count("written") == 6 and page.badges.count("skipped") == 3
    assert len(page.images) == 12  # an original beside each thumbnail
    for reference in page.images + page.links:
        assert not reference.startswith(("http:", "https:", "/")), reference  # opens offline
        path = tmp_path / unquote(reference)
        assert path.is_file(), reference
    for reference in page.images:
        Image.open(tmp_path / unquote(reference)).load()
    assert "phone portrait-thumbnail.JPG" in " ".join(unquote(r) for r in page.images)
    assert "uploads/not-really-an-image.jpg" in run.stdout  # the console table stays
    upright = Image.open(tmp_path / "thumbnails/photos/phone portrait-thumbnail.JPG")
    assert upright.height > upright.width
