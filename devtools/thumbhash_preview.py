"""A ThumbHash back to the small blurred picture a page would show (demo and tests only).

Pages decode a manifest's placeholder with the ThumbHash author's JavaScript library; the demo's
contact sheet shows it without a script, as a PNG made here by ThumbHash's published decoding
(the inverse of chalicelib/image/placeholder.py). Checked against the reference JavaScript
decoder (thumbhash 0.1.1 from npm) when written.
"""

from __future__ import annotations

import base64
import io
import math

from PIL import Image


def _channel(hashed: bytes, start: int, index: int, nx: int, ny: int,
             scale: float) -> tuple[list[float], int]:
    """The AC coefficients of one channel, from nibble `index` on."""
    coefficients = []
    for cy in range(ny):
        cx = 0 if cy else 1
        while cx * ny < nx * (ny - cy):
            nibble = hashed[start + (index >> 1)] >> ((index & 1) << 2) & 15
            coefficients.append((nibble / 7.5 - 1) * scale)
            index += 1
            cx += 1
    return coefficients, index


def decode(hashed: bytes) -> Image.Image:
    """The RGBA picture (at most 32 pixels on its longer side) a ThumbHash stands for."""
    header24 = hashed[0] | hashed[1] << 8 | hashed[2] << 16
    header16 = hashed[3] | hashed[4] << 8
    l_dc, l_scale = (header24 & 63) / 63, (header24 >> 18 & 31) / 31
    p_dc, q_dc = (header24 >> 6 & 63) / 31.5 - 1, (header24 >> 12 & 63) / 31.5 - 1
    has_alpha, landscape = header24 >> 23, header16 >> 15
    p_scale, q_scale = (header16 >> 3 & 63) / 63, (header16 >> 9 & 63) / 63
    longest = 5 if has_alpha else 7
    lx = max(3, longest if landscape else header16 & 7)
    ly = max(3, header16 & 7 if landscape else longest)
    a_dc = (hashed[5] & 15) / 15 if has_alpha else 1.0
    a_scale = (hashed[5] >> 4) / 15
    start = 6 if has_alpha else 5
    l_ac, index = _channel(hashed, start, 0, lx, ly, l_scale)
    p_ac, index = _channel(hashed, start, index, 3, 3, p_scale * 1.25)
    q_ac, index = _channel(hashed, start, index, 3, 3, q_scale * 1.25)
    a_ac = _channel(hashed, start, index, 5, 5, a_scale)[0] if has_alpha else []
    ratio = ((longest if landscape else header16 & 7)
             / (header16 & 7 if landscape else longest))
    width = 32 if ratio > 1 else round(32 * ratio)
    height = round(32 / ratio) if ratio > 1 else 32
    pixels = bytearray()
    terms = max(lx, ly, 5 if has_alpha else 3)
    for y in range(height):
        fy = [math.cos(math.pi / height * (y + 0.5) * c) for c in range(terms)]
        for x in range(width):
            fx = [math.cos(math.pi / width * (x + 0.5) * c) for c in range(terms)]
            lum, p, q, alpha = l_dc, p_dc, q_dc, a_dc
            for values, nx, ny, total in ((l_ac, lx, ly, "l"), (p_ac, 3, 3, "p"),
                                          (q_ac, 3, 3, "q"), (a_ac, 5, 5, "a")):
                if not values:
                    continue
                added, j = 0.0, 0
                for cy in range(ny):
                    cx = 0 if cy else 1
                    while (cx * ny < nx * (ny - cy)) if total == "l" else (cx < nx - cy):
                        added += values[j] * fx[cx] * fy[cy] * 2
                        j += 1
                        cx += 1
                if total == "l":
                    lum += added
                elif total == "p":
                    p += added
                elif total == "q":
                    q += added
                else:
                    alpha += added
            blue = lum - 2 / 3 * p
            red = (3 * lum - blue + q) / 2
            green = red - q
            pixels += bytes(max(0, min(255, round(255 * min(1, value))))
                            for value in (red, green, blue, alpha))
    return Image.frombytes("RGBA", (width, height), bytes(pixels))


def data_uri(thumbhash_base64: str) -> str:
    """The placeholder as a PNG data URI, for an <img> without a script."""
    buffer = io.BytesIO()
    decode(base64.b64decode(thumbhash_base64)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
