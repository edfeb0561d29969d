"""quality = "auto": per image, the lowest quality whose output still scores the target against
the pixels as they went into the encoder; what a user notices: easy pictures get a lower
quality than hard ones, every output meets its target when measured again, the log says
which quality was used and what it reached, and a wrong declaration is named."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from chalicelib.config.outputs import OutputsError, load_outputs
from chalicelib.image import budget, encode, similarity
from chalicelib.image.render import OutputRequest, render_outputs
from chalicelib.image.structure import Inspected
from chalicelib.pipeline.result import StoredOutput
from devtools import samples

SIZE = (320, 180)
LOSSY = ("JPEG", "WEBP", "AVIF")
EXTENSION = {"JPEG": "jpg", "WEBP": "webp", "AVIF": "avif"}


def reference_score(reference: Image.Image, candidate: Image.Image) -> float:
    """The same definition written plainly in numpy: luma halved by averaging each 2x2 block
    (a last odd row or column averaged alone), SSIM of each 7x7 block, 4-norm of 1 - SSIM over
    the blocks. Pictures under 28 pixels on a side are compared at full resolution."""
    x = np.asarray(reference.convert("L"), dtype=np.float64)
    y = np.asarray(candidate.convert("L"), dtype=np.float64)
    if min(x.shape) >= 28:
        x, y = halved(x), halved(y)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    losses = []
    for top in range(0, x.shape[0] - 6, 7):
        for left in range(0, x.shape[1] - 6, 7):
            a, b = x[top:top + 7, left:left + 7], y[top:top + 7, left:left + 7]
            ma, mb = a.mean(), b.mean()
            cov = ((a - ma) * (b - mb)).mean()
            ssim = ((2 * ma * mb + c1) * (2 * cov + c2)) / (
                (ma * ma + mb * mb + c1) * (a.var() + b.var() + c2))
            losses.append(max(0.0, 1 - ssim))
    return 1 - float(np.mean(np.asarray(losses) ** 4) ** 0.25)


def halved(plane: np.ndarray) -> np.ndarray:
    rows, columns = plane.shape
    return np.array([[plane[top:top + 2, left:left + 2].mean()
                      for left in range(0, columns, 2)] for top in range(0, rows, 2)])


def jpeg_at(image: Image.Image, quality: int) -> Image.Image:
    return Image.open(io.BytesIO(samples.jpeg_bytes(image, quality=quality)))


# --- the score ------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(95, 61), (71, 29), (27, 40)])
@pytest.mark.parametrize("quality", [20, 60, 90])
def test_the_score_is_block_ssim_at_half_resolution_pooled_by_its_4_norm(quality, size):
    # odd sizes: a last row or column halved alone, windows that do not fill the edges left out;
    # 27 pixels: too small for two windows at half resolution, compared at full resolution
    reference = samples.photo_like(size)
    candidate = jpeg_at(reference, quality)
    assert similarity.score(reference, candidate) == pytest.approx(
        reference_score(reference, candidate), abs=1e-4)


def test_the_score_is_1_for_the_same_pixels_and_falls_with_quality():
    reference = samples.photo_like(SIZE)
    scores = [similarity.score(reference, jpeg_at(reference, q)) for q in (95, 75, 50, 20)]
    assert similarity.score(reference, reference) == pytest.approx(1.0, abs=1e-5)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0.99 and scores[-1] < 0.9  # quality 20 is far from 95


def test_the_score_refuses_different_sizes():
    with pytest.raises(ValueError, match="sizes differ"):
        similarity.score(Image.new("L", (10, 10)), Image.new("L", (10, 11)))


# --- the search -----------------------------------------------------------------------------

@pytest.mark.parametrize("pillow_format", LOSSY)
def test_an_easy_picture_gets_a_lower_quality_than_a_hard_one(pillow_format):
    target = encode.QualityTarget()
    easy = encode.encode_output(samples.portrait_like(SIZE), pillow_format, target,
                                (255, 255, 255), None)
    hard = encode.encode_output(samples.night_scene(SIZE), pillow_format, target,
                                (255, 255, 255), None)
    assert easy.quality < hard.quality
    most = encode.MAX_ENCODES + (encode.PROBE_CHECKS if pillow_format == "WEBP" else 0)
    assert 1 <= easy.encodes <= most and 1 <= hard.encodes <= most


@pytest.mark.parametrize("pillow_format", LOSSY)
@pytest.mark.parametrize("picture", [samples.photo_like, samples.screenshot_like,
                                     samples.flat_graphic])
def test_the_output_meets_its_target_when_measured_again(pillow_format, picture):
    """Rendered from an upload, re-measured against the resized picture (a PNG output of the
    same box: the pixels just before encoding), not against the upload."""
    upload = samples.jpeg_bytes(picture((640, 360)), quality=95)
    target = encode.QualityTarget(target=0.9)
    auto, exact = render_outputs(upload, [
        OutputRequest("auto", SIZE, pillow_format=pillow_format, quality=target),
        OutputRequest("exact", SIZE, pillow_format="PNG")]).images
    decoded = Image.open(io.BytesIO(auto.data))
    measured = similarity.score(Image.open(io.BytesIO(exact.data)), decoded)
    assert measured >= 0.9
    assert measured == pytest.approx(auto.score, abs=0.01)  # JPEG: Y plane vs RGB's luma
    low, high = target.range_for(pillow_format)
    assert low <= auto.quality <= high


def test_webp_searched_with_probes_is_encoded_as_a_fixed_quality_output_is():
    """The probes (method 0) only choose the quality: the bytes are method 4's at that
    quality, and the score is of those bytes."""
    picture = samples.photo_like(SIZE)
    auto = encode.encode_output(picture, "WEBP", encode.QualityTarget(), (255, 255, 255), None)
    fixed = encode.encode_output(picture, "WEBP", auto.quality, (255, 255, 255), None)
    assert auto.data == fixed.data
    assert auto.score == pytest.approx(
        similarity.score(picture, Image.open(io.BytesIO(auto.data))), abs=1e-6)
    assert auto.score >= encode.DEFAULT_TARGET["WEBP"]


def test_a_webp_choice_that_misses_at_method_4_steps_up_then_takes_the_maximum(monkeypatch):
    """Probes that pass where the real encode does not (a picture whose method-0 and method-4
    scores part): the output still meets the target, at `max` when nothing below it does."""
    scores = {(quality, True): 0.99 for quality in range(101)}  # every probe passes
    scores |= {(quality, False): 0.9 for quality in range(101)}  # method 4 misses...
    scores[(90, False)] = 0.99  # ...except at max
    monkeypatch.setattr(encode, "_lossy", lambda image, fmt, quality, extra, probe=False:
                        (quality, probe))
    monkeypatch.setattr(encode, "_decoded_luma", lambda data: data)
    monkeypatch.setattr(similarity, "score", lambda reference, tried: scores[tried])
    out = encode.encode_output(samples.photo_like(SIZE), "WEBP",
                               encode.QualityTarget(target=0.975, max=90), (255, 255, 255), None)
    assert (out.data, out.quality, out.score) == ((90, False), 90, 0.99)
    assert out.encodes <= encode.MAX_ENCODES + encode.PROBE_CHECKS


@pytest.mark.parametrize("pillow_format", LOSSY)
def test_a_target_met_everywhere_gives_the_lowest_quality_allowed(pillow_format):
    out = encode.encode_output(samples.portrait_like(SIZE), pillow_format,
                               encode.QualityTarget(target=0.5, min=40), (255, 255, 255), None)
    assert out.quality == 40


def test_a_target_out_of_reach_gives_the_highest_quality_allowed():
    out = encode.encode_output(samples.night_scene(SIZE), "JPEG",
                               encode.QualityTarget(target=0.999, min=40, max=60),
                               (255, 255, 255), None)
    assert out.quality == 60
    assert out.score < 0.999


def test_a_higher_target_costs_more_bytes():
    photo = samples.photo_like(SIZE)
    low, high = (encode.encode_output(photo, "WEBP", encode.QualityTarget(target=t),
                                      (255, 255, 255), None) for t in (0.85, 0.95))
    assert len(low.data) < len(high.data)
    assert low.score >= 0.85 and high.score >= 0.95


def test_png_ignores_a_target_of_a_same_format_output():
    out = encode.encode_output(samples.flat_graphic(SIZE), "PNG", encode.QualityTarget(),
                               (255, 255, 255), None)
    assert (out.quality, out.score) == (None, None)


# --- outputs.toml ---------------------------------------------------------------------------

CARD = '[card]\nkey = "{folder}{stem}-card.webp"\nsize = "640x360"\nformat = "webp"\n'


def test_auto_and_a_table_are_read():
    assert load_outputs(CARD + 'quality = "auto"\n')["card"].quality == encode.QualityTarget()
    table = load_outputs(CARD + "quality = {target = 0.95, min = 60, max = 90}\n")["card"]
    assert table.quality == encode.QualityTarget(target=0.95, min=60, max=90)
    request = table.request_for("a/b.jpg")
    assert request.quality == encode.QualityTarget(target=0.95, min=60, max=90)
    bounded = load_outputs(CARD + "quality = {min = 60}\n")["card"].quality
    assert bounded.target_for("WEBP") == encode.DEFAULT_TARGET["WEBP"]


@pytest.mark.parametrize("pillow_format", LOSSY)
def test_without_a_target_each_format_meets_its_own_default(pillow_format):
    """JPEG's default is the higher: the same score shows more to the eye in JPEG."""
    out = encode.encode_output(samples.photo_like(SIZE), pillow_format, encode.QualityTarget(),
                               (255, 255, 255), None)
    assert out.score >= encode.DEFAULT_TARGET[pillow_format]
    assert encode.DEFAULT_TARGET["JPEG"] > encode.DEFAULT_TARGET["WEBP"]


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ('quality = "best"', 'an integer from 1 to 100, "auto" or a table'),
        ("quality = {target = 1.5}", "target must be a score from 0.5 to 0.999"),
        ('quality = {target = "high"}', "target must be a score"),
        ("quality = {min = 0}", "min must be an integer from 1 to 100, got 0"),
        ("quality = {max = 80.5}", "max must be an integer"),
        ("quality = {min = 90, max = 60}", "min 90 is above max 60"),
        ("quality = {min = 96}", "min 96 is above max 95 for WEBP"),
        ("quality = {goal = 0.9}", "unknown field 'goal'; a quality target has target, min, max"),
    ],
)
def test_a_bad_quality_target_is_named(declaration, problem):
    with pytest.raises(OutputsError) as raised:
        load_outputs(CARD + declaration + "\n")
    assert "outputs.toml [card].quality: " in str(raised.value)
    assert problem in str(raised.value)


def test_a_png_output_refuses_a_quality_target():
    with pytest.raises(OutputsError) as raised:
        load_outputs('[icon]\nkey = "{folder}{stem}-icon.png"\nsize = "64x64"\n'
                     'format = "png"\nquality = "auto"\n')
    assert "[icon].quality: a quality target needs a lossy format" in str(raised.value)
    assert "PNG is lossless" in str(raised.value)


# --- the log line and the budget ------------------------------------------------------------

def test_the_log_line_has_the_quality_used_and_the_score_reached():
    rendered = render_outputs(samples.jpeg_bytes(samples.photo_like((640, 360))), [
        OutputRequest("auto", SIZE, pillow_format="AVIF", quality=encode.QualityTarget()),
        OutputRequest("fixed", SIZE, pillow_format="JPEG", quality=70)])
    stored = [StoredOutput(image.name, "k", image.size, image.format, len(image.data),
                           image.quality, image.score) for image in rendered.images]
    auto, fixed = (output.log_summary() for output in stored)
    assert auto["score"] >= encode.DEFAULT_TARGET["AVIF"] and 35 <= auto["quality"] <= 90
    assert fixed["quality"] == 70 and "score" not in fixed
    assert "quality" not in stored[0].summary()  # the processed-image event is unchanged


def test_a_searched_quality_is_budgeted_in_time_and_memory():
    inspected = Inspected(samples.jpeg_bytes(samples.photo_like((64, 48))))
    pixels = 1280 * 720
    fixed, searched = (budget.render_seconds(inspected, "RGB", (4000, 3000), (1280, 720), False,
                                             [(pixels, "AVIF", auto)]) for auto in (False, True))
    one_encode = pixels * budget.NS_PER_OUTPUT_PIXEL["AVIF"] / 1e9
    assert searched - fixed > one_encode  # more encodes, each decoded and scored
    plain, held = (budget.estimate(inspected, "RGB", (4000, 3000), (1280, 720), False,
                                   searched_pixels=n).total for n in (0, pixels))
    assert held - plain == pixels * budget.SEARCH_BYTES_PER_PIXEL
