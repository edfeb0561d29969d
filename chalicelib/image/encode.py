"""Encode a finished output image: one format per branch, settings chosen by measurement.

Nothing from the source's metadata travels except the colour profile: no EXIF (GPS is private,
and a leftover orientation tag would turn the upright pixels again), no comments. Alpha is kept
by every format that has it and flattened onto the background only for JPEG. Nothing travels
under fully transparent pixels either: their colour is zeroed, so a picture hidden at alpha 0
(past a moderation check that looks at the visible image) is gone once alpha is dropped.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image

from chalicelib.image import decode, similarity

CONTENT_TYPES = {
    "JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "AVIF": "image/avif"}
DEFAULT_QUALITY = {"JPEG": 85, "WEBP": 80, "AVIF": 60}

# PNG, as render.py does it: the fast zlib level first; content that compresses well (graphics,
# logos, screenshots) is worth the stronger level, photo-like content is not.
PNG_FAST_LEVEL, PNG_STRONG_LEVEL = 1, 6
PNG_COMPRESSIBLE_RATIO = 4
# WebP `method` (0 fast .. 6 small) and AVIF `speed` (0 slow .. 10 fast), measured at 1280x720
# (samples.photo_like, a softened copy of it, transparent_logo; ms on a shared 2-core box):
#   WebP q80 method 0: 12-26 ms, logo twice the bytes; method 4: 58-119 ms; method 6: 0.3-2 s
#   for under 1.5% fewer bytes. AVIF q60 speed 6 (Pillow's default): 120-390 ms; speed 8:
#   34-119 ms, 2-3% smaller than speed 6 on photos; speed 9 (10 is the same here): 18-52 ms,
#   the logo a third larger. Speed 8 costs about what WebP method 4 does.
WEBP_METHOD = 4
AVIF_SPEED = 8
# A quality search tries WebP at method 0 (a quarter of method 4's time; the score at a quality
# differs from method 4's by 0.005 or less on most pictures), then encodes the choice at method
# 4 and checks it, stepping up while it misses: on the 19 test pictures the time the search adds
# fell from 1.8x to 1.35x one encode, for 2% more bytes. AVIF's faster speeds saved too little.
PROBE_WEBP_METHOD = 0
PROBE_CHECKS, PROBE_STEP_UP = 4, 2

# quality = "auto" (QualityTarget): the lowest quality whose output scores at least the target
# (similarity.score against the pixels as they go into the encoder), found in a few encodes.
# All measured on 19 pictures at 1280x720 (docs/performance.md, "Quality chosen per image").
# The default target, per format, is the lowest at which every output of that format scores at
# least 65 by SSIMULACRA2 ("high quality" begins at 70 on its scale; the fixed defaults' worst
# outputs score 57-73). The same score means less to the eye in JPEG than in WebP or AVIF:
# JPEG needs the higher target for the same floor.
DEFAULT_TARGET = {"JPEG": 0.983, "WEBP": 0.975, "AVIF": 0.975}
# The range searched unless the output says otherwise: below these the eye finds banding and
# ringing that a luma score misses (smooth skin and sky score well at any quality).
QUALITY_RANGE = {"JPEG": (50, 95), "WEBP": (50, 95), "AVIF": (35, 90)}
# Where the search starts, how far a step goes and when it stops, tuned by replaying the search
# on the 57 test outputs: 2.2 encodes on average, 0.95x the fixed qualities' bytes, where an
# exhaustive search on the measured curves finds 0.89x.
START_QUALITY = {"JPEG": 74, "WEBP": 74, "AVIF": 62}
MAX_ENCODES = 4
# A passing score is close enough, and the search stops, when its dissimilarity (1 - score) is
# at least this share of the target's: not much quality left to save.
CLOSE_ENOUGH = 0.6
# How fast the dissimilarity (1 - score) falls with quality, as a factor a quality point, until
# two encodes tell the image's own (measured: it halves every 7-35 points).
DEFAULT_FALL_PER_POINT = 0.93
# The furthest one step goes before a try on each side of the target bounds the answer.
MAX_STEP = 12
# Aim a little inside the target, so that the encode aimed at is not just below it.
AIM = 0.9


@dataclass(frozen=True)
class QualityTarget:
    """quality = "auto" or {target, min, max}: the lowest quality in [min, max] whose output
    scores at least `target` (similarity.score, 0 to 1); `max` when none does."""

    target: float | None = None  # None: DEFAULT_TARGET's for the format
    min: int | None = None  # None: QUALITY_RANGE's for the format
    max: int | None = None

    def target_for(self, pillow_format: str) -> float:
        return DEFAULT_TARGET[pillow_format] if self.target is None else self.target

    def range_for(self, pillow_format: str) -> tuple[int, int]:
        low, high = QUALITY_RANGE[pillow_format]
        return (low if self.min is None else self.min, high if self.max is None else self.max)


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int | None  # None for PNG (lossless)
    score: float | None = None  # similarity.score reached, when a target chose the quality
    encodes: int = 1


def encode(
    image: Image.Image,
    pillow_format: str,
    quality: int | None,
    background: tuple[int, int, int],
    icc_profile: bytes | None,
) -> bytes:
    """The image as `pillow_format` bytes (a key of CONTENT_TYPES); `quality` None means the
    format's default. `background` is used only where alpha must be flattened (JPEG).
    The profile is dropped if it describes another colour space than the pixels (an effect
    such as colorize can turn grey pixels into RGB)."""
    return encode_output(image, pillow_format, quality, background, icc_profile).data


def encode_output(
    image: Image.Image,
    pillow_format: str,
    quality: int | QualityTarget | None,
    background: tuple[int, int, int],
    icc_profile: bytes | None,
) -> Encoded:
    """As `encode`, with the quality used (and the score reached, for a QualityTarget)."""
    if pillow_format not in CONTENT_TYPES:
        raise ValueError(f"unsupported output format {pillow_format!r}")
    image, extra = _prepare(image, pillow_format, background, icc_profile)
    if pillow_format == "PNG":
        return Encoded(_png(image, extra), None)
    if isinstance(quality, QualityTarget):
        return _search(image, pillow_format, quality, extra)
    quality = DEFAULT_QUALITY[pillow_format] if quality is None else quality
    return Encoded(_lossy(image, pillow_format, quality, extra), quality)


def _prepare(image: Image.Image, pillow_format: str, background: tuple[int, int, int],
             icc_profile: bytes | None) -> tuple[Image.Image, dict]:
    """The pixels exactly as the encoder gets them, and the profile option."""
    if pillow_format == "JPEG" and image.mode in ("RGBA", "LA"):
        image = flatten(image, background)
    if pillow_format == "WEBP" and image.mode in ("L", "LA"):  # WebP stores colour only: say so
        image = image.convert("RGB" if image.mode == "L" else "RGBA")  # before the profile check
    if image.mode in ("RGBA", "LA"):
        image = clear_under_transparency(image)
    if image.info:  # plugins fall back to image.info for EXIF and profiles: start clean
        image = image.copy()
        image.info = {}
    if icc_profile and not decode.profile_describes(icc_profile, image.mode):
        icc_profile = None
    return image, ({"icc_profile": icc_profile} if icc_profile else {})


def _lossy(image: Image.Image, pillow_format: str, quality: int, extra: dict,
           probe: bool = False) -> bytes:
    """`probe`: the search's tries, where a format has a faster setting (PROBE_WEBP_METHOD)."""
    if pillow_format == "JPEG":
        # optimize=True saved 1-2% of bytes for 2.5x the encode time: not worth it here.
        return _save(image, "JPEG", quality=quality, **extra)
    if pillow_format == "WEBP":
        method = PROBE_WEBP_METHOD if probe else WEBP_METHOD
        return _save(image, "WEBP", quality=quality, method=method, **extra)
    return _save(image, "AVIF", quality=quality, speed=AVIF_SPEED, **extra)


def _search(image: Image.Image, pillow_format: str, wanted: QualityTarget,
            extra: dict) -> Encoded:
    """At most MAX_ENCODES tries: the usual start, then steps along the image's own
    quality-to-dissimilarity curve (log-linear, from two tries) toward the target; the last try
    goes to `max` while none meets it. WebP's tries are probes (method 0); the quality they
    choose is then encoded as the output is and checked, a step up while it misses, and `max`
    for the last of PROBE_CHECKS: an output meets its target unless `max` cannot."""
    reference = similarity.prepare(image)
    target = wanted.target_for(pillow_format)
    low, high = wanted.range_for(pillow_format)
    probing = pillow_format == "WEBP"
    tried: dict[int, tuple[bytes, float]] = {}
    quality = min(max(START_QUALITY[pillow_format], low), high)
    while True:
        data = _lossy(image, pillow_format, quality, extra, probe=probing)
        tried[quality] = data, similarity.score(reference, _decoded_luma(data))
        passing = [q for q, (_, s) in tried.items() if s >= target]
        if passing and _deficit(tried[min(passing)][1]) >= CLOSE_ENOUGH * _deficit(target):
            break
        quality = _next_quality(tried, target, low, high)
        if quality is None or len(tried) == MAX_ENCODES:
            break
        if len(tried) == MAX_ENCODES - 1 and not passing and high not in tried:
            quality = high  # the last try: the best this output may be
    passing = [q for q, (_, s) in tried.items() if s >= target]
    chosen = min(passing) if passing else max(tried)
    data, reached = tried[chosen]
    encodes = len(tried)
    if probing:
        for check in range(PROBE_CHECKS):
            data = _lossy(image, pillow_format, chosen, extra)
            reached = similarity.score(reference, _decoded_luma(data))
            encodes += 1
            if reached >= target or chosen >= high:
                break
            last = check == PROBE_CHECKS - 2
            chosen = high if last else min(high, chosen + PROBE_STEP_UP)
    return Encoded(data, chosen, reached, encodes)


def _next_quality(tried: dict[int, tuple[bytes, float]], target: float, low: int,
                  high: int) -> int | None:
    """The quality to try next in [low, high], or None when no untried one can do better.
    Between a failing and a passing quality: the secant of the log-dissimilarity through the
    two. Otherwise a step from the try nearest the target along the slope of the two tries
    nearest it (or the format's usual slope), at most MAX_STEP: where the curve is locally flat
    (WebP's is, in places) the slope would send the next try far past the target."""
    passing = sorted(q for q, (_, s) in tried.items() if s >= target)
    failing = sorted(q for q, (_, s) in tried.items() if s < target)
    low = failing[-1] if failing else low - 1  # highest known to fail
    high = passing[0] if passing else high + 1  # lowest known to pass
    if high - low <= 1:
        return None
    aim = _deficit(target) * AIM
    if passing and failing:
        q1, q2 = low, high
    else:
        points = sorted(tried, key=lambda q: abs(tried[q][1] - target))[:2]
        q1, q2 = points[0], (points[1] if len(points) > 1 else None)
    fall = DEFAULT_FALL_PER_POINT
    if q2 is not None:
        ratio = _deficit(tried[q2][1]) / _deficit(tried[q1][1])
        if ratio > 0:
            fall = min(0.99, max(0.8, ratio ** (1 / (q2 - q1))))
    guess = q1 + math.log(aim / _deficit(tried[q1][1])) / math.log(fall)
    if not (passing and failing):
        guess = min(q1 + MAX_STEP, max(q1 - MAX_STEP, guess))
    return min(high - 1, max(low + 1, round(guess)))


def _deficit(score: float) -> float:
    return max(1e-6, 1.0 - score)


def _decoded_luma(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as picture:
        picture.draft("L", picture.size)  # JPEG: the Y plane only, no colour conversion
        picture.load()
        return similarity.luma(picture)


def flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite transparent pixels onto the background colour (for formats without alpha).
    A grey image on a grey background stays grey (a third of the bytes to encode)."""
    if image.mode == "LA" and background[0] == background[1] == background[2]:
        base = Image.new("L", image.size, background[0])
        base.paste(image.convert("L"), mask=image.getchannel("A"))
        return base
    base = Image.new("RGB", image.size, background)
    rgba = image.convert("RGBA")
    base.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
    return base


def clear_under_transparency(image: Image.Image) -> Image.Image:
    """The image with colour 0 wherever alpha is 0 (a copy; the same image if none is)."""
    alpha = image.getchannel("A")
    if alpha.getextrema()[0] > 0:
        return image
    # 2.8 ms at 1280x720 (paste with a mask: 5.4 ms), against 50-130 ms to encode it.
    return Image.composite(Image.new(image.mode, image.size), image, alpha.point(_HIDDEN))


_HIDDEN = [255] + [0] * 255  # alpha 0 -> mask 255 (zeroed), anything visible -> 0 (kept)


def _png(image: Image.Image, extra: dict) -> bytes:
    fast = _save(image, "PNG", compress_level=PNG_FAST_LEVEL, **extra)
    raw_size = image.width * image.height * len(image.getbands())
    if len(fast) * PNG_COMPRESSIBLE_RATIO > raw_size:
        return fast
    return min(fast, _save(image, "PNG", compress_level=PNG_STRONG_LEVEL, **extra), key=len)


def _save(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()
