"""From an output's key back to the upload it is made from: a key template read backwards.

`{folder}{stem}-card.webp` made `photos/cat-card.webp` from an upload `photos/cat.<something>`;
`{folder}{stem}-thumbnail.{ext}` made `photos/cat-thumbnail.JPG` from `photos/cat.JPG` exactly
(and `a/IMG_1-thumbnail.HEIC.jpg` from `a/IMG_1.HEIC`). Without `{ext}` in the template the
upload's extension is not in the key, so the caller lists the source bucket under the prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.config import keys

_PLACEHOLDER = re.compile(r"\{(folder|stem|ext)\}")
# What each placeholder can stand for: a folder ends in "/" (or is empty), a stem has no "/",
# an extension is letters and digits, or (HEIC/HEIF, keys.output_extension) that and ".jpg".
_GROUPS = {"folder": r"(?P<folder>(?:.*/)?)", "stem": r"(?P<stem>[^/]+)",
           "ext": r"(?P<ext>[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)?)"}


@dataclass(frozen=True)
class Source:
    """Where the upload an output key was made from is: `key` exactly, or (no `{ext}` in the
    template) one of the keys `prefix` + a supported extension."""

    key: str | None = None
    prefix: str | None = None

    def accepts(self, candidate: str) -> bool:
        """Whether a listed key under `prefix` is an upload this output key can come from."""
        if self.key is not None:
            return candidate == self.key
        extension = candidate.removeprefix(self.prefix or "")
        return (candidate.startswith(self.prefix or "") and "/" not in extension
                and "." not in extension and extension.lower() in keys.supported_extensions())


def source_of(template: str, output_key: str) -> Source | None:
    """Where the upload is whose output under `template` has `output_key`; None when the
    template cannot make that key."""
    pattern, seen = [], set()
    for index, part in enumerate(_PLACEHOLDER.split(template)):
        if index % 2 == 0:
            pattern.append(re.escape(part))
        else:  # a placeholder used twice must stand for the same text twice
            pattern.append(f"(?P={part})" if part in seen else _GROUPS[part])
            seen.add(part)
    match = re.fullmatch("".join(pattern), output_key, flags=re.DOTALL)
    if match is None:
        return None
    stem = f"{match['folder'] or ''}{match['stem']}"
    if "ext" not in match.groupdict():
        return Source(prefix=f"{stem}.")
    extension = _upload_extension(match["ext"])
    return None if extension is None else Source(key=f"{stem}.{extension}")


def _upload_extension(written: str) -> str | None:
    """The upload extension `{ext}` was filled from (keys.output_extension read backwards)."""
    for extension in (written, written.rpartition(".")[0]):
        if extension.lower() in keys.supported_extensions() and (
                keys.output_extension(extension) == written):
            return extension
    return None
