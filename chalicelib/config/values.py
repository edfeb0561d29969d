"""The value syntaxes the environment (settings.py) and outputs.toml (outputs.py) share.

Each parser raises ValueError with a message that starts with the verb ("must look like ..."),
so the caller puts the name in front: settings.py the variable, outputs.py the output and field.
"""

from __future__ import annotations

import re

MAX_SIDE = 10000  # of an output box; larger is no thumbnail, and the memory budget says no

_SIZE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")
_HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_size(text: str) -> tuple[int, int]:
    """"1280x720" (spaces and an upper-case X allowed) -> (1280, 720)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"must look like \"1280x720\", got {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ValueError(f"sides must be between 1 and {MAX_SIDE}, got {text!r}")
    return width, height


def parse_color(text: str) -> tuple[int, int, int]:
    """"#102030" -> (16, 32, 48)."""
    match = _HEX_COLOR.match(text)
    if not match:
        raise ValueError(f"must be a colour like \"#ffffff\", got {text!r}")
    rgb = int(match[1], 16)
    return (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
