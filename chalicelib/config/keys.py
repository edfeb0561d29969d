"""Object keys: which uploads we render, in which format, and where the thumbnail goes."""

from __future__ import annotations

from chalicelib.errors import PermanentError

# Output format follows the uploaded extension (case-insensitive). HEIC/HEIF become JPEG:
# browsers cannot show HEIC. WebP and AVIF stay what they are (both carry alpha).
FORMAT_BY_EXTENSION = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG",
                       "heic": "JPEG", "heif": "JPEG", "webp": "WEBP", "avif": "AVIF"}
# The extension an output in the upload's own format gets (`{ext}`, thumbnail_key) when it
# is not the upload's own: a.HEIC -> a-thumbnail.jpg.
OUTPUT_EXTENSION = {"heic": "jpg", "heif": "jpg"}
THUMBNAIL_SUFFIX = "-thumbnail"
MAX_KEY_BYTES = 1024  # S3's limit on an object key


# TRIGGER=s3: one function per literal suffix (S3 filters are case-sensitive), these only.
S3_MODE_EXTENSIONS = ("jpg", "jpeg", "png")


def upload_suffixes() -> tuple[str, ...]:
    """The literal, case-sensitive suffixes S3 filters on: .jpg .jpeg .png and upper case."""
    lower = tuple(f".{extension}" for extension in S3_MODE_EXTENSIONS)
    return lower + tuple(suffix.upper() for suffix in lower)


def supported_extensions() -> tuple[str, ...]:
    """Every upload extension the pipeline reads, lower case (a trigger that can match any
    letter case, such as EventBridge's, matches these)."""
    return tuple(FORMAT_BY_EXTENSION)


def output_format(key: str) -> str:
    """JPEG, PNG, WEBP or AVIF, from the key's extension (HEIC/HEIF: JPEG)."""
    name = key.rpartition("/")[2]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        raise PermanentError(f"key has no file extension: {key!r}")
    try:
        return FORMAT_BY_EXTENSION[extension.lower()]
    except KeyError:
        raise PermanentError(
            f"unsupported extension .{extension} (want "
            f"{', '.join('.' + known for known in FORMAT_BY_EXTENSION)})"
        ) from None


def output_extension(extension: str) -> str:
    """The extension of an output in the upload's format: the upload's own (letter case kept),
    or jpg for HEIC/HEIF."""
    return OUTPUT_EXTENSION.get(extension.lower(), extension)


def thumbnail_key(key: str) -> str:
    """Same folder, stem plus -thumbnail, same extension: a/b/x.v2.JPG -> a/b/x.v2-thumbnail.JPG
    (HEIC/HEIF uploads: .jpg, the format their thumbnail is written in)."""
    output_format(key)  # validates the extension
    folder, slash, name = key.rpartition("/")
    stem, _, extension = name.rpartition(".")
    extension = output_extension(extension)
    result = f"{folder}{slash}{stem}{THUMBNAIL_SUFFIX}.{extension}"
    if len(result.encode("utf-8")) > MAX_KEY_BYTES:
        raise PermanentError(f"thumbnail key would exceed S3's {MAX_KEY_BYTES}-byte key limit")
    return result
