"""All thumbnail settings, read from the environment and validated in one place.

`.chalice/config.json` sets these per stage; a bad value fails with a message that names the
variable, so a misconfigured deploy fails loudly at its first event instead of writing odd
thumbnails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.config import labels, outputs
from chalicelib.config.values import parse_color, parse_size


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


# Overrides of the `thumbnail` output of chalicelib/config/outputs.toml, from before outputs were
# declared there: honoured when the stage makes only that output, an error otherwise.
THUMBNAIL_OVERRIDES = ("THUMBNAIL_SIZE", "JPEG_QUALITY", "BACKGROUND_COLOR")

DEFAULTS = {
    "OUTPUTS": "thumbnail",
    # The Stage dimension of the CloudWatch metrics; each stage of .chalice/config.json sets it.
    "STAGE": "unnamed",
    # Deleting an upload deletes its outputs (issue 11); "false" keeps them, as before.
    "DELETE_OUTPUTS": "true",
    # A JSON manifest per upload for web pages (sizes, srcset, a placeholder); off by default.
    "MANIFEST": "false",
    # What invokes the function (issue 13): S3 event notifications, or S3's events on EventBridge.
    "TRIGGER": "s3",
    "CACHE_CONTROL": "public, max-age=86400",
    # Only with BACKUP_BUCKET set: cheaper storage for copies that are rarely read.
    "BACKUP_STORAGE_CLASS": "STANDARD_IA",
    # Only with LABELS set: Rekognition's labels at or over this confidence, at most this many.
    "LABELS_MAX": "20",
    "LABELS_MIN_CONFIDENCE": "70",
    # Only with LABELS including moderation: a moderation label at or over this quarantines.
    "MODERATION_MIN_CONFIDENCE": "60",
    # 100 MiB and 150 megapixels: a 100-megapixel panorama passes, a decompression bomb
    # (a small file whose header claims billions of pixels) does not.
    "MAX_SOURCE_BYTES": str(100 * 1024 * 1024),
    "MAX_SOURCE_PIXELS": str(150_000_000),
    # Lambda sets this from lambda_memory_size; local runs (tests, make dev) get the deployed
    # default of .chalice/config.json.
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
}

# S3's storage classes a CopyObject can write to a general purpose bucket (OUTPOSTS, SNOW,
# EXPRESS_ONEZONE, AWS_BACKUP_* and FSX_* are for other kinds of bucket or storage).
STORAGE_CLASSES = ("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
                   "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# EventBridge's rule for an event bus name ("default" is one), and an event bus ARN.
_EVENT_BUS_NAME = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
_EVENT_BUS_ARN = re.compile(
    r"^arn:aws[a-z-]*:events:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:event-bus/(?P<name>.+)$")


@dataclass(frozen=True)
class Settings:
    source_bucket: str
    target_bucket: str
    outputs: tuple[outputs.Output, ...]  # what every upload becomes (config/outputs.toml)
    cache_control: str
    max_source_bytes: int
    max_source_pixels: int
    function_memory_mb: int
    delete_outputs: bool = True  # an upload's deletion deletes its outputs (DELETE_OUTPUTS)
    manifest: bool = False  # {folder}{stem}-manifest.json beside the outputs (MANIFEST)
    backup_bucket: str | None = None  # every upload is copied there (BACKUP_BUCKET); None: off
    backup_storage_class: str = "STANDARD_IA"  # BACKUP_STORAGE_CLASS
    labels: labels.LabelSettings | None = None  # Rekognition (LABELS); None: off
    stage: str = "unnamed"  # STAGE: the metrics' Stage dimension
    event_bus: str | None = None  # a processed-image event per upload (EVENT_BUS); None: off
    trigger: str = "s3"  # TRIGGER: s3 (event notifications) or eventbridge

    @classmethod
    def from_env(cls, environ: Mapping[str, str],
                 declared: Mapping[str, outputs.Output]) -> Settings:
        """The settings `environ` gives, with OUTPUTS chosen from `declared` (the outputs
        of outputs.toml, outputs.load_outputs()). Whether they fit the function's memory is
        checked by chalicelib/pipeline/setup.py, which handlers call instead."""
        selected = _outputs(environ, declared)
        source = source_bucket(environ)
        target = _bucket(environ, "TARGET_BUCKET")
        if source == target:
            raise SettingsError(
                f"TARGET_BUCKET must differ from SOURCE_BUCKET (both are {source!r}): "
                "thumbnails written into the source bucket would trigger the function again"
            )
        return cls(
            source_bucket=source,
            target_bucket=target,
            outputs=selected,
            cache_control=_text(environ, "CACHE_CONTROL"),
            max_source_bytes=_int(environ, "MAX_SOURCE_BYTES", 1, 5 * 1024**4),
            max_source_pixels=_int(environ, "MAX_SOURCE_PIXELS", 1, 10**10),
            function_memory_mb=_int(environ, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 128, 10240),
            delete_outputs=delete_outputs(environ),
            manifest=manifest(environ),
            backup_bucket=backup_bucket(environ),
            backup_storage_class=_choice(environ, "BACKUP_STORAGE_CLASS", STORAGE_CLASSES),
            labels=_label_settings(environ),
            stage=_text(environ, "STAGE"),
            event_bus=event_bus(environ),
            trigger=trigger(environ),
        )


def _outputs(env: Mapping[str, str],
             declared: Mapping[str, outputs.Output]) -> tuple[outputs.Output, ...]:
    names = _raw(env, "OUTPUTS")
    try:
        selected = outputs.select(declared, names)
    except outputs.OutputsError as error:
        raise SettingsError(f"OUTPUTS: {error}") from None
    overridden = [name for name in THUMBNAIL_OVERRIDES if env.get(name, "").strip()]
    if not overridden:
        return selected
    if [output.name for output in selected] != ["thumbnail"]:
        raise SettingsError(
            f"{', '.join(overridden)} set with OUTPUTS={names!r}: these variables only adjust "
            "the thumbnail output when it is the stage's only one; declare sizes, qualities "
            "and backgrounds in chalicelib/config/outputs.toml instead"
        )
    return (outputs.with_overrides(
        selected[0],
        size=_box(env, "THUMBNAIL_SIZE") if "THUMBNAIL_SIZE" in overridden else None,
        quality=_int(env, "JPEG_QUALITY", 1, 95) if "JPEG_QUALITY" in overridden else None,
        background=_color(env, "BACKGROUND_COLOR") if "BACKGROUND_COLOR" in overridden else None,
    ),)


def labels_features(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """LABELS: which of labels, moderation are on (empty: off). devtools/policy.py needs it."""
    env = os.environ if environ is None else environ
    names = [name.strip() for name in env.get("LABELS", "").split(",") if name.strip()]
    unknown = [name for name in names if name not in labels.FEATURES]
    if unknown:
        raise SettingsError(f"LABELS takes {' and/or '.join(labels.FEATURES)}, comma-separated; "
                            f"unknown: {', '.join(unknown)}")
    return frozenset(names)


def _label_settings(env: Mapping[str, str]) -> labels.LabelSettings | None:
    """None when LABELS is off. No output can take the sidecar's key: outputs.py refuses it
    at load, whether LABELS is on or not, so turning it on never breaks a stage."""
    features = labels_features(env)
    if not features:
        return None
    return labels.LabelSettings(
        labels="labels" in features,
        moderation="moderation" in features,
        max_labels=_int(env, "LABELS_MAX", 1, 1000),
        min_confidence=_percent(env, "LABELS_MIN_CONFIDENCE"),
        moderation_min_confidence=_percent(env, "MODERATION_MIN_CONFIDENCE"),
    )


def source_bucket(environ: Mapping[str, str] | None = None) -> str:
    """The bucket the handlers subscribe to; app.py needs it at import time."""
    return _bucket(os.environ if environ is None else environ, "SOURCE_BUCKET")


def delete_outputs(environ: Mapping[str, str] | None = None) -> bool:
    """DELETE_OUTPUTS: whether the handlers also subscribe to, and act on, ObjectRemoved events.

    app.py needs it at import time (the event types), devtools/policy.py for s3:DeleteObject.
    """
    env = os.environ if environ is None else environ
    value = _raw(env, "DELETE_OUTPUTS")
    if value.lower() not in ("true", "false"):
        raise SettingsError(f"DELETE_OUTPUTS must be true or false, got {value!r}")
    return value.lower() == "true"


def manifest(environ: Mapping[str, str] | None = None) -> bool:
    """MANIFEST: whether each upload also gets {folder}{stem}-manifest.json (config/manifest.py);
    devtools/policy.py reads it for the key pattern the functions may write and delete."""
    env = os.environ if environ is None else environ
    value = _raw(env, "MANIFEST")
    if value.lower() not in ("true", "false"):
        raise SettingsError(f"MANIFEST must be true or false, got {value!r}")
    return value.lower() == "true"


TRIGGERS = ("s3", "eventbridge")


def trigger(environ: Mapping[str, str] | None = None) -> str:
    """TRIGGER: `s3` (the default), one function per suffix on S3 event notifications, or
    `eventbridge`, one function on a rule matching S3's events in any letter case.

    app.py needs it at import time (which functions and event sources there are), like
    SOURCE_BUCKET and DELETE_OUTPUTS."""
    return _choice(os.environ if environ is None else environ, "TRIGGER", TRIGGERS)


def backup_bucket(environ: Mapping[str, str] | None = None) -> str | None:
    """BACKUP_BUCKET, or None when unset (no backup). devtools/policy.py and devtools/buckets.py
    need it too. The same bucket as SOURCE_BUCKET would trigger the function with its own
    copies; the same as TARGET_BUCKET would mix backups with outputs under delete sync."""
    env = os.environ if environ is None else environ
    if not env.get("BACKUP_BUCKET", "").strip():
        return None
    backup = _bucket(env, "BACKUP_BUCKET")
    for other in ("SOURCE_BUCKET", "TARGET_BUCKET"):
        if backup == env.get(other, "").strip():
            raise SettingsError(f"BACKUP_BUCKET must differ from {other} (both are {backup!r}): "
                                "backups go to a bucket of their own")
    return backup


def event_bus(environ: Mapping[str, str] | None = None) -> str | None:
    """EVENT_BUS, as given (an event bus name or ARN), or None when unset (no event).
    devtools/policy.py needs it too, for the one bus the function may put events on."""
    env = os.environ if environ is None else environ
    if not env.get("EVENT_BUS", "").strip():
        return None
    value = _raw(env, "EVENT_BUS")
    if value.startswith("arn:"):
        match = _EVENT_BUS_ARN.match(value)
        if not match or not _EVENT_BUS_NAME.match(match["name"]):
            raise SettingsError(
                "EVENT_BUS must be an event bus name or an ARN like "
                f"arn:aws:events:us-east-1:123456789012:event-bus/NAME, got {value!r}")
    elif not _EVENT_BUS_NAME.match(value):
        raise SettingsError("EVENT_BUS must be an event bus name (1-256 letters, digits and "
                            f"/ . - _) or an event bus ARN, got {value!r}")
    return value


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = _raw(env, name)
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _raw(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, DEFAULTS.get(name))
    if value is None or not value.strip():
        raise SettingsError(f"{name} is not set (set it per stage in .chalice/config.json)")
    return value.strip()


def _bucket(env: Mapping[str, str], name: str) -> str:
    value = _raw(env, name)
    if not _BUCKET_NAME.match(value) or ".." in value:
        raise SettingsError(f"{name} must be an S3 bucket name, got {value!r}")
    return value


def _int(env: Mapping[str, str], name: str, lowest: int, highest: int) -> int:
    value = _raw(env, name)
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if not lowest <= number <= highest:
        raise SettingsError(f"{name} must be between {lowest} and {highest}, got {number}")
    return number


def _percent(env: Mapping[str, str], name: str) -> float:
    value = _raw(env, name)
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number from 0 to 100, got {value!r}") from None
    if not 0 <= number <= 100:
        raise SettingsError(f"{name} must be from 0 to 100, got {value!r}")
    return number


def _box(env: Mapping[str, str], name: str) -> tuple[int, int]:
    try:
        return parse_size(_raw(env, name))
    except ValueError as error:
        raise SettingsError(f"{name} {error}") from None


def _color(env: Mapping[str, str], name: str) -> tuple[int, int, int]:
    try:
        return parse_color(_raw(env, name))
    except ValueError as error:
        raise SettingsError(f"{name} {error}") from None


def _text(env: Mapping[str, str], name: str) -> str:
    value = _raw(env, name)
    if not value.isprintable() or not value.isascii():
        raise SettingsError(f"{name} must be printable ASCII (it becomes an HTTP header)")
    return value
