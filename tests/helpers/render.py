"""One output through render_outputs: what the single-picture behaviour tests check
(orientation, colour profiles, modes, limits) without a second entry point in production."""

from __future__ import annotations

from chalicelib.image.render import Limits, OutputRequest, Rendered, render_outputs


def render_one(data: bytes, pillow_format: str = "JPEG", box: tuple[int, int] = (1280, 720),
               *, fit: str = "contain", background: tuple[int, int, int] = (255, 255, 255),
               limits: Limits = Limits()) -> Rendered:
    """`data` rendered to one picture of `box` by `fit`; the picture is `.images[0]`."""
    request = OutputRequest("thumbnail", box, fit, pillow_format, background=background)
    return render_outputs(data, [request], limits)
