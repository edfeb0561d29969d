"""Files within the limits whose structure alone would cost minutes or gigabytes, and valid
images that Pillow's defaults refuse: what the renderer makes of each."""

from __future__ import annotations

import io
import time
import zlib

import pytest
from PIL import Image

from chalicelib.image.render import ImageRejected, Limits
from chalicelib.image.structure import (
    MAX_JPEG_HEADER_SEGMENTS,
    MAX_JPEG_SCANS,
    MAX_JPEG_STRAY_BYTES,
    MAX_PNG_CHUNKS,
    MAX_PNG_METADATA_TOTAL,
    MAX_PNG_OVERSIZED_METADATA,
)
from devtools import samples
from tests.helpers import large_images
from tests.helpers.render import render_one

BOX = (200, 200)
PHOTO = samples.photo_like((400, 300))


def output_of(data: bytes, box: tuple[int, int] = BOX) -> Image.Image:
    image = Image.open(io.BytesIO(render_one(data, "PNG", box).images[0].data))
    image.load()
    return image


def scans_in(data: bytes) -> int:
    return sum(marker == 0xDA for marker, _ in large_images.jpeg_segments(data))


# --- JPEG marker structure -----------------------------------------------------------------

def test_a_flood_of_empty_segments_is_refused_before_pillow_parses_it():
    flood = large_images.with_segment_flood(samples.jpeg_bytes(PHOTO), 1_000_000)  # 4 MB
    started = time.perf_counter()
    with pytest.raises(ImageRejected, match="segment flood"):
        render_one(flood, "JPEG", BOX)
    assert time.perf_counter() - started < 1  # Pillow alone spends about a second on these


def test_a_few_hundred_segments_still_render():
    data = large_images.with_segment_flood(samples.jpeg_bytes(PHOTO), 400)
    assert output_of(data).size == (200, 150)


def test_stray_bytes_between_segments_are_skipped_as_pillow_does_but_not_without_end():
    data = samples.jpeg_bytes(PHOTO)
    first_segment_end = 4 + int.from_bytes(data[4:6], "big")
    with_stray = data[:first_segment_end] + b"\x00" * 100 + data[first_segment_end:]
    assert output_of(with_stray).size == (200, 150)
    # Stray bytes do not hide a flood behind them from the count
    hidden = (data[:first_segment_end] + b"\x00" + large_images.with_segment_flood(
        b"\xff\xd8", MAX_JPEG_HEADER_SEGMENTS + 16)[2:] + data[first_segment_end:])
    with pytest.raises(ImageRejected, match="segment flood"):
        render_one(hidden, "JPEG", BOX)
    padded = (data[:first_segment_end] + b"\x00" * (MAX_JPEG_STRAY_BYTES + 1)
              + data[first_segment_end:])
    with pytest.raises(ImageRejected, match="stray bytes"):
        render_one(padded, "JPEG", BOX)


def test_a_progressive_jpeg_repeating_its_last_scan_is_refused():
    progressive = samples.jpeg_bytes(PHOTO, progressive=True)
    repeated = large_images.with_last_scan_repeated(progressive, MAX_JPEG_SCANS)
    assert scans_in(repeated) > MAX_JPEG_SCANS
    with pytest.raises(ImageRejected, match=rf"{scans_in(repeated)} scans"):
        render_one(repeated, "JPEG", BOX)


def test_progressive_and_multi_picture_scan_counts_of_real_encoders_render():
    progressive = samples.jpeg_bytes(PHOTO, progressive=True)
    a_few_more = large_images.with_last_scan_repeated(progressive, 20)
    assert output_of(a_few_more).size == (200, 150)


# --- PNG chunks -------------------------------------------------------------------------------

def _png_with(chunks_before_pixels: list[tuple[bytes, bytes]]) -> bytes:
    return large_images.png(64, 48, 2, extra_chunks=tuple(chunks_before_pixels))


def test_a_flood_of_png_chunks_is_refused():
    flood = _png_with([(b"abCd", b"")] * MAX_PNG_CHUNKS)
    started = time.perf_counter()
    with pytest.raises(ImageRejected, match="chunk flood"):
        render_one(flood, "PNG", BOX)
    assert time.perf_counter() - started < 1  # Pillow alone spends about 0.3 s on these


def test_ordinary_chunk_counts_render():
    assert output_of(_png_with([(b"abCd", b"x")] * 2000)).size == (64, 48)


MB = 1024 * 1024


def _inflating(size: int) -> bytes:
    return zlib.compress(b"\x00" * size, 9)


@pytest.mark.parametrize(
    "chunk",
    [
        (b"zTXt", b"Comment\x00\x00" + _inflating(2 * MB)),
        (b"iCCP", b"icc\x00\x00" + _inflating(2 * MB)),
        (b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + _inflating(2 * MB)),
        (b"tEXt", b"Comment\x00" + b"x" * (MB + 100)),
    ],
    ids=["zTXt", "iCCP", "iTXt", "tEXt"],
)
def test_png_metadata_over_a_megabyte_is_dropped_and_the_pixels_render(chunk):
    data = large_images.png(400, 300, 2, extra_chunks=(chunk,))
    rendered = render_one(data, "PNG", BOX)
    assert rendered.images[0].size == (200, 150)
    assert any(chunk[0].decode() in note and "dropped" in note for note in rendered.notes)
    assert len(rendered.images[0].data) < 100_000


def test_png_metadata_under_a_megabyte_is_kept_as_pillow_reads_it():
    data = large_images.png(400, 300, 2, extra_chunks=(
        (b"zTXt", b"Comment\x00\x00" + zlib.compress(b"hello")),))
    assert render_one(data, "PNG", BOX).notes == ()


class InflationCounter:
    """Stands in for structure.py's zlib: counts every byte the walk inflates."""

    error = zlib.error

    def __init__(self):
        self.inflated = 0

    def decompressobj(self):
        real, counter = zlib.decompressobj(), self

        class Counting:
            def decompress(self, data, max_length=0):
                out = real.decompress(data, max_length)
                counter.inflated += len(out)
                return out

        return Counting()


@pytest.fixture()
def inflation(monkeypatch) -> InflationCounter:
    from chalicelib.image import structure

    counter = InflationCounter()
    monkeypatch.setattr(structure, "zlib", counter)
    return counter


def test_many_chunks_each_inflating_past_a_megabyte_are_refused_after_a_few(inflation):
    """Issue 17, 3.1: 16,000 such chunks (1 KB each) took 63 s to inflate, one note each."""
    bomb = _png_with([(b"zTXt", b"Comment\x00\x00" + _inflating(MB + 1))] * 1000)
    with pytest.raises(ImageRejected, match=rf"over {MAX_PNG_OVERSIZED_METADATA} text or "
                                            r"profile chunks of over 1,048,576 bytes"):
        render_one(bomb, "PNG", BOX)
    assert inflation.inflated <= (MAX_PNG_OVERSIZED_METADATA + 1) * (MB + 1)


def test_metadata_inflating_past_pillows_total_is_refused_without_inflating_the_rest(inflation):
    just_under = _inflating(MB - 100)  # each chunk is kept, but together they are too much
    count = MAX_PNG_METADATA_TOTAL // (MB - 100) + 20
    bomb = _png_with([(b"zTXt", b"Comment\x00\x00" + just_under)] * count)
    with pytest.raises(ImageRejected, match="inflate to over 64 MB in total"):
        render_one(bomb, "PNG", BOX)
    assert inflation.inflated <= MAX_PNG_METADATA_TOTAL + MB


def test_dropped_metadata_is_one_note_with_the_counts():
    oversized = _inflating(2 * MB)
    data = large_images.png(400, 300, 2, extra_chunks=(
        (b"zTXt", b"Comment\x00\x00" + oversized), (b"zTXt", b"Other\x00\x00" + oversized),
        (b"iCCP", b"icc\x00\x00" + oversized)))
    rendered = render_one(data, "PNG", BOX)
    assert rendered.images[0].size == (200, 150)
    assert rendered.notes == ("PNG metadata over 1,048,576 bytes dropped: 2 zTXt, 1 iCCP",)


# --- modes Pillow cannot box-reduce ----------------------------------------------------------

def test_a_16_bit_grey_png_many_times_the_box_renders_with_its_tones():
    ramp = bytes(b for x in range(6000) for b in (x * 65535 // 5999).to_bytes(2, "big"))
    data = large_images.png(6000, 4000, 0, 16, row=ramp)  # 16-bit, dark left, bright right
    output = output_of(data, (1280, 720))
    assert output.size == (1080, 720) and output.mode == "L"
    assert output.getpixel((2, 360)) <= 3 and output.getpixel((1077, 360)) >= 252
    assert 110 <= output.getpixel((540, 360)) <= 145


# --- the strip path is the same picture as Pillow's own resize -------------------------------

def _mean_difference(first: Image.Image, second: Image.Image) -> float:
    from PIL import ImageChops, ImageStat

    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / len(first.getbands())


@pytest.mark.parametrize("kind", ["rgba", "colour-key", "palette", "grey-alpha"])
def test_converting_and_reducing_in_strips_matches_a_whole_image_resize(kind):
    logo = samples.transparent_logo((2400, 1600))
    if kind == "rgba":
        source = Image.alpha_composite(Image.new("RGBA", logo.size, (0, 0, 0, 0)), logo)
        data = samples.png_bytes(source)
    elif kind == "colour-key":
        source = samples.photo_like((2400, 1600))
        source.paste((1, 2, 3), (0, 0, 800, 1600))
        data = samples.png_bytes(source, transparency=(1, 2, 3))
        source.info["transparency"] = (1, 2, 3)
        source = source.convert("RGBA")  # the key becomes alpha
    elif kind == "palette":
        source = samples.photo_like((2400, 1600)).quantize(64)
        data = samples.png_bytes(source)
        source = source.convert("RGB")
    else:
        source = logo.convert("LA")
        data = samples.png_bytes(source)
    expected = source.resize((300, 200), Image.Resampling.BICUBIC, reducing_gap=2.0)
    output = output_of(data, (300, 200))
    assert output.mode == expected.mode and output.size == (300, 200)
    assert _mean_difference(output, expected) < 1.0


def test_a_jpeg_whose_markers_cannot_be_walked_is_budgeted_as_the_worst_case():
    """Pillow reads some marker layouts the walk gives up on; the budget then assumes every
    coefficient is held, so a large one is refused rather than risked."""
    from chalicelib.image import budget
    from chalicelib.image.structure import Inspected

    inspected = Inspected(b"\xff\xd8" + b"\x00" * 100)  # a JPEG with no frame facts
    worst = budget.estimate(inspected, "CMYK", (15000, 10000), (1080, 720), False)
    assert worst.parts["JPEG coefficients"] == 15000 * 10000 * 4 * 2
    with pytest.raises(budget.OverBudget, match="JPEG coefficients"):
        budget.check(worst, 1024)


# --- the time left -----------------------------------------------------------------------------

def test_a_render_that_cannot_finish_in_the_time_left_is_refused_as_transient():
    from chalicelib.errors import OutOfTime

    data = large_images.png(6000, 4000, 2)  # a 24-megapixel PNG: about a second on Lambda
    with pytest.raises(OutOfTime, match=r"6000x4000 PNG RGB is expected to take [\d.]+ s, 0.20 s"):
        render_one(data, "PNG", limits=Limits(seconds_left=0.2))
    assert render_one(data, "PNG", limits=Limits(seconds_left=60)).images[0].size == (1080, 720)
