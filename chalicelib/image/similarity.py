"""How alike an encoded output looks to the pixels it was encoded from: one number, 0 to 1.

SSIM on luma at half resolution (each 2x2 block averaged), over 7x7 windows, pooled by the
4-norm of the local dissimilarity (1 - SSIM): a few blocky or smeared areas weigh far more than
in SSIM's plain mean, which is where the eye finds them. Pillow alone (float images, box
reductions, ImageMath): no numpy in the Lambda. Chosen by measurement (docs/performance.md,
"Quality chosen per image"): against SSIMULACRA2 on 532 encodes (19 pictures, JPEG/WebP/AVIF,
9-10 qualities each) its rank correlation is 0.93; the same at full resolution 0.88 (SSIM's
plain mean, as scikit-image computes it, 0.70 on an earlier set). Half resolution also makes it
a quarter of the work: about 1.5 ms at 1280x720. Pictures too small for two windows at half
resolution are compared at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageMath

WINDOW = 7
POOLING_NORM = 4
SCALE = 2  # each side halved before comparing
_C1, _C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2  # SSIM's stabilisers for 8-bit values


def luma(image: Image.Image) -> Image.Image:
    """The 8-bit luma (Pillow's "L": ITU-R 601 weights) the score is computed on."""
    return image if image.mode == "L" else image.convert("L")


@dataclass(frozen=True)
class Reference:
    """The reference's half of the score, computed once for every candidate a search tries."""

    size: tuple[int, int]  # of the pictures compared
    scale: int
    window: int
    x: Image.Image  # luma as floats, scaled, cropped to whole windows
    mean: Image.Image  # per window
    mean_of_squares: Image.Image


def prepare(reference: Image.Image) -> Reference:
    scale = SCALE if min(reference.size) >= 2 * WINDOW * SCALE else 1
    window = max(1, min(WINDOW, *reference.size))
    x = _windowed_floats(reference, scale, window)
    return Reference(reference.size, scale, window, x, x.reduce(window),
                     _product(x, x).reduce(window))


def score(reference: Image.Image | Reference, candidate: Image.Image) -> float:
    """1 for identical luma, lower as local structure is lost; both images the same size.
    Images narrower or shorter than a window are compared over one smaller window."""
    if not isinstance(reference, Reference):
        reference = prepare(reference)
    if reference.size != candidate.size:
        raise ValueError(f"sizes differ: {reference.size} and {candidate.size}")
    y = _windowed_floats(candidate, reference.scale, reference.window)
    my, myy, mxy = (plane.reduce(reference.window)
                    for plane in (y, _product(y, y), _product(reference.x, y)))
    dissimilarity = ImageMath.lambda_eval(
        lambda v: v["max"](1 - ((2 * v["mx"] * v["my"] + _C1)
                                * (2 * (v["mxy"] - v["mx"] * v["my"]) + _C2))
                           / ((v["mx"] * v["mx"] + v["my"] * v["my"] + _C1)
                              * (v["mxx"] - v["mx"] * v["mx"] + v["myy"] - v["my"] * v["my"]
                                 + _C2)), 0.0),
        mx=reference.mean, my=my, mxx=reference.mean_of_squares, myy=myy, mxy=mxy)
    powered = ImageMath.lambda_eval(lambda v: v["d"] ** POOLING_NORM, d=dissimilarity)
    mean = powered.reduce(powered.size).getpixel((0, 0))  # in C: a Python sum took 1.3 ms
    return 1.0 - mean ** (1 / POOLING_NORM)


def _windowed_floats(image: Image.Image, scale: int, window: int) -> Image.Image:
    """Luma as floats, each scale x scale block averaged (no rounding), cropped to whole
    windows from the top left."""
    floats = luma(image).convert("F")
    if scale > 1:
        floats = floats.reduce(scale)
    width = floats.width // window * window
    height = floats.height // window * window
    return floats.crop((0, 0, width, height))


def _product(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageMath.lambda_eval(lambda v: v["a"] * v["b"], a=a, b=b)
