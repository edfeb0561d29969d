"""Worst cases at the pixel limit, generated: large images in small files.

PNGs are written row by row through a streaming zlib compressor, so a 150-megapixel image costs
the generator a few megabytes, never the image's decoded size. The JPEGs are crafted from what
Pillow encodes, then their marker structure is edited (repeated scans, segment floods). Deep
colour AVIF and HEIC (12 bits, 4:4:4, alpha), which their decoders hold in 16-bit planes, come
from libvips and pillow-heif: Pillow writes 8-bit AVIFs only.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# colour type -> samples per pixel
_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (x start, y start, x step, y step)
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, colour_type: int, bit_depth: int = 8, *, interlaced: bool = False,
        extra_chunks: tuple[tuple[bytes, bytes], ...] = (), row: bytes | None = None) -> bytes:
    """A PNG whose every row is `row` (default: a horizontal ramp), compressed as it is made."""
    samples = _SAMPLES[colour_type]
    bytes_per_pixel = samples * bit_depth // 8

    def row_of(pixels: int) -> bytes:
        if row is not None:
            return row[: pixels * bytes_per_pixel]
        ramp = bytes(x * 7 % 251 for x in range(pixels * bytes_per_pixel))
        return ramp

    compressor = zlib.compressobj(6)
    parts = []
    passes = _ADAM7 if interlaced else ((0, 0, 1, 1),)
    for x0, y0, dx, dy in passes:
        pass_width = max(0, (width - x0 + dx - 1) // dx)
        pass_height = max(0, (height - y0 + dy - 1) // dy)
        if not pass_width or not pass_height:
            continue
        line = b"\x02" + bytes(len(row_of(pass_width)))  # filter "up" of a zero difference...
        first = b"\x00" + row_of(pass_width)  # ...after a first row stored as is
        parts.append(compressor.compress(first))
        block = line * 256
        remaining = pass_height - 1
        while remaining:
            count = min(256, remaining)
            parts.append(compressor.compress(block if count == 256 else line * count))
            remaining -= count
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, int(interlaced))
    chunks = [png_chunk(b"IHDR", header)]
    chunks += [png_chunk(kind, body) for kind, body in extra_chunks]
    chunks += [png_chunk(b"IDAT", b"".join(parts)), png_chunk(b"IEND", b"")]
    return PNG_SIGNATURE + b"".join(chunks)


def palette_chunk(colours: int = 256) -> tuple[bytes, bytes]:
    return b"PLTE", bytes(value for n in range(colours) for value in (n, 255 - n, n // 2))


def jpeg(size: tuple[int, int], mode: str, **options) -> bytes:
    """A flat image of `size` in `mode`, encoded by Pillow (libjpeg-turbo). Memory and scan
    costs of a decode depend on the frame and scan structure, not on the picture."""
    image = Image.new(mode, size, (90, 140, 60, 10)[: len(mode)] if len(mode) > 1 else 120)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=50, **options)
    return out.getvalue()


def jpeg_segments(data: bytes) -> Iterator[tuple[int, int]]:
    """(marker, start offset) of each segment up to and including each SOS header; scan data
    is skipped by looking for the next marker that is not a stuffed zero or a restart marker."""
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            raise ValueError(f"no marker at {position}")
        marker = data[position + 1]
        if marker == 0xD9:
            yield marker, position
            return
        length = struct.unpack(">H", data[position + 2: position + 4])[0]
        yield marker, position
        position += 2 + length
        if marker == 0xDA:
            while True:
                position = data.index(b"\xff", position)
                following = data[position + 1]
                if following == 0 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break


def with_last_scan_repeated(data: bytes, times: int) -> bytes:
    """The progressive JPEG with its last scan (header and data) repeated `times` more times."""
    segments = list(jpeg_segments(data))
    last_scan = [start for marker, start in segments if marker == 0xDA][-1]
    end = segments[-1][1]
    return data[:end] + data[last_scan:end] * times + data[end:]


def with_segment_flood(data: bytes, segments: int) -> bytes:
    """Empty APP0-15 segments right after SOI: valid markers, no content."""
    flood = b"".join(bytes((0xFF, 0xE0 + n % 16, 0, 2)) for n in range(16)) * (segments // 16)
    return data[:2] + flood + data[2:]


def deep_avif(size: tuple[int, int], bit_depth: int = 12) -> bytes:
    """A ramp in `bit_depth` bits, 4:4:4, with a half-transparent alpha plane (libvips)."""
    import pyvips

    width, height = size
    xy = pyvips.Image.xyz(width, height)
    ramp = ((xy[0] + xy[1]) * (65535 / (width + height))).cast("ushort")
    alpha = (xy[0] > width // 2).ifthenelse(65535, 20000).cast("ushort")
    picture = ramp.bandjoin([ramp, ramp, alpha]).copy(interpretation="rgb16")
    return picture.heifsave_buffer(compression="av1", bitdepth=bit_depth, subsample_mode="off",
                                   Q=30, effort=0)


def deep_heic(size: tuple[int, int], bit_depth: int = 12) -> bytes:
    """A ramp in 10 or 12 bits, 4:4:4, with a half-transparent alpha plane (pillow-heif)."""
    import pillow_heif

    width, height = size
    row = b"".join(struct.pack("<4H", *(x * 65535 // max(1, width - 1),) * 3,
                               65535 if x > width // 2 else 20000) for x in range(width))
    previous = pillow_heif.options.SAVE_HDR_TO_12_BIT
    pillow_heif.options.SAVE_HDR_TO_12_BIT = bit_depth == 12
    try:
        out = io.BytesIO()
        pillow_heif.from_bytes("RGBA;16", size, row * height).save(out, quality=30, chroma=444)
    finally:
        pillow_heif.options.SAVE_HDR_TO_12_BIT = previous
    return out.getvalue()
