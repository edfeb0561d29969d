"""The single-thumbnail case: the same box and JPEG quality, three ways."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

from PIL import Image

from chalicelib.image.render import OutputRequest, render_outputs

BOX = (1280, 720)
JPEG_QUALITY = 85
METHODS = ("ours", "tutorial", "libvips")


def render_ours(data: bytes, output_format: str) -> bytes:
    request = OutputRequest("thumbnail", BOX, "contain", output_format, JPEG_QUALITY)
    return render_outputs(data, [request]).images[0].data


def render_tutorial(data: bytes, output_format: str) -> bytes:
    """The AWS Lambda/S3 tutorial's code: Image.thumbnail, then save (RGBA PNG stays PNG)."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail(BOX)
        image.save(out, output_format, quality=JPEG_QUALITY)
    return out.getvalue()


@functools.cache
def _pyvips():
    """Imported on first use: a dev-only dependency, and only the libvips runs need it."""
    import pyvips

    pyvips.cache_set_max(0)  # no operation cache: every round does the full work
    return pyvips


def render_libvips(data: bytes, output_format: str) -> bytes:
    thumbnail = _pyvips().Image.thumbnail_buffer(data, BOX[0], height=BOX[1])
    suffix = ".png" if output_format == "PNG" else f".jpg[Q={JPEG_QUALITY}]"
    return thumbnail.write_to_buffer(suffix)


RENDERERS: dict[str, Callable[[bytes, str], bytes]] = {
    "ours": render_ours, "tutorial": render_tutorial, "libvips": render_libvips,
}

