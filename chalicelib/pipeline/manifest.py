"""MANIFEST=true: `{folder}{stem}-manifest.json`, what a web page needs to show an upload.

Every output of the stage that applies to the key is listed, those made on upload and those
made on request alike, with its pixel size computed from the upright source's size (so an
output not made yet has one too), and `bytes` and the encoder `quality` once made (null until
then; `score` is the perceptual score reached when `quality = "auto"` chose it). Per format, a
`srcset` string of the outputs' keys (URL-encoded, relative to where the bucket is served) and
widths. The placeholder comes from a small picture of the same render (image/placeholder.py).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from chalicelib.config.manifest import MANIFEST_TEMPLATE
from chalicelib.config.outputs import Output, fill_key
from chalicelib.image.fits import needed_size
from chalicelib.image.render import RenderedImage

VERSION = 1


def manifest_key(upload_key: str) -> str:
    return fill_key(MANIFEST_TEMPLATE, upload_key, "manifest")


def output_size(source: tuple[int, int], output: Output) -> tuple[int, int]:
    """The output's pixel size for an upright source of `source` pixels, without rendering:
    cover and pad give exactly the box; contain the source's shape inside it, never larger."""
    if output.fit == "contain":
        return needed_size(source, output.size, "contain")
    return output.size


def manifest(upload_key: str, source_size: tuple[int, int], outputs: list[Output],
             made: dict[str, RenderedImage], placeholder: tuple[str, str]) -> bytes:
    """The manifest's JSON: `made` holds the outputs rendered now, by name."""
    listed = []
    for output in outputs:
        width, height = output_size(source_size, output)
        image = made.get(output.name)
        listed.append({
            "name": output.name, "key": output.key_for(upload_key),
            "width": width, "height": height,
            "format": output.request_for(upload_key).pillow_format.lower(),
            "when": output.when, "bytes": len(image.data) if image else None,
            "quality": image.quality if image else None,
            "score": round(image.score, 4) if image and image.score is not None else None})
    srcset: dict[str, list[dict]] = {}
    for entry in sorted(listed, key=lambda entry: entry["width"]):
        srcset.setdefault(entry["format"], []).append(entry)
    thumbhash, colour = placeholder
    document = {
        "version": VERSION,
        "source": {"key": upload_key, "width": source_size[0], "height": source_size[1]},
        "placeholder": {"thumbhash": thumbhash, "color": colour},
        "outputs": listed,
        "srcset": {image_format: ", ".join(f"{quote(e['key'])} {e['width']}w" for e in entries)
                   for image_format, entries in srcset.items()},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

