"""Object keys: which uploads we render, in which format, and how a key splits into the parts
an output's key template is filled with."""

from __future__ import annotations

from chalicelib.errors import PermanentError

# Output format follows the uploaded extension (case-insensitive). HEIC/HEIF become JPEG:
# browsers cannot show HEIC. WebP and AVIF stay what they are (both carry alpha).
FORMAT_BY_EXTENSION = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG",
                       "heic": "JPEG", "heif": "JPEG", "webp": "WEBP", "avif": "AVIF"}
# The extension `{ext}` appends for uploads whose format "same" writes another format:
# a.HEIC -> a-thumbnail.HEIC.jpg. The upload's own extension stays, so a.heic and a.jpg (an
# export beside the phone's original) keep outputs of their own; the last one is what browsers
# and the content type (JPEG) go by.
OUTPUT_EXTENSION = {"heic": "jpg", "heif": "jpg"}
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


def split_key(key: str) -> tuple[str, str, str]:
    """An upload key's folder (with its slash), stem and extension, letter case kept:
    a/b/x.v2.JPG -> ("a/b/", "x.v2", "JPG"). A key without a supported extension is
    permanent: no retry gives it one."""
    folder, slash, name = key.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        raise PermanentError(f"key has no file extension: {key!r}")
    if extension.lower() not in FORMAT_BY_EXTENSION:
        raise PermanentError(
            f"unsupported extension .{extension} (want "
            f"{', '.join('.' + known for known in FORMAT_BY_EXTENSION)})"
        )
    return folder + slash, stem, extension


def output_format(key: str) -> str:
    """JPEG, PNG, WEBP or AVIF, from the key's extension (HEIC/HEIF: JPEG)."""
    return FORMAT_BY_EXTENSION[split_key(key)[2].lower()]


def output_extension(extension: str) -> str:
    """What `{ext}` becomes: the upload's extension, letter case kept, and for HEIC/HEIF the
    JPEG's after it (HEIC -> HEIC.jpg), so every upload's key stays its own."""
    written = OUTPUT_EXTENSION.get(extension.lower())
    return f"{extension}.{written}" if written else extension
