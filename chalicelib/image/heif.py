"""HEIC/HEIF decoding through pi-heif (libheif and libde265; decode only, LGPL wheels in vendor/).

Imported only when an upload is a HEIF (render.py), so a JPEG or PNG invocation never loads
libheif: `import pi_heif` costs about 40 ms and a few MB.

libheif applies the container's rotation and mirroring (`irot`, `imir`) while decoding, and
pi-heif then resets the EXIF orientation to 1 (keeping the original in
info["original_orientation"]), so the pixels are never turned twice. A file with an EXIF
orientation and no irot/imir keeps its stored pixels: render.py applies that orientation.

Embedded thumbnails: pi-heif lists their sizes but cannot decode them, so they are decoded here
through the same libheif that pi-heif loaded (its public C API, by ctypes): the primary image's
thumbnail items, each decoded with its own transformations applied, as upright RGB(A) pixels.
"""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path

from PIL import Image

# libheif enums (libheif/heif.h)
_COLORSPACE_RGB = 1
_CHROMA_INTERLEAVED_RGB, _CHROMA_INTERLEAVED_RGBA = 10, 11
_CHANNEL_INTERLEAVED = 10
# A thumbnail counts as a scaled copy of the image when its aspect ratio agrees within this
# fraction (encoders round each side to whole pixels).
ASPECT_TOLERANCE = 0.02


@cache
def register() -> None:
    """Teach Pillow to open HEIF (format "HEIF") through pi-heif; once per process."""
    import pi_heif  # noqa: PLC0415 (lazy on purpose: only HEIF uploads pay for it)

    pi_heif.register_heif_opener(thumbnails=True, depth_images=False, aux_images=False)


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("subcode", ctypes.c_int), ("message", ctypes.c_char_p)]


@cache
def _libheif() -> ctypes.CDLL:
    """The libheif pi-heif itself loaded (its wheel's pi_heif.libs/, or the system's)."""
    import _pi_heif  # noqa: PLC0415 (loads libheif)
    import pi_heif  # noqa: PLC0415

    bundled = sorted((Path(pi_heif.__file__).resolve().parent.parent / "pi_heif.libs")
                     .glob("libheif-*.so*"))
    lib = ctypes.CDLL(str(bundled[0]) if bundled else "libheif.so.1")
    del _pi_heif
    pointer = ctypes.c_void_p
    signatures = {
        "heif_context_alloc": (pointer, []),
        "heif_context_free": (None, [pointer]),
        "heif_context_read_from_memory_without_copy": (
            _Error, [pointer, ctypes.c_char_p, ctypes.c_size_t, pointer]),
        "heif_context_get_primary_image_handle": (_Error, [pointer, ctypes.POINTER(pointer)]),
        "heif_image_handle_get_number_of_thumbnails": (ctypes.c_int, [pointer]),
        "heif_image_handle_get_list_of_thumbnail_IDs": (
            ctypes.c_int, [pointer, ctypes.POINTER(ctypes.c_uint32), ctypes.c_int]),
        "heif_image_handle_get_thumbnail": (
            _Error, [pointer, ctypes.c_uint32, ctypes.POINTER(pointer)]),
        "heif_image_handle_get_width": (ctypes.c_int, [pointer]),
        "heif_image_handle_get_height": (ctypes.c_int, [pointer]),
        "heif_image_handle_has_alpha_channel": (ctypes.c_int, [pointer]),
        "heif_image_handle_release": (None, [pointer]),
        "heif_decode_image": (
            _Error, [pointer, ctypes.POINTER(pointer), ctypes.c_int, ctypes.c_int, pointer]),
        "heif_image_get_plane_readonly": (
            ctypes.POINTER(ctypes.c_uint8), [pointer, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]),
        "heif_image_get_width": (ctypes.c_int, [pointer, ctypes.c_int]),
        "heif_image_get_height": (ctypes.c_int, [pointer, ctypes.c_int]),
        "heif_image_release": (None, [pointer]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


class HeifError(OSError):
    """libheif refused the file (render.py reports it as corrupt)."""


def _check(error: _Error, what: str) -> None:
    if error.code:
        message = (error.message or b"").decode("utf-8", "replace")
        raise HeifError(f"{what}: {message} ({error.code}.{error.subcode})")


class _Context:
    """The file's primary image handle and its thumbnails' handles, released on exit."""

    def __init__(self, data: bytes):
        self.lib, self.data = _libheif(), data  # data must outlive the context (no copy)
        self.handles: list[ctypes.c_void_p] = []

    def __enter__(self) -> _Context:
        lib = self.lib
        self.context = lib.heif_context_alloc()
        try:
            _check(lib.heif_context_read_from_memory_without_copy(
                self.context, self.data, len(self.data), None), "reading the HEIF")
            self.primary = self._handle(lib.heif_context_get_primary_image_handle, self.context)
        except BaseException:
            self.__exit__()  # a warm function must not keep a context per refused file
            raise
        return self

    def _handle(self, function, *args) -> ctypes.c_void_p:
        handle = ctypes.c_void_p()
        _check(function(*args, ctypes.byref(handle)), function.__name__)
        self.handles.append(handle)
        return handle

    def thumbnails(self) -> list[tuple[ctypes.c_void_p, tuple[int, int]]]:
        lib = self.lib
        count = lib.heif_image_handle_get_number_of_thumbnails(self.primary)
        ids = (ctypes.c_uint32 * max(count, 1))()
        count = lib.heif_image_handle_get_list_of_thumbnail_IDs(self.primary, ids, count)
        found = []
        for item in ids[:count]:
            handle = self._handle(lib.heif_image_handle_get_thumbnail, self.primary, item)
            found.append((handle, (lib.heif_image_handle_get_width(handle),
                                   lib.heif_image_handle_get_height(handle))))
        return found

    def decode(self, handle: ctypes.c_void_p) -> Image.Image:
        lib = self.lib
        alpha = bool(lib.heif_image_handle_has_alpha_channel(handle))
        image = ctypes.c_void_p()
        _check(lib.heif_decode_image(
            handle, ctypes.byref(image), _COLORSPACE_RGB,
            _CHROMA_INTERLEAVED_RGBA if alpha else _CHROMA_INTERLEAVED_RGB, None),
            "decoding the embedded thumbnail")
        try:
            stride = ctypes.c_int()
            plane = lib.heif_image_get_plane_readonly(image, _CHANNEL_INTERLEAVED,
                                                      ctypes.byref(stride))
            width = lib.heif_image_get_width(image, _CHANNEL_INTERLEAVED)
            height = lib.heif_image_get_height(image, _CHANNEL_INTERLEAVED)
            if not plane or width <= 0 or height <= 0:
                raise HeifError("the embedded thumbnail decoded to no pixels")
            mode = "RGBA" if alpha else "RGB"
            raw = ctypes.string_at(plane, stride.value * height)
            return Image.frombuffer(mode, (width, height), raw, "raw", mode, stride.value, 1).copy()
        finally:
            lib.heif_image_release(image)

    def __exit__(self, *exc) -> None:
        for handle in reversed(self.handles):
            self.lib.heif_image_handle_release(handle)
        self.lib.heif_context_free(self.context)


def thumbnail_size(data: bytes, image_size: tuple[int, int], needed: tuple[int, int]
                   ) -> tuple[int, int] | None:
    """The smallest embedded thumbnail (as displayed) that is a scaled copy of the image and at
    least `needed` on both sides; None when there is none."""
    with _Context(data) as heif:
        usable = [size for _, size in heif.thumbnails() if _fits(size, image_size, needed)]
    return min(usable, key=lambda size: size[0] * size[1], default=None)


def decode_thumbnail(data: bytes, size: tuple[int, int]) -> Image.Image:
    """The embedded thumbnail of `size` (from thumbnail_size), decoded upright."""
    with _Context(data) as heif:
        for handle, found in heif.thumbnails():
            if found == size:
                return heif.decode(handle)
    raise HeifError(f"no embedded thumbnail of {size[0]}x{size[1]}")


def _fits(size: tuple[int, int], image_size: tuple[int, int], needed: tuple[int, int]) -> bool:
    width, height = size
    if width < needed[0] or height < needed[1] or width <= 0 or height <= 0:
        return False
    return abs(width / height - image_size[0] / image_size[1]) <= (
        ASPECT_TOLERANCE * image_size[0] / image_size[1])
