"""What a page shows while an image loads (MANIFEST=true): a ThumbHash and the dominant colour.

Both come from a small picture rendered in the same pass as the outputs (one decode of the
upload). ThumbHash (https://evanw.github.io/thumbhash/) over BlurHash: it keeps transparency and
the aspect ratio in about 25 bytes, and pages decode it with the author's small JavaScript
library. The encoder below follows ThumbHash's published algorithm (a DCT of the picture's
luminance, two colour channels and alpha, quantised to 4 bits), summing in the reference's
order: checked against the reference JavaScript encoder (thumbhash 0.1.1 from npm) on 11
pictures, the bytes were identical but for one 4-bit coefficient of one, one step apart where
the two maths libraries' cosines round differently; the tests hold four of its vectors. The
Python package on PyPI (thumbhash 0.1.2) was not used: its encoder fails on any picture with
transparency and its decoder prints and returns a flat colour. The picture is at most 32x32:
on two camera photos the hash was the same from 32x32 as from 100x100 (ThumbHash's limit), for
about 3 ms instead of 30.
"""

from __future__ import annotations

import base64
import io
import math
from collections import Counter

from PIL import Image

from chalicelib.image.render import OutputRequest

NAME = "placeholder"  # the render request's name: never stored as an output
BOX = (32, 32)  # ThumbHash takes at most 100x100
# The dominant colour: the commonest of this many colours, among pixels at least half opaque.
PALETTE_COLOURS = 8


def request() -> OutputRequest:
    """The small picture to render beside the outputs: PNG, so transparency survives."""
    return OutputRequest(name=NAME, box=BOX, fit="contain", pillow_format="PNG")


def describe(picture: bytes) -> tuple[str, str]:
    """(ThumbHash in base64, dominant colour "#rrggbb", "" when nothing is opaque)."""
    with Image.open(io.BytesIO(picture)) as image:
        rgba = image.convert("RGBA")
    hashed = thumbhash(rgba.width, rgba.height, rgba.tobytes())
    return base64.b64encode(hashed).decode("ascii"), dominant_colour(rgba)


def _round(value: float) -> int:
    """JavaScript's Math.round (halves up), which the reference encoder uses."""
    return math.floor(value + 0.5)


def thumbhash(width: int, height: int, rgba: bytes) -> bytes:
    """ThumbHash of `width` x `height` RGBA pixels (at most 100x100)."""
    if width > 100 or height > 100:
        raise ValueError(f"{width}x{height} is over ThumbHash's 100x100")
    count = width * height
    alphas = [rgba[i + 3] / 255 for i in range(0, 4 * count, 4)]
    total_alpha = sum(alphas)
    average = [sum(alpha / 255 * rgba[4 * i + c] for i, alpha in enumerate(alphas))
               for c in range(3)]
    if total_alpha:
        average = [value / total_alpha for value in average]
    has_alpha = total_alpha < count
    # Each pixel composited over the average colour, then as luminance and two colour axes.
    lum, p_axis, q_axis = [], [], []
    for i, alpha in enumerate(alphas):
        red, green, blue = (average[c] * (1 - alpha) + alpha / 255 * rgba[4 * i + c]
                            for c in range(3))
        lum.append((red + green + blue) / 3)
        p_axis.append((red + green) / 2 - blue)
        q_axis.append(red - green)
    limit = 5 if has_alpha else 7
    longest = max(width, height)
    lum_x = max(1, _round(limit * width / longest))
    lum_y = max(1, _round(limit * height / longest))

    def encode(channel: list[float], nx: int, ny: int) -> tuple[float, list[float], float]:
        """DC, the AC coefficients scaled to 0..1, and their scale."""
        dc, ac, scale = 0.0, [], 0.0
        for cy in range(ny):
            cx = 0
            while cx * ny < nx * (ny - cy):
                # Summed in the reference's order, so the quantised bytes agree with it exactly.
                fx = [math.cos(math.pi / width * cx * (x + 0.5)) for x in range(width)]
                value = 0.0
                for y in range(height):
                    fy = math.cos(math.pi / height * cy * (y + 0.5))
                    row = y * width
                    for x in range(width):
                        value += channel[row + x] * fx[x] * fy
                value /= count
                if cx or cy:
                    ac.append(value)
                    scale = max(scale, abs(value))
                else:
                    dc = value
                cx += 1
        if scale:
            ac = [0.5 + 0.5 / scale * value for value in ac]
        return dc, ac, scale

    l_dc, l_ac, l_scale = encode(lum, max(3, lum_x), max(3, lum_y))
    p_dc, p_ac, p_scale = encode(p_axis, 3, 3)
    q_dc, q_ac, q_scale = encode(q_axis, 3, 3)
    landscape = width > height
    header24 = (_round(63 * l_dc) | _round(31.5 + 31.5 * p_dc) << 6
                | _round(31.5 + 31.5 * q_dc) << 12 | _round(31 * l_scale) << 18
                | int(has_alpha) << 23)
    header16 = ((lum_y if landscape else lum_x) | _round(63 * p_scale) << 3
                | _round(63 * q_scale) << 9 | int(landscape) << 15)
    hashed = [header24 & 255, header24 >> 8 & 255, header24 >> 16, header16 & 255, header16 >> 8]
    channels = [l_ac, p_ac, q_ac]
    if has_alpha:
        a_dc, a_ac, a_scale = encode(alphas, 5, 5)
        hashed.append(_round(15 * a_dc) | _round(15 * a_scale) << 4)
        channels.append(a_ac)
    quarters = [_round(15 * value) for channel in channels for value in channel]
    for index in range(0, len(quarters), 2):
        high = quarters[index + 1] if index + 1 < len(quarters) else 0
        hashed.append(quarters[index] | high << 4)
    return bytes(hashed)


def dominant_colour(rgba: Image.Image) -> str:
    pixels = rgba.tobytes()
    opaque = b"".join(pixels[i:i + 3] for i in range(0, len(pixels), 4) if pixels[i + 3] >= 128)
    if not opaque:
        return ""
    strip = Image.frombytes("RGB", (len(opaque) // 3, 1), opaque)
    quantised = strip.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    [(index, _count)] = Counter(quantised.tobytes()).most_common(1)
    red, green, blue = quantised.getpalette()[index * 3:index * 3 + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"
