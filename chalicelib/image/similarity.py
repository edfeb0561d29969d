"""How alike an encoded output looks to the pixels it was encoded from: one number, 0 to 1.

SSIM on luma, over 7x7 windows, pooled by the 4-norm of the local dissimilarity (1 - SSIM):
a few blocky or smeared areas weigh far more than in SSIM's plain mean, which is where the eye
finds them. Pillow alone (float images, box reductions, ImageMath): no numpy in the Lambda.
Chosen by measurement (docs/performance.md, "Quality chosen per image"): against SSIMULACRA2
on 240 encodes (16 images, JPEG/WebP/AVIF, quality 35-95) its rank correlation is 0.88, where
SSIM's mean (Gaussian windows, as scikit-image computes it) reaches 0.70; 13 ms at 1280x720.
The windows are 7 pixels wide so that JPEG's 8x8 block edges fall inside them, not between.
"""

from __future__ import annotations

from PIL import Image, ImageMath

WINDOW = 7
POOLING_NORM = 4
_C1, _C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2  # SSIM's stabilisers for 8-bit values


def luma(image: Image.Image) -> Image.Image:
    """The 8-bit luma (Pillow's "L": ITU-R 601 weights) the score is computed on."""
    return image if image.mode == "L" else image.convert("L")


def score(reference: Image.Image, candidate: Image.Image) -> float:
    """1 for identical luma, lower as local structure is lost; both images the same size.
    Images narrower or shorter than a window are compared over one smaller window."""
    if reference.size != candidate.size:
        raise ValueError(f"sizes differ: {reference.size} and {candidate.size}")
    window = max(1, min(WINDOW, *reference.size))
    width = reference.width // window * window
    height = reference.height // window * window
    x = luma(reference).crop((0, 0, width, height)).convert("F")
    y = luma(candidate).crop((0, 0, width, height)).convert("F")
    planes = (x, y, _product(x, x), _product(y, y), _product(x, y))
    mx, my, mxx, myy, mxy = (plane.reduce(window) for plane in planes)
    dissimilarity = ImageMath.lambda_eval(
        lambda v: v["max"](1 - ((2 * v["mx"] * v["my"] + _C1)
                                * (2 * (v["mxy"] - v["mx"] * v["my"]) + _C2))
                           / ((v["mx"] * v["mx"] + v["my"] * v["my"] + _C1)
                              * (v["mxx"] - v["mx"] * v["mx"] + v["myy"] - v["my"] * v["my"]
                                 + _C2)), 0.0),
        mx=mx, my=my, mxx=mxx, myy=myy, mxy=mxy)
    values = dissimilarity.get_flattened_data()
    return 1.0 - (sum(value ** POOLING_NORM for value in values) / len(values)) ** (
        1 / POOLING_NORM)


def _product(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageMath.lambda_eval(lambda v: v["a"] * v["b"], a=a, b=b)
