"""Read a JPEG's markers or a PNG's chunks before Pillow does: bytes in, facts out.

Pillow parses these structures in Python, one object per segment or chunk, before any of our
limits can look at the image. A file of millions of empty segments costs it gigabytes and tens
of seconds, and a progressive JPEG can repeat a scan hundreds of times, each one a pass over
every block. Both are refused here, cheaply, with bounded work. The facts gathered on the way
(a JPEG's frame size, sampling, progressive or multi-scan) feed the memory budget (`budget.py`).

HEIF/HEIC and AVIF (ISO base media files) are named by their `ftyp` brands, so a video or a
truncated upload gets a clear reason, and whether the container rotates or mirrors the image
(`irot`/`imir`, applied by the decoder) is noted for the orientation. Their item properties
also say how the pixels are coded (bit depth, chroma subsampling, an alpha plane), which sets
what the decoder holds. A WebP's canvas size is read from its header: libwebp allocates the
whole canvas when the file is opened.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from chalicelib.errors import ImageRejected

# Real JPEGs carry a dozen or two segments before their first scan (an ICC profile split over
# at most 255 APP2 segments is the legitimate extreme); Pillow keeps every one in a list.
MAX_JPEG_HEADER_SEGMENTS = 1024
# Pillow and libjpeg skip stray bytes between segments, one Python read at a time for Pillow.
MAX_JPEG_STRAY_BYTES = 64 * 1024
# Encoders write 6 (grey) to 10 (colour) progressive scans, a few dozen with multi-picture
# files; each scan costs a pass over every block (about 0.09 s per 150-megapixel plane here),
# so 100 bounds the decode to about ten seconds at the pixel limit.
MAX_JPEG_SCANS = 100
# libpng writes 8 KB IDAT chunks: a 100 MB PNG has about 13,000. Pillow spends about 3 us on
# each chunk, so a file of 12-byte chunks (8 million in 100 MB) would take it half a minute.
MAX_PNG_CHUNKS = 100_000
# Pillow refuses a PNG whose text or profile inflates past this (PngImagePlugin.MAX_TEXT_CHUNK);
# such chunks are dropped instead, so the pixels still render.
MAX_PNG_METADATA = 1024 * 1024
# ...but a file is refused after this many of them: real files carry one oversized profile or
# XMP packet, a bomb carries thousands (16,000 chunks of 1 KB, each inflating to 1 MB, took
# 63 s to inflate in a Lambda function).
MAX_PNG_OVERSIZED_METADATA = 4
# All text and profile chunks together, once inflated, as Pillow counts text
# (PngImagePlugin.MAX_TEXT_MEMORY, then it refuses the file): the walk inflates no more.
MAX_PNG_METADATA_TOTAL = 64 * 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}
_LOSSLESS = {0xC3, 0xC7, 0xCB, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_SOS, _EOI = 0xDA, 0xD9
_METADATA_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"iCCP"}

# ISO base media file brands (ftyp): what pi-heif decodes (HEVC in HEIF) and what Pillow's AVIF
# plugin decodes. A file naming both goes to AVIF (AVIFs often carry mif1 as well).
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
               b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
# Real files have four to six top-level boxes (ftyp, meta, mdat, sometimes free or moov).
MAX_ISOBMFF_BOXES = 64
_TRANSFORM_PROPERTIES = (b"irot", b"imir")
# auxC types of an alpha plane: AVIF (MIAF) and HEVC in HEIF.
_ALPHA_AUXILIARY = {b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha", b"urn:mpeg:hevc:2015:auxid:1"}
# Samples per pixel of each chroma format, the luma plane included.
SAMPLES_PER_PIXEL = {"4:0:0": 1.0, "4:2:0": 1.5, "4:2:2": 2.0, "4:4:4": 3.0}


@dataclass(frozen=True)
class JpegFrame:
    width: int
    height: int
    sampling: tuple[tuple[int, int], ...]  # (horizontal, vertical) per component
    progressive: bool
    lossless: bool
    first_scan_components: int
    scans: int

    @property
    def multi_scan(self) -> bool:
        """libjpeg keeps every coefficient of the image in memory for these."""
        return self.progressive or self.first_scan_components < len(self.sampling)


@dataclass(frozen=True)
class Coding:
    """How a HEIF/AVIF stores its pixels, from its item properties: what its decoder holds.
    The most demanding of the file's items (the image, its tiles, its thumbnails)."""

    bit_depth: int = 8  # decoders hold more than 8 bits in 16-bit samples
    chroma: str = "4:2:0"  # a key of SAMPLES_PER_PIXEL
    alpha: bool = False  # an auxiliary alpha plane, decoded as a second picture

    @property
    def bytes_per_sample(self) -> int:
        return 2 if self.bit_depth > 8 else 1

    @property
    def planes_bytes_per_pixel(self) -> float:
        """The decoded planes' bytes per pixel: luma, chroma and alpha."""
        return (SAMPLES_PER_PIXEL[self.chroma] + self.alpha) * self.bytes_per_sample


@dataclass(frozen=True)
class Inspected:
    data: bytes  # the bytes to decode: the input, or a PNG with oversized metadata removed
    jpeg: JpegFrame | None = None
    notes: tuple[str, ...] = field(default=())
    container: str | None = None  # "HEIF", "AVIF" or "WEBP" (None: JPEG, PNG or unknown)
    transformed: bool = False  # HEIF/AVIF: irot or imir present, applied by the decoder
    coding: Coding | None = None  # HEIF/AVIF: bit depth, chroma, alpha (None: not stated)
    size: tuple[int, int] | None = None  # WebP: the canvas, from the header


def inspect(data: bytes) -> Inspected:
    """Facts about a JPEG, PNG, HEIF, AVIF or WebP, or the bytes unchanged for anything else
    (Pillow names it)."""
    if data.startswith(b"\xff\xd8"):
        frame = _jpeg_frame(data)
        return Inspected(data, jpeg=frame) if frame else Inspected(data)
    if data.startswith(PNG_SIGNATURE):
        return _inspect_png(data)
    if data[4:8] == b"ftyp":
        return _inspect_isobmff(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _inspect_webp(data)
    return Inspected(data)


def container_brand(data: bytes) -> str | None:
    """HEIF or AVIF from the ftyp box's brands, None when it names neither."""
    size = struct.unpack_from(">I", data)[0] if len(data) >= 16 else 0
    brands = {data[8:12]} | {data[i:i + 4] for i in range(16, min(size, len(data)) - 3, 4)}
    if brands & AVIF_BRANDS:
        return "AVIF"
    if brands & HEIF_BRANDS:
        return "HEIF"
    return None


def _boxes(data: bytes, start: int, end: int, what: str):
    """(type, body start, body end) of each box in data[start:end]; truncation is refused."""
    position, count = start, 0
    while position + 8 <= end:
        count += 1
        if count > MAX_ISOBMFF_BOXES:
            raise ImageRejected(f"{what} has over {MAX_ISOBMFF_BOXES} boxes at one level")
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            if position + 16 > end:
                break
            size, header = struct.unpack_from(">Q", data, position + 8)[0], 16
        elif size == 0:
            size = end - position
        if size < header:
            raise ImageRejected(f"{what}: malformed {kind!r} box of {size} bytes")
        if position + size > end:
            raise ImageRejected(
                f"truncated {what}: its {kind.decode('latin-1')!r} box needs {size:,} bytes, "
                f"{end - position:,} are there")
        yield kind, position + header, position + size
        position += size
    if position != end:
        raise ImageRejected(f"truncated {what}: {end - position} bytes after its last box")


def _inspect_isobmff(data: bytes) -> Inspected:
    """ftyp brands, a complete box structure, a meta box, and irot/imir in its properties."""
    ftyp_size = struct.unpack_from(">I", data)[0]
    if len(data) < max(16, ftyp_size):
        raise ImageRejected(f"truncated ISO media file (HEIC/HEIF or AVIF?): its ftyp box needs "
                            f"{max(16, ftyp_size):,} bytes, {len(data):,} are there")
    brand = container_brand(data)
    if brand is None:
        size = struct.unpack_from(">I", data)[0]
        compatible = range(16, min(size, len(data)) - 3, 4)
        brands = sorted({data[8:12]} | {data[i:i + 4] for i in compatible})
        named = ", ".join(b.decode("latin-1") for b in brands)
        raise ImageRejected(f"an ISO media file with brands {named}, not a HEIC/HEIF or AVIF "
                            "image (a video?)")
    what = "HEIC/HEIF" if brand == "HEIF" else "AVIF"
    top = {kind: (start, end) for kind, start, end in _boxes(data, 0, len(data), what)}
    if b"meta" not in top:
        raise ImageRejected(f"{what} has no meta box (truncated or not an image)")
    start, end = top[b"meta"]
    meta = {kind: (s, e) for kind, s, e in _boxes(data, start + 4, end, f"{what} meta")}
    properties: list[tuple[bytes, bytes]] = []
    if b"iprp" in meta:
        iprp = {kind: (s, e) for kind, s, e in _boxes(data, *meta[b"iprp"], f"{what} iprp")}
        if b"ipco" in iprp:
            properties = [(kind, data[s:e])
                          for kind, s, e in _boxes(data, *iprp[b"ipco"], f"{what} ipco")]
    transformed = any(kind in _TRANSFORM_PROPERTIES for kind, _ in properties)
    return Inspected(data, container=brand, transformed=transformed,
                     coding=_coding(properties))


def _coding(properties: list[tuple[bytes, bytes]]) -> Coding | None:
    """The deepest bit depth, the least subsampled chroma and any alpha plane among the item
    properties: pixi (bits per channel), av1C and hvcC (codec configuration), auxC (alpha)."""
    depths: list[int] = []
    chromas: list[str] = []
    alpha = False
    for kind, body in properties:
        if kind == b"pixi" and len(body) >= 5:  # FullBox header, channel count, bits each
            depths.extend(body[5: 5 + body[4]])
        elif kind == b"av1C" and len(body) >= 3:
            high, twelve, mono = body[2] >> 6 & 1, body[2] >> 5 & 1, body[2] >> 4 & 1
            across, down = body[2] >> 3 & 1, body[2] >> 2 & 1
            depths.append(12 if high and twelve else 10 if high else 8)
            chromas.append("4:0:0" if mono else {(1, 1): "4:2:0", (1, 0): "4:2:2"}.get(
                (across, down), "4:4:4"))
        elif kind == b"hvcC" and len(body) >= 19:
            depths.append(8 + max(body[17] & 7, body[18] & 7))
            chromas.append(("4:0:0", "4:2:0", "4:2:2", "4:4:4")[body[16] & 3])
        elif kind == b"auxC" and body[4:].split(b"\x00", 1)[0] in _ALPHA_AUXILIARY:
            alpha = True
    if not depths and not chromas and not alpha:
        return None
    return Coding(bit_depth=max(depths, default=8),
                  chroma=max(chromas, key=SAMPLES_PER_PIXEL.__getitem__, default="4:2:0"),
                  alpha=alpha)


def _inspect_webp(data: bytes) -> Inspected:
    """The canvas size from VP8X, VP8 or VP8L; a RIFF size past the end is a truncated file."""
    riff_size = struct.unpack_from("<I", data, 4)[0]
    if riff_size + 8 > len(data):
        raise ImageRejected(f"truncated WebP: its RIFF header says {riff_size + 8:,} bytes, "
                            f"the file has {len(data):,}")
    chunk, body = data[12:16], data[20:]
    size = None
    if chunk == b"VP8X" and len(body) >= 10:
        size = (int.from_bytes(body[4:7], "little") + 1, int.from_bytes(body[7:10], "little") + 1)
    elif chunk == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    elif chunk == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        size = (struct.unpack_from("<H", body, 6)[0] & 0x3FFF,
                struct.unpack_from("<H", body, 8)[0] & 0x3FFF)
    return Inspected(data, container="WEBP", size=size)


def _jpeg_frame(data: bytes) -> JpegFrame | None:
    """Walk the segments up to the first scan; None when they are malformed (Pillow says how)."""
    position, segments, stray = 2, 0, 0
    frame: tuple[int, int, tuple, int] | None = None
    while position + 4 <= len(data):
        if data[position] != 0xFF:  # skipped by Pillow and libjpeg alike, so skipped here too
            following = data.find(b"\xff", position)
            if following < 0:
                return None
            stray += following - position
            if stray > MAX_JPEG_STRAY_BYTES:
                raise ImageRejected(
                    f"JPEG has over {MAX_JPEG_STRAY_BYTES:,} stray bytes between its segments"
                )
            position = following
            continue
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        segments += 1
        if segments > MAX_JPEG_HEADER_SEGMENTS:
            raise ImageRejected(
                f"JPEG has over {MAX_JPEG_HEADER_SEGMENTS:,} segments before its image data "
                "(a segment flood, not a photo)"
            )
        if marker in _STANDALONE:
            position += 2
            continue
        if marker == _EOI:
            return None
        length = struct.unpack_from(">H", data, position + 2)[0]
        if marker in _SOF_MARKERS and length >= 8:
            body = data[position + 4: position + 2 + length]
            height, width, count = struct.unpack_from(">HHB", body, 1)
            sampling = tuple((max(1, body[7 + 3 * n] >> 4), max(1, body[7 + 3 * n] & 15))
                             for n in range(count) if 8 + 3 * n < len(body))
            frame = (width, height, sampling, marker) if sampling else None
        if marker == _SOS:
            body = data[position + 4: position + 2 + length]
            if frame is None or not body:
                return None
            width, height, sampling, sof = frame
            scans = 1
            if sof in _PROGRESSIVE or body[0] < len(sampling):
                # Later scans only matter here: a single-scan image is done after its first,
                # and the decoder stops there. Inside scan data 0xFF is always followed by
                # 0x00 or a restart marker, so this counts start-of-scan markers exactly (an
                # appended multi-picture image adds its own, which do not reach the limit).
                scans += data.count(b"\xff\xda", position + 2 + length)
            if scans > MAX_JPEG_SCANS:
                raise ImageRejected(
                    f"JPEG has {scans:,} scans (at most {MAX_JPEG_SCANS} are decoded): each "
                    "one is a pass over every block, so its decode time has no useful bound"
                )
            return JpegFrame(width, height, sampling, sof in _PROGRESSIVE, sof in _LOSSLESS,
                             first_scan_components=body[0], scans=scans)
        position += 2 + length
    return None


def _inspect_png(data: bytes) -> Inspected:
    """Walk every chunk (bounded); drop metadata that would make Pillow refuse the file, and
    refuse a file whose metadata would cost more to inflate than any image needs."""
    position, chunks, metadata_total = len(PNG_SIGNATURE), 0, 0
    dropped: list[tuple[int, int, str]] = []
    while position + 12 <= len(data):
        length = struct.unpack_from(">I", data, position)[0]
        kind = data[position + 4: position + 8]
        end = position + 12 + length
        chunks += 1
        if chunks > MAX_PNG_CHUNKS:
            raise ImageRejected(
                f"PNG has over {MAX_PNG_CHUNKS:,} chunks (a chunk flood, not an image)"
            )
        if kind in _METADATA_CHUNKS:
            size = _metadata_size(kind, data[position + 8: end - 4])
            metadata_total += size
            if metadata_total > MAX_PNG_METADATA_TOTAL:
                raise ImageRejected(
                    f"PNG text and profile chunks inflate to over "
                    f"{MAX_PNG_METADATA_TOTAL // (1024 * 1024)} MB in total (a metadata bomb, "
                    "not an image)")
            if size > MAX_PNG_METADATA:
                dropped.append((position, end, kind.decode("latin-1")))
                if len(dropped) > MAX_PNG_OVERSIZED_METADATA:
                    raise ImageRejected(
                        f"PNG has over {MAX_PNG_OVERSIZED_METADATA} text or profile chunks of "
                        f"over {MAX_PNG_METADATA:,} bytes each (a metadata bomb, not an image)")
        if kind == b"IEND":
            break
        position = end
    if not dropped:
        return Inspected(data)
    kept, start = [], 0
    for begin, end, _ in dropped:
        kept.append(data[start:begin])
        start = end
    kept.append(data[start:])
    kinds = [kind for _, _, kind in dropped]
    counted = ", ".join(f"{kinds.count(kind)} {kind}" for kind in dict.fromkeys(kinds))
    return Inspected(b"".join(kept),
                     notes=(f"PNG metadata over {MAX_PNG_METADATA:,} bytes dropped: {counted}",))


def _metadata_size(kind: bytes, body: bytes) -> int:
    """The chunk's text or profile size once inflated, counted to just past MAX_PNG_METADATA
    (the most that is ever inflated per chunk). Stored text counts as stored."""
    compressed = None if kind == b"tEXt" else _compressed_part(kind, body)
    if compressed is None or len(body) > MAX_PNG_METADATA:
        return len(body)
    inflater = zlib.decompressobj()
    try:
        return len(inflater.decompress(compressed, MAX_PNG_METADATA + 1))
    except zlib.error:
        return len(body)  # Pillow reports or ignores it as it always has


def _compressed_part(kind: bytes, body: bytes) -> bytes | None:
    """The zlib stream of an iCCP or zTXt chunk, or of a compressed iTXt chunk."""
    name_end = body.find(b"\x00")
    if name_end < 0:
        return None
    if kind in (b"iCCP", b"zTXt"):
        return body[name_end + 2:]  # name, NUL, compression method
    if body[name_end + 1: name_end + 2] != b"\x01":  # iTXt stored uncompressed
        return None
    language_end = body.find(b"\x00", name_end + 3)
    keyword_end = body.find(b"\x00", language_end + 1) if language_end >= 0 else -1
    return body[keyword_end + 1:] if keyword_end >= 0 else None
