"""The memory a render will take, known from the header before any pixel is decoded.

A pixel limit alone is not a memory limit: at the same 150 megapixels a grey PNG decodes into
150 MB and a progressive CMYK JPEG needs 1.2 GB of coefficients inside libjpeg. Lambda kills a
function that goes over its memory with no log line and retries the event twice, so what
cannot fit is refused up front with the numbers, and what can fit is decoded.

The model follows how the renderer works (render.py): JPEGs decode at the draft scale, every
other conversion and the box reduction run in strips, so the full-size image exists once.
Measured peaks stay under these estimates (tests/test_memory_budget.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.image.structure import MAX_JPEG_SCANS as MAX_SCANS_ASSUMED
from chalicelib.image.structure import Coding, Inspected, JpegFrame

MB = 1024 * 1024
# What the function holds before an image arrives: the Python runtime and Lambda's runtime
# client, boto3 with an S3 client, Pillow, our code. Measured warm: 78 MB RSS for our part.
RUNTIME_RESERVE_MB = 128
# Rows are converted and reduced this many bytes of full-size pixels at a time (render.py).
STRIP_BYTES = 16 * MB
# The decoders' own buffers and Pillow's block allocator: a fixed part and a share of what is
# decoded (measured: up to 35 MB over the image itself for a 150-megapixel RGB PNG).
DECODER_FIXED = 16 * MB
DECODER_SHARE = 0.04
# Pillow's resampling keeps a few working images at the output's size (reduced, resized,
# converted for the format, the encoder's buffer).
OUTPUT_COPIES = 4
# Pillow's reducing_gap: box-reduce to at least this many times the final size, then resample.
REDUCING_GAP = 2.0
# Bytes per pixel as Pillow stores a mode (RGB is padded to four bytes).
_STORED_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_STORED_DEFAULT = 4
JPEG_SOI = b"\xff\xd8"
# HEIC, AVIF and WebP have no shrink-on-load: the whole image is decoded, and the decoders hold
# it more than once. Bytes per pixel of the full size, Pillow's own 4 included. libwebp's
# demuxer keeps two RGBA canvases: 18 (16.4 measured at 4000x3000).
WEBP_FULL_DECODE_BYTES_PER_PIXEL = 18
# HEIC and AVIF: the decoder's planes (their bytes per pixel from the header: Coding, 1.5 for
# 8-bit 4:2:0, 8 for 12-bit 4:4:4 with alpha) held this many times over (AVIF: dav1d's picture
# and libavif's view of it; HEIC: libde265's picture and libheif's converted copy)...
PLANE_COPIES = {"AVIF": 1.25, "HEIF": 2.0}
# ...beside the interleaved 8-bit copies handed to Pillow and Pillow's own image, by mode.
# Measured decode peaks at 4000x3000, bytes a pixel (this model, before the floor below, in
# brackets; tests/test_memory_budget.py measures them again): AVIF 8-bit 4:2:0 RGB
# 9.4 (9.9), 8-bit 4:2:0 RGBA 11.8 (12.6), 10-bit 4:2:0 RGB 11.2 (11.8), 12-bit 4:4:4 RGB 14.6
# (15.5), 12-bit 4:4:4 RGBA 18.1 (19.5; 17.7 at 8200x8200); HEIC 8-bit 4:2:0 RGB 7.2 (7.5),
# 8-bit 4:4:4 RGBA 12.3 (13.5), 12-bit 4:4:4 RGB 15.0 (16.5), 12-bit 4:4:4 RGBA 20.3 (21.5).
INTERLEAVED_BYTES_PER_PIXEL = {"AVIF": {"RGB": 8.0, "RGBA": 9.5}, "HEIF": {"RGB": 4.5, "RGBA": 5.5}}
# A HEIC or AVIF whose properties state nothing is budgeted as the most demanding there is.
WORST_CODING = Coding(bit_depth=12, chroma="4:4:4", alpha=True)
# Never less than this: what was budgeted before the header was read, kept for the common 8-bit
# 4:2:0 files (grid HEICs, as iPhones write them in 512-px tiles, were not measured).
MIN_FULL_DECODE_BYTES_PER_PIXEL = 12


# Render time, from the same header facts, for the deadline: what the work is expected to take,
# near the median measured on one x86_64 core (Pillow 13, 2-vCPU VM), then scaled to the CPU
# share of the function (`cpu_share`). Expected, not worst-case: a 3 s invocation must not refuse
# a 12 MP photo that takes 0.2 s. JPEG: nanoseconds per pixel at its draft scale (15-25
# measured, resampling included) and per coefficient per scan (a repeated progressive scan at
# 150 MP: 0.6 ns; baseline: ~1). PNG: inflating costs by the compressed bytes and the rest by the
# decoded ones (12 MP photo: RGB 411 ms, grey 173 ms; 144 MP of zeros in a 150 KB file: 225 ms),
# plus a conversion in strips (premultiplying RGBA, a palette or colour key made RGBA) per pixel.
NS_PER_JPEG_DRAFT_PIXEL = 20
NS_PER_PNG_FILE_BYTE, NS_PER_PNG_DECODED_BYTE = 18, 1.5
NS_PER_CONVERTED_PIXEL = 15
NS_PER_COEFFICIENT_SCAN = 1.2
# Full-size decodes, per pixel (measured at 4000x3000: HEIC 18 ns, AVIF 19, WebP 20).
NS_PER_FULL_DECODE_PIXEL = {"HEIF": 20, "AVIF": 20, "WEBP": 22}
# Making one output: resampling from the working image, effects, encoding; per pixel of the
# output (measured at 1280x960 from a 12 MP photo: JPEG 3-8 ns to encode, ~10 with resampling;
# PNG 80-90; WebP method 4 76-78; AVIF speed 8 133), plus a few ms each for the fixed part.
NS_PER_OUTPUT_PIXEL = {"JPEG": 15, "PNG": 100, "WEBP": 90, "AVIF": 150}
MS_PER_OUTPUT = 3
# A quality searched to a target (encode.QualityTarget): more encodes, and for each a decode of
# the result and the score (similarity.py), per pixel of the output. Measured at 1280x720
# (docs/performance.md): 2.2 encodes on average; decode + score 4 ns a pixel for JPEG, 14-20
# for WebP and AVIF.
SEARCH_EXTRA_ENCODES = 1.2
NS_PER_SEARCHED_PIXEL = 20
# The search holds the reference's halved float planes, a decoded candidate (RGB for WebP and
# AVIF), its luma as floats before halving (4 bytes) and the encodes tried so far, per pixel of
# the output: under 20 bytes, counted with room to spare.
SEARCH_BYTES_PER_PIXEL = 30
# Lambda gives a function one full vCPU at 1,769 MB and a proportional share below (AWS Lambda
# docs, "memory and computing power"); the render is single-threaded, so more does not help.
FULL_VCPU_MB = 1769


class OverBudget(Exception):
    """Raised by `check` with a message that names the numbers."""


@dataclass(frozen=True)
class Estimate:
    parts: dict[str, int]  # what the bytes are for -> bytes

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def describe(self) -> str:
        listed = ", ".join(f"{name} {mb(size)}" for name, size in self.parts.items() if size)
        return f"{mb(self.total)} ({listed})"


def mb(size: int) -> str:
    return f"{math.ceil(size / MB):,} MB"


def available_bytes(function_memory_mb: int) -> int:
    """What a render may use in a function of this size."""
    return (function_memory_mb - RUNTIME_RESERVE_MB) * MB


def stored_bytes(mode: str) -> int:
    return _STORED_BYTES.get(mode, _STORED_DEFAULT)


def reduce_factors(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """Pillow's box-reduction factors for resizing `size` to `target` with REDUCING_GAP."""
    return (max(1, int(size[0] / target[0] / REDUCING_GAP)),
            max(1, int(size[1] / target[1] / REDUCING_GAP)))


def jpeg_draft_scale(size: tuple[int, int], target: tuple[int, int],
                     frame: JpegFrame | None) -> int:
    """The 1/N scale Pillow's draft() picks: the smallest still at least `target`."""
    if frame is not None and frame.lossless:
        return 1  # libjpeg cannot scale lossless JPEGs
    scale = min(size[0] // max(1, target[0]), size[1] // max(1, target[1]))
    return next(candidate for candidate in (8, 4, 2, 1) if scale >= candidate)


def estimate(inspected: Inspected, mode: str, size: tuple[int, int],
             target: tuple[int, int], needs_conversion: bool,
             output_pixels: int | None = None, searched_pixels: int = 0) -> Estimate:
    """Peak bytes to decode an image of `size` and Pillow `mode` down to `target` and make
    outputs of `output_pixels` in all (default: one output of `target`'s size), the largest
    of them with a searched quality of `searched_pixels`.

    `needs_conversion`: the decoded mode must change before resampling (palette, colour-key
    transparency, 1-bit, 16-bit grey, premultiplied alpha), which the renderer does in strips.
    """
    width, height = size
    parts = {"source file": len(inspected.data)}
    if inspected.data.startswith(JPEG_SOI):
        frame = inspected.jpeg
        scale = jpeg_draft_scale(size, target, frame)
        if frame is None:  # markers Pillow reads but structure.py could not: assume the worst
            parts["JPEG coefficients"] = width * height * len(mode) * 2
        elif frame.multi_scan:
            parts["JPEG coefficients"] = coefficient_bytes(frame)
        width, height = math.ceil(width / scale), math.ceil(height / scale)
    decoded = width * height * stored_bytes(mode)
    parts["decoded pixels"] = decoded
    container = inspected.container
    if container in ("HEIF", "AVIF", "WEBP"):  # no shrink-on-load: every pixel, more than once
        parts[f"{container} decoder copies"] = int(width * height * (
            full_decode_bytes_per_pixel(inspected, mode) - _STORED_DEFAULT))
    held = decoded + parts.get("JPEG coefficients", 0)
    parts["decoder"] = DECODER_FIXED + int(DECODER_SHARE * held)
    factors = reduce_factors((width, height), target)
    if needs_conversion:
        strip = min(decoded, STRIP_BYTES)
        parts["strips"] = 3 * strip * _STORED_DEFAULT // stored_bytes(mode)
    if factors != (1, 1):
        parts["reduced"] = (math.ceil(width / factors[0]) * math.ceil(height / factors[1])
                            * _STORED_DEFAULT)
    elif needs_conversion:
        parts["converted"] = width * height * _STORED_DEFAULT
    outputs = target[0] * target[1] if output_pixels is None else output_pixels
    parts["output"] = OUTPUT_COPIES * max(outputs, target[0] * target[1]) * _STORED_DEFAULT
    parts["quality search"] = searched_pixels * SEARCH_BYTES_PER_PIXEL
    return Estimate(parts)


def full_decode_bytes_per_pixel(inspected: Inspected, mode: str) -> float:
    """What decoding a HEIC, AVIF or WebP of Pillow `mode` holds at its peak, per pixel of the
    full size, Pillow's own image included."""
    if inspected.container == "WEBP":
        return WEBP_FULL_DECODE_BYTES_PER_PIXEL
    coding = inspected.coding or WORST_CODING
    interleaved = INTERLEAVED_BYTES_PER_PIXEL[inspected.container]
    return max(MIN_FULL_DECODE_BYTES_PER_PIXEL, interleaved["RGBA" if "A" in mode else "RGB"]
               + PLANE_COPIES[inspected.container] * coding.planes_bytes_per_pixel)


def cpu_share(function_memory_mb: int) -> float:
    """The share of one vCPU a function of this size runs on (at most one)."""
    return min(1.0, function_memory_mb / FULL_VCPU_MB)


def render_seconds(inspected: Inspected, mode: str, size: tuple[int, int],
                   target: tuple[int, int], needs_conversion: bool,
                   outputs: Sequence[tuple] = (), function_memory_mb: int = FULL_VCPU_MB,
                   ) -> float:
    """What the render is expected to take in a function of this size: the decode of an image
    of `size` and Pillow `mode` to `target`, and making each of `outputs` ((pixels, Pillow
    format) each, and True third when its quality is searched to a target)."""
    pixels = size[0] * size[1]
    work = 0.0
    frame = inspected.jpeg
    is_jpeg = inspected.data.startswith(JPEG_SOI)
    if is_jpeg:
        scale = jpeg_draft_scale(size, target, frame)
        pixels = math.ceil(size[0] / scale) * math.ceil(size[1] / scale)
        if frame:  # a progressive scan refines one component, a baseline one covers all
            per_scan = coefficient_bytes(frame) // 2 // (len(frame.sampling) if frame.scans > 1
                                                          else 1)
            work += per_scan * frame.scans * NS_PER_COEFFICIENT_SCAN
        else:
            work += size[0] * size[1] * MAX_SCANS_ASSUMED * NS_PER_COEFFICIENT_SCAN
    if is_jpeg:
        work += pixels * NS_PER_JPEG_DRAFT_PIXEL
    elif inspected.container in NS_PER_FULL_DECODE_PIXEL:
        work += pixels * NS_PER_FULL_DECODE_PIXEL[inspected.container]
    else:
        work += (len(inspected.data) * NS_PER_PNG_FILE_BYTE
                 + pixels * stored_bytes(mode) * NS_PER_PNG_DECODED_BYTE)
    if needs_conversion:
        work += pixels * NS_PER_CONVERTED_PIXEL
    for output_pixels, output_format, *searched in outputs:
        work += output_pixels * NS_PER_OUTPUT_PIXEL[output_format] + MS_PER_OUTPUT * 1e6
        if searched and searched[0]:
            work += output_pixels * (SEARCH_EXTRA_ENCODES * NS_PER_OUTPUT_PIXEL[output_format]
                                     + (1 + SEARCH_EXTRA_ENCODES) * NS_PER_SEARCHED_PIXEL)
    return work / 1e9 / cpu_share(function_memory_mb)


def coefficient_bytes(frame: JpegFrame) -> int:
    """libjpeg's whole-image coefficient buffer: 64 two-byte coefficients per 8x8 block of
    every component, blocks padded to whole MCUs."""
    max_h = max(h for h, _ in frame.sampling)
    max_v = max(v for _, v in frame.sampling)
    mcu_columns = math.ceil(frame.width / (8 * max_h))
    mcu_rows = math.ceil(frame.height / (8 * max_v))
    blocks = sum(mcu_columns * h * mcu_rows * v for h, v in frame.sampling)
    return blocks * 64 * 2


def check(estimated: Estimate, function_memory_mb: int) -> None:
    available = available_bytes(function_memory_mb)
    if estimated.total > available:
        raise OverBudget(
            f"needs about {estimated.describe()}, over the {mb(available)} a "
            f"{function_memory_mb} MB function has for images "
            f"({RUNTIME_RESERVE_MB} MB kept for the runtime)"
        )


def cheapest_at_limit(max_pixels: int, box: tuple[int, int]) -> int:
    """Bytes for the cheapest image at the pixel limit (a grey PNG, one byte a pixel, shaped
    like the box) made into a thumbnail that fills `box`. Settings are contradictory if even
    that cannot fit."""
    scale = math.sqrt(max_pixels / (box[0] * box[1]))
    size = (max(1, int(box[0] * scale)), max(1, int(box[1] * scale)))
    target = box if scale > 1 else size
    return estimate(Inspected(b""), "L", size, target, needs_conversion=False).total
