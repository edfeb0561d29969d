"""The images a run measures: a generated set (cached under build/) or a folder of photos."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from devtools import samples
from devtools.stage import PROJECT_DIR

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
IMAGE_CACHE = PROJECT_DIR / "build" / "bench-images"  # generated once, reused by later runs

# name -> (size, seed). 2, 12 and 24 megapixels: a small upload, a phone, a full-frame camera.
PHOTO_SIZES = {"2mp": ((1728, 1152), 2), "12mp": ((4000, 3000), 12), "24mp": ((6000, 4000), 24)}
# --quick: still larger than the box, so the downscale path runs, yet generated in a blink.
QUICK_SIZE = ((1440, 960), 7)


@dataclass(frozen=True)
class SourceImage:
    path: Path
    data: bytes = field(repr=False)
    format: str  # thumbnail format, chosen by extension as the handler does: "JPEG" or "PNG"
    size: tuple[int, int]  # as stored
    mode: str
    has_alpha: bool

    @classmethod
    def load(cls, path: Path) -> SourceImage:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            size, mode = image.size, image.mode
        output_format = "PNG" if path.suffix.lower() == ".png" else "JPEG"
        return cls(path, data, output_format, size, mode, has_alpha)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def megapixels(self) -> float:
        return self.size[0] * self.size[1] / 1e6

    @property
    def group(self) -> str:
        """'12 MP JPEG', '12 MP RGBA PNG': what the tables and the chart aggregate over."""
        kind = f"{self.mode} {self.format}" if self.has_alpha else self.format
        digits = 0 if self.megapixels >= 1 else 1
        return f"{self.megapixels:.{digits}f} MP {kind}"


def generated_images(folder: Path, quick: bool) -> list[SourceImage]:
    """The default set: photo-like JPEG (q90) and RGB PNG at each size, plus one RGBA PNG.

    Written once to `folder` and reused by later runs, so every run compares the same bytes.
    """
    sizes = {"quick": QUICK_SIZE} if quick else PHOTO_SIZES
    wanted = {f"photo-{label}{suffix}": (size, seed, False)
              for label, (size, seed) in sizes.items() for suffix in (".jpg", ".png")}
    alpha_label = "quick" if quick else "12mp"
    wanted[f"photo-{alpha_label}-rgba.png"] = (*sizes[alpha_label], True)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (size, seed, alpha) in wanted.items():
        path = folder / name
        if not path.exists():
            print(f"  generating {path}", file=sys.stderr)
            image = samples.photo_like(size, seed)
            image = with_soft_ellipse_alpha(image) if alpha else image
            encode = samples.png_bytes if path.suffix == ".png" else samples.jpeg_bytes  # q90
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(encode(image))
            partial.replace(path)  # never leave a half-written image in the cache
    images = [SourceImage.load(folder / name) for name in wanted]
    return sorted(images, key=lambda image: (image.has_alpha, image.format, image.megapixels))


def with_soft_ellipse_alpha(image: Image.Image) -> Image.Image:
    """RGBA: opaque in a centred ellipse, fading to fully transparent at the corners."""
    small = (max(1, image.width // 16), max(1, image.height // 16))  # blur small, scale up: fast
    mask = Image.new("L", small, 0)
    ImageDraw.Draw(mask).ellipse(
        (small[0] // 10, small[1] // 10, small[0] * 9 // 10, small[1] * 9 // 10), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1, min(small) // 12)))
    rgba = image.convert("RGBA")
    rgba.putalpha(mask.resize(image.size, Image.Resampling.BILINEAR))
    return rgba


def folder_images(folder: Path) -> list[SourceImage]:
    """Every .jpg/.jpeg/.png in `folder` (real photos), smallest first."""
    paths = [path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES]
    if not paths:
        raise SystemExit(f"error: no .jpg, .jpeg or .png files in {folder}")
    images = [SourceImage.load(path) for path in paths]
    return sorted(images, key=lambda image: (image.has_alpha, image.format, image.megapixels,
                                             image.name))

