"""Geometry for a declared output: how an upright source becomes exactly the box it asks for.

contain and pad: the caller resamples the source to `needed_size(...)` (shrink-on-load,
reduce, Lanczos: render.py's job); contain needs nothing more, `pad` centres that on the box.
`cover` takes the source as it is held and has a choice to make (what to cut off):
`crop_window` makes it from the picture's detail, on a small grey copy.

- contain: the whole picture, inside the box, never upscaled (the output may be smaller).
- pad:     contain, then centred on a canvas of exactly the box (background or transparency).
- cover:   exactly the box, filled; whatever overflows one axis is cropped. Small sources ARE
           upscaled here: a cover output promises its size (a video poster must be 1280x720),
           and a soft but full frame beats a letterbox nobody asked for.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageFilter

from chalicelib.image import decode

FITS = ("contain", "cover", "pad")

# crop_window looks at a grey copy this long on its long side: enough to find a subject,
# small enough to stay in single-digit milliseconds whatever the resolution.
ANALYSIS_SIDE = 256
# How much detail a crop off centre must gain to be chosen: at the window's far end the score
# loses this fraction of the image's total detail. Flat or evenly detailed pictures stay centred.
CENTRE_BIAS = 0.05
PRESAMPLE = 4
# cover makes the covering size and crops it only if that is no larger than the image it is
# given or than this (1 megapixel, 4 MB in RGBA). Past that (a 2x3000 sliver covering 640x360
# is 640x960000, 2.5 GB) only the part shown is resampled, chosen on a small copy.
MAX_COVERING_COPY = (ANALYSIS_SIDE * PRESAMPLE) ** 2


def needed_size(source: tuple[int, int], box: tuple[int, int], fit: str) -> tuple[int, int]:
    """The size to resample the upright source to before `contain`, `cover` or `pad`.

    contain/pad: the largest size with the source's aspect ratio inside `box`, never larger
    than the source (rounding half up, at least 1 px).
    cover: the smallest size with the source's aspect ratio that covers `box` on both axes,
    upscaling a source smaller than the box (see the module docstring).
    """
    width, height = source
    if fit in ("contain", "pad"):
        scale = min(box[0] / width, box[1] / height, 1.0)
        if scale == 1.0:
            return source
        return (
            max(1, min(box[0], _round_half_up(width * scale))),
            max(1, min(box[1], _round_half_up(height * scale))),
        )
    if fit == "cover":
        scale = max(box[0] / width, box[1] / height)
        # The axis that sets the scale lands exactly on the box; the other may overflow.
        return (
            max(box[0], _round_half_up(width * scale)),
            max(box[1], _round_half_up(height * scale)),
        )
    raise ValueError(f"unknown fit {fit!r}; expected one of {', '.join(FITS)}")


def cover(image: Image.Image, box: tuple[int, int], scaled: tuple[int, int]) -> Image.Image:
    """Exactly `box` out of the image resized to `scaled`, its needed_size(..., "cover").

    The part kept is chosen by content (crop_window), so a subject near an edge survives.
    """
    if makes_covering_size(image.size, scaled):
        resized = image if image.size == tuple(scaled) else decode.resize(image, scaled)
        return resized if resized.size == tuple(box) else resized.crop(crop_window(resized, box))
    left, top, right, bottom = crop_window(image, box, scaled)
    across, down = image.width / scaled[0], image.height / scaled[1]
    return decode.resize(image, box, (left * across, top * down, right * across, bottom * down))


def makes_covering_size(held: tuple[int, int], scaled: tuple[int, int]) -> bool:
    """Whether cover resizes all of an image of size `held` to `scaled` (then crops), which
    the memory budget counts, rather than only the part shown."""
    return scaled[0] * scaled[1] <= max(held[0] * held[1], MAX_COVERING_COPY)


def pad(
    image: Image.Image, box: tuple[int, int], background: tuple[int, int, int]
) -> Image.Image:
    """The image centred on a canvas of exactly `box` (margins equal to within 1 px).

    Images with alpha pad with transparent pixels (carrying the background's colour, so a later
    flatten or resample cannot bleed black into the edge); others pad with `background`. A grey
    image on a coloured background becomes RGB: the colour asked for is kept.
    """
    _require(image.width <= box[0] and image.height <= box[1], image, box, "fit inside")
    mode = image.mode
    grey_background = background[0] == background[1] == background[2]
    if mode == "RGBA":
        fill: int | tuple[int, ...] = (*background, 0)
    elif mode == "LA":
        fill = (_luma(background), 0)
    elif mode == "L" and not grey_background:
        mode, image, fill = "RGB", image.convert("RGB"), tuple(background)
    elif mode == "L":
        fill = background[0]
    else:
        fill = tuple(background)
    canvas = Image.new(mode, tuple(box), fill)
    canvas.paste(image, ((box[0] - image.width) // 2, (box[1] - image.height) // 2))
    return canvas


def crop_window(image: Image.Image, box: tuple[int, int],
                scaled: tuple[int, int] | None = None) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) of the box-sized window holding the most detail, in the
    pixels of the image resized to `scaled` (default: as it is; that copy is never made).

    Detail is edge energy (FIND_EDGES) on a grey copy at most ANALYSIS_SIDE px long, summed per
    column and per row; each axis with slack slides its window independently, and a mild pull
    toward the centre (CENTRE_BIAS) keeps flat pictures centred. Transparent pixels count as
    black, so a logo's outline is detail and its empty surroundings are not.
    """
    width, height = scaled or image.size
    box_width, box_height = box
    slack_x, slack_y = width - box_width, height - box_height
    if slack_x <= 0 and slack_y <= 0:
        return (0, 0, box_width, box_height)
    edges = _edge_map(image, (width, height))
    left = top = 0
    if slack_x > 0:
        columns = _profile(edges, (edges.width, 1))
        left = _best_offset(columns, box_width / width, slack_x)
    if slack_y > 0:
        rows = _profile(edges, (1, edges.height))
        top = _best_offset(rows, box_height / height, slack_y)
    return (left, top, left + box_width, top + box_height)


def _edge_map(image: Image.Image, scaled: tuple[int, int]) -> Image.Image:
    """Edge magnitude of a small grey copy of the image as if resized to `scaled` (at most
    ANALYSIS_SIDE px long), its one-pixel border zeroed (the filter's border pixels are not
    edges). Grey is weighted by alpha: reduce() already premultiplies, but an image analysed
    at full size (<= ANALYSIS_SIDE) would show its hidden colours."""
    factor = max(1, -(-max(scaled) // ANALYSIS_SIDE))  # ceil
    presampled = (-(-scaled[0] // factor) * PRESAMPLE, -(-scaled[1] // factor) * PRESAMPLE)
    if image.size != tuple(scaled):  # resampled straight to the sampling grid
        small = decode.resize(image, presampled).reduce(PRESAMPLE)
    elif factor > PRESAMPLE:
        # Every PRESAMPLE-th pixel first: reduce() on RGBA premultiplies the full-size image
        # (50 ms at 12 MP); this sampling costs 2 ms and still averages 16 pixels per cell.
        small = image.resize(presampled, Image.Resampling.NEAREST).reduce(PRESAMPLE)
    else:
        small = image.reduce(factor) if factor > 1 else image
    grey = small.convert("L")
    if "A" in small.getbands():
        grey = ImageChops.multiply(grey, small.getchannel("A"))
    edges = grey.filter(ImageFilter.FIND_EDGES)
    if edges.width > 2 and edges.height > 2:
        inner = edges.crop((1, 1, edges.width - 1, edges.height - 1))
        edges = Image.new("L", edges.size, 0)
        edges.paste(inner, (1, 1))
    return edges


def _profile(edges: Image.Image, size: tuple[int, int]) -> list[float]:
    """Mean edge energy per column (size=(w, 1)) or per row (size=(1, h)), in float precision."""
    return list(edges.convert("F").resize(size, Image.Resampling.BOX).get_flattened_data())


def _best_offset(profile: list[float], window_fraction: float, slack: int) -> int:
    """The full-resolution offset whose window holds the most energy, less the centre bias."""
    length = len(profile)
    window = max(1, min(length, _round_half_up(window_fraction * length)))
    positions = length - window
    if positions <= 0:
        return slack // 2
    prefix = [0.0]
    for value in profile:
        prefix.append(prefix[-1] + value)
    total = prefix[-1] or 1.0
    centre = positions / 2
    best, best_score = 0, float("-inf")
    for start in range(positions + 1):
        energy = (prefix[start + window] - prefix[start]) / total
        score = energy - CENTRE_BIAS * abs(start - centre) / centre
        if score > best_score:
            best, best_score = start, score
    return min(slack, max(0, _round_half_up(best * slack / positions)))


def _require(condition: bool, image: Image.Image, box: tuple[int, int], verb: str) -> None:
    if not condition:
        raise ValueError(
            f"a {image.width}x{image.height} image does not {verb} {box[0]}x{box[1]}: "
            "resize it to needed_size() first"
        )


def _luma(colour: tuple[int, int, int]) -> int:
    red, green, blue = colour
    return _round_half_up((red * 299 + green * 587 + blue * 114) / 1000)


def _round_half_up(value: float) -> int:
    return int(value + 0.5)
