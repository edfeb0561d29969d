"""A few hundred generated files that users (or attackers) upload under .jpg and .png names,
each with the outcome it must have, known from how it was made (never by asking Pillow):

- "written": a valid JPEG, PNG, HEIC, WebP or AVIF within the limits; a thumbnail must be
  written. The bytes choose the decoder, the key's extension the output format.
- "skipped": none of those, cut short, over the pixel limit, or refused by a guard.
- "any": bit flips and random bytes after a valid signature, whose fate no generator can know;
  either outcome is fine, but never an exception, and a written thumbnail must be valid.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator
from typing import Literal

from PIL import Image, ImageCms

from devtools import samples

Expected = Literal["written", "skipped", "any"]
WRITTEN: Expected = "written"
SKIPPED: Expected = "skipped"
ANY: Expected = "any"

JPEG_SOI, PNG_SIGNATURE = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"
# The smallest JPEG has SOI (2 bytes), a quantization table (69), a frame header (13 for one
# component), a scan header (10) and EOI (2): fewer bytes than this cannot be one.
SMALLEST_JPEG = 96


def corpus(max_pixels: int = 150_000_000) -> Iterator[tuple[str, bytes, Expected]]:
    """(file name, bytes, expected outcome) triples; deterministic. `max_pixels` is the
    MAX_SOURCE_PIXELS the handlers run with."""
    rng = random.Random(2026)
    photo = samples.photo_like((320, 240), seed=5)
    jpeg, png = samples.jpeg_bytes(photo), samples.png_bytes(photo)
    # Valid JPEGs and PNGs, well within the limits: every mode, odd shapes, encoder options.
    yield from _every(WRITTEN, _modes(photo))
    yield from _every(WRITTEN, _odd_shapes())
    yield from _every(WRITTEN, _encoder_variants(photo))
    # The code never sets ImageFile.LOAD_TRUNCATED_IMAGES, and Pillow's JPEG decoder finishes
    # only at the EOI marker: a JPEG cut anywhere, even in its last two bytes, is refused.
    for n, cut in enumerate(_offsets(len(jpeg), 40)):
        yield f"truncated-{n:02d}.jpg", jpeg[:cut], SKIPPED
    for n, cut in enumerate(_offsets(len(png), 40)):
        yield f"truncated-{n:02d}.png", png[:cut], _png_cut_expected(png, cut)
    for n in range(30):  # 8 flipped bits past the signature: no generator can tell the result
        yield f"bitflip-{n:02d}.jpg", _flip_bytes(jpeg, rng, 8), ANY
        yield f"bitflip-{n:02d}.png", _flip_bytes(png, rng, 8), ANY
    for n in range(20):
        size = rng.choice([1, 7, 100, 5000])
        data = rng.randbytes(size)
        signed = data.startswith((JPEG_SOI, PNG_SIGNATURE))
        yield f"random-{n:02d}.jpg", data, ANY if signed else SKIPPED  # no signature: neither
        data = b"\xff\xd8\xff\xe0" + rng.randbytes(size)
        yield f"random-magic-{n:02d}.jpg", data, SKIPPED if len(data) < SMALLEST_JPEG else ANY
        data = PNG_SIGNATURE + rng.randbytes(size)
        # A PNG's first chunk is IHDR (type at bytes 12-15), or it is no PNG.
        yield f"random-magic-{n:02d}.png", data, SKIPPED if data[12:16] != b"IHDR" else ANY
    yield from _bombs(max_pixels)
    yield from _every(SKIPPED, _other_formats(photo))  # GIF, TIFF, BMP...: not read
    yield from _new_formats(photo, max_pixels)
    yield from _animations(photo)
    # Valid images carrying odd or broken metadata: it is dropped or ignored, the pixels rendered.
    yield from _every(WRITTEN, _metadata_abuse(photo, rng))
    yield from _guards(photo)


def _every(expected: Expected, items: Iterator[tuple[str, bytes]]
           ) -> Iterator[tuple[str, bytes, Expected]]:
    for name, data in items:
        yield name, data, expected


def _offsets(length: int, count: int) -> list[int]:
    return sorted({max(0, length * i // count) for i in range(count)} | {length - 1, length - 2})


def _png_chunks(png: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(type, offset of the chunk, offset just past its CRC) for each chunk, read by the spec."""
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        yield kind, offset, offset + 12 + length
        offset += 12 + length


def _png_cut_expected(png: bytes, cut: int) -> Expected:
    """Pixels missing until the last IDAT chunk is whole: skipped. Once it is, only IEND (which
    carries nothing) is cut, and Pillow, having every row, reads no further: written. A cut in
    the last IDAT's CRC or its zlib stream's 4-byte Adler-32 could go either way."""
    *_, last_idat_end = [c for c in _png_chunks(png) if c[0] == b"IDAT"][-1]
    if cut >= last_idat_end:
        return WRITTEN
    if cut < last_idat_end - 8:  # before the Adler-32 and the CRC
        return SKIPPED
    return ANY


def _flip_bytes(data: bytes, rng: random.Random, flips: int) -> bytes:
    mutable = bytearray(data)
    for _ in range(flips):
        position = rng.randrange(20, len(mutable))
        mutable[position] ^= 1 << rng.randrange(8)
    return bytes(mutable)


def _modes(photo: Image.Image) -> Iterator[tuple[str, bytes]]:
    for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        image = photo.convert("L").convert("I").point(lambda v: v * 257).convert("I;16") \
            if mode == "I;16" else photo.convert(mode)
        yield f"mode-{mode.replace(';', '')}.png", samples.png_bytes(image)
    for mode in ("L", "RGB", "CMYK"):
        yield f"mode-{mode}.jpg", samples.jpeg_bytes(photo.convert(mode))
    with_alpha = photo.convert("RGBA")
    with_alpha.putalpha(128)
    yield "mode-P-alpha.png", samples.png_bytes(
        with_alpha.quantize(32, method=Image.Quantize.FASTOCTREE))
    keyed = photo.copy()
    yield "mode-RGB-trns.png", samples.png_bytes(keyed, transparency=keyed.getpixel((0, 0)))
    yield "mode-16bit-rgb.png", _png_16bit_rgb(64, 48)


def _png_16bit_rgb(width: int, height: int) -> bytes:
    rows = b"".join(b"\x00" + struct.pack(">" + "H" * width * 3,
                                          *([x * 1000 for x in range(width)] * 3))
                    for _ in range(height))
    return _png(width, height, bit_depth=16, colour_type=2, raw=rows)


def _png(width: int, height: int, bit_depth: int, colour_type: int, raw: bytes,
         extra_chunks: list[tuple[bytes, bytes]] = ()) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    extras = b"".join(chunk(kind, body) for kind, body in extra_chunks)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extras
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _odd_shapes() -> Iterator[tuple[str, bytes]]:
    for width, height in ((1, 1), (1, 3000), (3000, 1), (2, 2), (65500, 1)):
        image = Image.new("RGB", (width, height), (10, 200, 30))
        yield f"shape-{width}x{height}.jpg", samples.jpeg_bytes(image)
        yield f"shape-{width}x{height}.png", samples.png_bytes(image)


def _encoder_variants(photo: Image.Image) -> Iterator[tuple[str, bytes]]:
    yield "progressive.jpg", samples.jpeg_bytes(photo, progressive=True)
    yield "optimized.jpg", samples.jpeg_bytes(photo, optimize=True)
    for subsampling in (0, 1, 2):
        yield f"subsampling-{subsampling}.jpg", samples.jpeg_bytes(photo, subsampling=subsampling)
    yield "quality-1.jpg", samples.jpeg_bytes(photo, quality=1)
    yield "restart-markers.jpg", samples.jpeg_bytes(photo, restart_marker_blocks=1)
    yield "png-level0.png", samples.png_bytes(photo, compress_level=0)


def _bombs(max_pixels: int) -> Iterator[tuple[str, bytes, Expected]]:
    def over_the_limit(width: int, height: int) -> Expected:
        return SKIPPED if width * height > max_pixels else WRITTEN

    # By dimension: small files whose headers claim enormous images (no pixel data follows, so
    # should one ever pass the limit it is still a truncated file).
    for width, height in ((100_000, 100_000), (65_535, 65_535), (1, 2**31 - 1), (2**31 - 1, 1)):
        assert width * height > max_pixels
        yield f"bomb-header-{width}x{height}.png", samples.png_header_only(width, height), SKIPPED
    small = bytearray(samples.jpeg_bytes(Image.new("RGB", (16, 16))))
    sof = small.index(b"\xff\xc0")
    small[sof + 5: sof + 9] = struct.pack(">HH", 65_000, 65_000)
    assert max_pixels < 65_000 * 65_000
    yield "bomb-header-65000x65000.jpg", bytes(small), SKIPPED
    # By decompression: a valid 12000x12000 image of zeros, a few hundred kilobytes compressed,
    # and 144 megapixels: within the 150-megapixel default, so it must be rendered.
    rows = zlib.compressobj(9)
    raw = rows.compress(b"\x00" * (12_001 * 12_000)) + rows.flush()
    yield ("bomb-zeros-12000x12000.png", _png_raw_idat(12_000, 12_000, 0, raw),
           over_the_limit(12_000, 12_000))
    # Metadata that inflates: a zTXt and an iCCP chunk of 20 MB of zeros each, on a valid 1x1
    # grey image. Issue 9 item 5: oversized metadata is dropped and the pixels rendered, so
    # these are "written". The code before that change refuses them (Pillow's MAX_TEXT_CHUNK
    # error becomes "corrupt"): these two entries fail there, as they should.
    inflating = zlib.compress(b"\x00" * 20_000_000, 9)
    yield ("bomb-ztxt.png",
           _png(1, 1, 8, 0, b"\x00\x00", [(b"zTXt", b"Comment\x00\x00" + inflating)]),
           WRITTEN)  # issue 9 item 5
    yield ("bomb-iccp.png", _png(1, 1, 8, 0, b"\x00\x00", [(b"iCCP", b"icc\x00\x00" + inflating)]),
           WRITTEN)  # issue 9 item 5


def _png_raw_idat(width: int, height: int, colour_type: int, compressed: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", compressed)
            + chunk(b"IEND", b""))


def _other_formats(photo: Image.Image) -> Iterator[tuple[str, bytes]]:
    for fmt, extension in (("GIF", "gif"), ("BMP", "bmp"), ("TIFF", "tiff"),
                           ("ICO", "ico"), ("PPM", "ppm"), ("TGA", "tga")):
        out = io.BytesIO()
        photo.save(out, fmt)
        yield f"other-{extension}.jpg", out.getvalue()
        yield f"other-{extension}.png", out.getvalue()
    yield "html.jpg", b"<!DOCTYPE html><html><body>hi</body></html>"
    yield "svg.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    yield "pdf.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    yield "empty.jpg", b""
    yield "empty.png", b""
    yield "zip.png", b"PK\x03\x04" + b"\x00" * 100


def _new_formats(photo: Image.Image, max_pixels: int) -> Iterator[tuple[str, bytes, Expected]]:
    """HEIC (made by pillow-heif, a test-only encoder), WebP and AVIF: valid, cut short,
    mislabelled, or claiming a canvas over the pixel limit."""
    import pillow_heif  # lazily: a test-only dependency

    out = io.BytesIO()
    pillow_heif.from_pillow(photo).save(out, quality=80)
    heic = out.getvalue()
    yield "valid.heic", heic, WRITTEN
    yield "heic-named.jpg", heic, WRITTEN  # the bytes choose the decoder, the name the output
    cuts = [10, 30, 100, 300, *_offsets(len(heic), 12)]  # header boxes, then the data
    for n, cut in enumerate(cuts):  # every box is checked against the end
        yield f"truncated-{n:02d}.heic", heic[:cut], SKIPPED
    yield "html.heic", b"<!DOCTYPE html><html><body>hi</body></html>", SKIPPED
    yield ("mp4-video.heic", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64,
           SKIPPED)
    yield ("ftyp-heic-no-meta.heic", b"\x00\x00\x00\x10ftypheic\x00\x00\x00\x00" + b"\x00" * 8,
           SKIPPED)
    rgba = photo.convert("RGBA")
    rgba.putalpha(128)
    for fmt, extension in (("WEBP", "webp"), ("AVIF", "avif")):
        out = io.BytesIO()
        rgba.save(out, fmt)
        yield f"alpha.{extension}", out.getvalue(), WRITTEN
        yield f"{extension}-named.png", out.getvalue(), WRITTEN
        yield f"truncated.{extension}", out.getvalue()[: len(out.getvalue()) // 2], SKIPPED
    out = io.BytesIO()
    photo.save(out, "WEBP", save_all=True, append_images=[photo.rotate(180)], duration=100)
    yield "animated.webp", out.getvalue(), WRITTEN  # its first frame
    # A lossless WebP of 1x1 pixel whose extended header (VP8X) claims a 16384x16384 canvas:
    # libwebp would allocate it on open, so the header's size is checked first.
    tiny = io.BytesIO()
    Image.new("RGBA", (1, 1)).save(tiny, "WEBP", lossless=True)
    vp8l = tiny.getvalue()[12:]
    side = 16384
    vp8x = (b"VP8X" + struct.pack("<I", 10) + b"\x10\x00\x00\x00"
            + (side - 1).to_bytes(3, "little") * 2)
    body = b"WEBP" + vp8x + vp8l
    huge = b"RIFF" + struct.pack("<I", len(body)) + body
    yield "huge-canvas.webp", huge, SKIPPED if side * side > max_pixels else ANY


def _animations(photo: Image.Image) -> Iterator[tuple[str, bytes, Expected]]:
    frames = [photo, photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
              photo.convert("L").convert("RGB")]
    apng = io.BytesIO()
    frames[0].save(apng, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)
    yield "animated.png", apng.getvalue(), WRITTEN  # an APNG is a PNG: its first frame
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    yield "animated-gif.png", gif.getvalue(), SKIPPED
    yield "animated-gif.jpg", gif.getvalue(), SKIPPED


def _guards(photo: Image.Image) -> Iterator[tuple[str, bytes, Expected]]:
    """Valid files that cost more than their size suggests."""
    # Issue 9 item 4: a 16-bit grey PNG well over the box (24 MP, 4.7x the box's width) is
    # rendered. The code before that change rejects it as corrupt ("image has wrong mode"): this
    # entry fails there, as it should. A horizontal ramp over the full 16-bit range: 0.3 MB.
    width, height = 6000, 4000
    row = b"\x00" + b"".join(struct.pack(">H", x * 65535 // (width - 1)) for x in range(width))
    yield "gray16-6000x4000.png", _png(width, height, 16, 0, row * height), WRITTEN
    # Issue 9, the JPEG marker guard: 200,000 empty APP0 segments (0.8 MB) before a valid image.
    # Each one costs Pillow's marker loop a Python call; the guard refuses such a flood before
    # decoding. The code before that guard renders it: this entry fails there, as it should.
    jpeg = samples.jpeg_bytes(photo)
    yield "app0-flood-200k.jpg", jpeg[:2] + b"\xff\xe0\x00\x02" * 200_000 + jpeg[2:], SKIPPED


def _metadata_abuse(photo: Image.Image, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    yield "huge-comment.jpg", samples.jpeg_bytes(photo, comment=b"x" * 65_000)
    big_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    yield "huge-icc.jpg", samples.jpeg_bytes(photo, icc_profile=big_profile + b"\x00" * 1_000_000)
    texts = [(b"tEXt", b"key%d\x00" % n + b"v" * 1000) for n in range(1000)]
    yield "many-text-chunks.png", _png(8, 8, 8, 0,
                                       b"".join(b"\x00" + b"\x80" * 8 for _ in range(8)), texts)
    yield "exif-garbage.jpg", _with_app1(samples.jpeg_bytes(photo),
                                         b"Exif\x00\x00" + rng.randbytes(300))
    yield "exif-truncated.jpg", _with_app1(samples.jpeg_bytes(photo),
                                           b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00")
    bad_offset = b"Exif\x00\x00II*\x00" + struct.pack("<I", 0x7FFFFFF0)
    yield "exif-bad-offset.jpg", _with_app1(samples.jpeg_bytes(photo), bad_offset)
    for orientation in (0, 9, 255, 65535):
        yield (f"exif-orientation-{orientation}.jpg",
               samples.jpeg_bytes(photo, exif=samples.exif_bytes(orientation=orientation)))
    yield "exif-gps-big.jpg", samples.jpeg_bytes(photo,
                                                 exif=samples.exif_bytes(orientation=6, gps=True))
    yield "icc-garbage.jpg", samples.jpeg_bytes(photo, icc_profile=rng.randbytes(500))
    yield "icc-cmyk-on-rgb.jpg", samples.jpeg_bytes(photo, icc_profile=_cmyk_header(big_profile))
    yield "png-exif-garbage.png", samples.png_bytes(photo, exif=b"MM\x00*" + rng.randbytes(50))


def _cmyk_header(profile: bytes) -> bytes:
    mutable = bytearray(profile)
    mutable[16:20] = b"CMYK"
    return bytes(mutable)


def _with_app1(jpeg: bytes, payload: bytes) -> bytes:
    """Insert an APP1 segment right after SOI."""
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]
