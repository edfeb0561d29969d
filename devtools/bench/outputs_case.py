"""The multi-output case: the shipped outputs.toml's four outputs from one upload, three ways.

- ours: chalicelib.image.render.render_outputs with OutputRequests built as pipeline/record.py
  builds them: one decode (shrink-on-load) at the largest output's size, every output from it.
- tutorial: what a tutorial reader would write: per output, Image.open, then .thumbnail() to
  the box (cover: ImageOps.fit, from the full decode), the effects with plain Pillow calls
  (ImageEnhance.Contrast; text on a full-size RGBA layer, alpha_composite; the logo opened,
  resized and pasted with its alpha), EXIF orientation not applied. Same encoders and settings
  as ours (WebP method 4, AVIF speed 8, the same qualities), so the encode cost is the same.
- libvips: one thumbnail_buffer to the largest box (shrink-on-load, autorotate), held in
  memory; the others thumbnail_image'd from it, cover with crop="attention"; contrast with
  linear() around the mean grey, text with vips text() and the logo composited with
  composite2; WebP effort 4, AVIF (heifsave av1) effort 1 = speed 8; ICC kept, EXIF dropped.

Each renderer takes (upload bytes, "JPEG" or "PNG") and returns {output name: encoded bytes}.
"""

from __future__ import annotations

import functools
import io
import statistics
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from chalicelib.config import outputs
from chalicelib.image import encode
from chalicelib.image.render import OutputRequest, render_outputs
from devtools.bench.methods import _pyvips

OUTPUT_NAMES = ("thumbnail", "card", "small", "marked")
WHITE = (255, 255, 255)  # thumbnailer.WHITE: the background of an output that names none


@functools.cache
def output_requests(source_format: str) -> tuple[OutputRequest, ...]:
    """The four shipped outputs as thumbnailer._make_thumbnail turns them into requests."""
    declared = outputs.load_outputs()
    upload_key = f"bench/upload.{'png' if source_format == 'PNG' else 'jpg'}"
    return tuple(
        OutputRequest(name=output.name, box=output.size, fit=output.fit,
                      pillow_format=output.pillow_format(upload_key), quality=output.quality,
                      background=output.background or WHITE, effects=output.effects)
        for output in (declared[name] for name in OUTPUT_NAMES))


def describe_outputs() -> list[dict]:
    """What the case makes, for the JSON."""
    return [{"name": r.name, "box": f"{r.box[0]}x{r.box[1]}", "fit": r.fit,
             "format": r.pillow_format,
             "quality": encode.DEFAULT_QUALITY.get(r.pillow_format) if r.quality is None
             else r.quality, "effects": [e.op for e in r.effects]}
            for r in output_requests("JPEG")]


def _quality(request: OutputRequest) -> int:
    return encode.DEFAULT_QUALITY[request.pillow_format] if request.quality is None \
        else request.quality


def _margin(size: tuple[int, int]) -> int:
    return max(4, round(0.02 * min(size)))  # effects.py: 2% of the shorter side, at least 4 px


def _place(size: tuple[int, int], item: tuple[int, int], gravity: str) -> tuple[int, int]:
    """Top-left of `item` at `gravity` (the shipped outputs use the corners only)."""
    margin = _margin(size)
    x = margin if gravity.endswith("west") else size[0] - margin - item[0]
    y = margin if gravity.startswith("north") else size[1] - margin - item[1]
    return x, y


# --- ours ---------------------------------------------------------------------------------------


def render_ours(data: bytes, source_format: str) -> dict[str, bytes]:
    rendered = render_outputs(data, output_requests(source_format))
    return {image.name: image.data for image in rendered.images}


# --- the tutorial way ---------------------------------------------------------------------------


def _tutorial_contrast(image: Image.Image, factor: float) -> Image.Image:
    return ImageEnhance.Contrast(image).enhance(factor)


def _tutorial_text(image: Image.Image, text: str, gravity: str, size: float,
                   color: tuple[int, int, int], opacity: float, font=None) -> Image.Image:
    typeface = ImageFont.load_default(size=max(1, round(size * image.height)))
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=typeface)
    x, y = _place(image.size, (right - left, bottom - top), gravity)
    draw.text((x - left, y - top), text, font=typeface, fill=(*color, round(255 * opacity)))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def _tutorial_watermark(image: Image.Image, image_path: Path, gravity: str, scale: float,
                        opacity: float) -> Image.Image:
    with Image.open(image_path) as logo_file:
        logo = logo_file.convert("RGBA")
    width = max(1, round(scale * image.width))
    logo = logo.resize((width, max(1, round(logo.height * width / logo.width))))
    logo.putalpha(logo.getchannel("A").point(lambda value: round(value * opacity)))
    image.paste(logo, _place(image.size, logo.size, gravity), logo)
    return image


_TUTORIAL_EFFECTS: dict[str, Callable[..., Image.Image]] = {
    "contrast": _tutorial_contrast, "text": _tutorial_text, "watermark": _tutorial_watermark,
}


def _tutorial_one(data: bytes, request: OutputRequest) -> bytes:
    with Image.open(io.BytesIO(data)) as upload:
        if request.fit == "cover":
            image = ImageOps.fit(upload, request.box)
        else:
            image = upload
            image.thumbnail(request.box)
        for effect in request.effects:
            params = dict(effect.params)
            if effect.op == "watermark":
                params["image_path"] = params.pop("image")  # absolute (outputs.py)
            image = _TUTORIAL_EFFECTS[effect.op](image, **params)
        options: dict = {"quality": _quality(request)}
        if request.pillow_format == "WEBP":
            options["method"] = encode.WEBP_METHOD
        elif request.pillow_format == "AVIF":
            options["speed"] = encode.AVIF_SPEED
        out = io.BytesIO()
        image.save(out, request.pillow_format, **options)
    return out.getvalue()


def render_tutorial(data: bytes, source_format: str) -> dict[str, bytes]:
    return {request.name: _tutorial_one(data, request)
            for request in output_requests(source_format)}


# --- libvips ------------------------------------------------------------------------------------


@functools.cache
def _vips_logo(path: Path):
    """Decoded once per process, as effects._load_watermark does for ours."""
    return _pyvips().Image.new_from_file(str(path)).copy_memory()


def _vips_composite(image, overlay, gravity: str):
    x, y = _place((image.width, image.height), (overlay.width, overlay.height), gravity)
    overlay = overlay.copy(interpretation="srgb")
    return image.composite2(overlay, "over", x=x, y=y)[0:3].copy(interpretation="srgb")


def _vips_effect(image, op: str, params: dict):
    if op == "contrast":
        factor = params["factor"]
        mean = image.colourspace("b-w").avg()
        return image.linear(factor, mean * (1 - factor)).cast("uchar")
    if op == "text":
        pixels = max(1, round(params["size"] * image.height))
        mask = _pyvips().Image.text(params["text"], font=f"sans {pixels}", dpi=72)
        alpha = (mask * params["opacity"]).cast("uchar")
        return _vips_composite(image, mask.new_from_image(list(params["color"])).bandjoin(alpha),
                               params["gravity"])
    if op == "watermark":
        logo = _vips_logo(params["image"])
        logo = logo.resize(max(1, round(params["scale"] * image.width)) / logo.width)
        logo = logo[0:3].bandjoin((logo[3] * params["opacity"]).cast("uchar"))
        return _vips_composite(image, logo, params["gravity"])
    raise ValueError(f"no libvips version of effect {op!r}")


def _vips_save(image, request: OutputRequest) -> bytes:
    quality = _quality(request)
    if request.pillow_format == "JPEG":
        return image.jpegsave_buffer(Q=quality, keep="icc")
    if request.pillow_format == "WEBP":
        return image.webpsave_buffer(Q=quality, effort=encode.WEBP_METHOD, keep="icc")
    if request.pillow_format == "AVIF":
        return image.heifsave_buffer(compression="av1", Q=quality, effort=9 - encode.AVIF_SPEED,
                                     keep="icc")
    return image.pngsave_buffer(compression=1, keep="icc")


def render_libvips(data: bytes, source_format: str) -> dict[str, bytes]:
    vips, requests = _pyvips(), output_requests(source_format)
    largest = max(requests, key=lambda request: request.box[0] * request.box[1])
    # Held in memory: with the operation cache off, a lazy image would be decoded per output.
    base = vips.Image.thumbnail_buffer(data, largest.box[0], height=largest.box[1]).copy_memory()
    results = {}
    for request in requests:
        image = base
        if request.fit == "cover":
            image = base.thumbnail_image(request.box[0], height=request.box[1], crop="attention")
        elif base.width > request.box[0] or base.height > request.box[1]:
            image = base.thumbnail_image(request.box[0], height=request.box[1])
        for effect in request.effects:
            image = _vips_effect(image, effect.op, dict(effect.params))
        results[request.name] = _vips_save(image, request)
    return results


OUTPUT_RENDERERS: dict[str, Callable[[bytes, str], dict[str, bytes]]] = {
    "ours": render_ours, "tutorial": render_tutorial, "libvips": render_libvips,
}


# --- measuring ----------------------------------------------------------------------------------

# Issue 10's targets for the four outputs: (key, ratio, limit, "max" or "min").
TARGETS = (
    ("time_vs_libvips", "ours ms / libvips ms", 1.0, "max"),
    ("tutorial_vs_ours", "tutorial ms / ours ms", 2.0, "min"),
    ("peak_vs_single_thumbnail", "ours peak MB / ours single-thumbnail peak MB", 1.5, "max"),
)


def measure_outputs(images: list, methods: list[str], rounds: int,
                    single_peaks: dict[tuple[str, str], float]) -> dict:
    """Time (interleaved rounds), peak memory (fresh processes) and bytes of the four outputs,
    per image; `single_peaks` are the single-thumbnail case's peaks, for the memory target."""
    from devtools.bench.measure import peak_memory_mb, time_renders

    seconds, produced = time_renders(images, methods, rounds, case="outputs")
    peaks = {(method, image.name): peak_memory_mb(method, image, "outputs")
             for image in images for method in methods}
    per_image = {}
    for image in images:
        rows = {}
        for method in methods:
            timed, made = seconds[method, image.name], produced[method, image.name]
            if set(made) != set(OUTPUT_NAMES):
                raise RuntimeError(f"{method} {image.name}: made {sorted(made)}")
            rows[method] = {
                "ms": statistics.median(timed) * 1000,
                "samples_ms": [round(s * 1000, 2) for s in timed],
                "peak_mb": peaks[method, image.name],
                "bytes_out": sum(len(data) for data in made.values()),
                "outputs": {name: {"bytes": len(data), "size": "{}x{}".format(*_size(data))}
                            for name, data in made.items()},
            }
        per_image[image.name] = {"group": image.group, "megapixels": round(image.megapixels, 2),
                                 "methods": rows,
                                 "targets": _targets(rows, single_peaks.get(("ours", image.name)))}
    return {"outputs": describe_outputs(), "images": per_image}


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _targets(rows: dict[str, dict], single_peak: float | None) -> dict[str, dict]:
    ours = rows.get("ours")
    values = {}
    if ours and "libvips" in rows:
        values["time_vs_libvips"] = ours["ms"] / rows["libvips"]["ms"]
    if ours and "tutorial" in rows:
        values["tutorial_vs_ours"] = rows["tutorial"]["ms"] / ours["ms"]
    if ours and single_peak:
        values["peak_vs_single_thumbnail"] = ours["peak_mb"] / single_peak
    checked = {}
    for key, meaning, limit, kind in TARGETS:
        if key in values:
            met = values[key] <= limit if kind == "max" else values[key] >= limit
            checked[key] = {"value": values[key], "limit": limit, "kind": kind,
                            "meaning": meaning, "met": met}
    return checked
