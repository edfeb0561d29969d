"""`make check`: the stage's configuration, validated as the deployed function validates it, and
what it makes.

Reads .chalice/config.json as `chalice deploy` does (devtools/stage.py: the top-level
environment variables, the stage's on top; lambda_memory_size as Lambda hands it to the
function), validates chalicelib/config/outputs.toml and the settings with the function's own
code (outputs.load_outputs, Settings.from_env), then prints each output the stage makes and the
features it turns on. A broken file exits 1 with the message. `make dev` and `make demo` print
the same summary, and refuse to start on a broken file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chalicelib.config import outputs
from chalicelib.config import settings as settings_module
from chalicelib.config.settings import Settings, SettingsError
from chalicelib.pipeline.setup import check_memory_budget
from devtools.stage import PROJECT_DIR, stage_environment

CONFIG_FILE = ".chalice/config.json"
OUTPUTS_PATH = f"chalicelib/config/{outputs.OUTPUTS_FILE}"
# Settings that decide what the local S3 is wired to when `make dev` starts (buckets, event
# sources): a change to them needs a restart, any other change is reloaded.
WIRING = ("SOURCE_BUCKET", "TARGET_BUCKET", "TRIGGER", "DELETE_OUTPUTS")


class ConfigurationError(Exception):
    """.chalice/config.json, outputs.toml or a setting is wrong; the message says where."""


@dataclass(frozen=True)
class StageConfiguration:
    stage: str
    environment: dict[str, str]  # as Lambda sets it for the function
    settings: Settings
    declared: dict[str, outputs.Output]  # every output outputs.toml declares


def load(stage: str = "dev", overrides: Mapping[str, str] | None = None) -> StageConfiguration:
    """The stage's validated configuration, or ConfigurationError naming the file and field."""
    config = _read_config()
    if stage not in config.get("stages", {}):
        known = ", ".join(sorted(config.get("stages", {}))) or "none"
        raise ConfigurationError(f"{CONFIG_FILE}: no stage {stage!r} (stages: {known})")
    environment = stage_environment(stage)
    for name, value in environment.items():
        if not isinstance(value, str):
            raise ConfigurationError(f"{CONFIG_FILE}: environment variable {name} of stage "
                                     f"{stage} must be a string, got {value!r}")
    environment.update(overrides or {})
    # Lambda sets it from lambda_memory_size; the memory budget check needs it.
    environment.setdefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", str(_memory_size(config, stage)))
    declared = declared_outputs()  # the file as it is now, not a process's cached copy
    try:
        settings = Settings.from_env(environment, declared)
        check_memory_budget(settings)
    except SettingsError as error:
        raise ConfigurationError(f"{CONFIG_FILE}, stage {stage}: {error}") from None
    return StageConfiguration(stage, environment, settings, declared)


def declared_outputs() -> dict[str, outputs.Output]:
    """Every output outputs.toml declares, or ConfigurationError listing its problems."""
    try:
        return outputs.load_outputs()
    except outputs.OutputsError as error:
        raise ConfigurationError(f"{OUTPUTS_PATH}:\n" + "\n".join(error.problems)) from None


def _read_config() -> dict:
    path = PROJECT_DIR / CONFIG_FILE
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError(f"{CONFIG_FILE}: cannot read it: {error}") from None
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{CONFIG_FILE}: not valid JSON: {error}") from None
    if not isinstance(config, dict):
        raise ConfigurationError(f"{CONFIG_FILE}: must be a JSON object")
    return config


def _memory_size(config: dict, stage: str) -> int:
    """lambda_memory_size as Chalice resolves it for the stage (what devtools/stage.py uses)."""
    from chalice.config import Config

    return Config(chalice_stage=stage, config_from_disk=config).lambda_memory_size


# --- the summary ---------------------------------------------------------------------------

def describe(configuration: StageConfiguration) -> list[str]:
    """What the stage makes of each upload and what it does besides: lines to print."""
    settings = configuration.settings
    names = ",".join(output.name for output in settings.outputs)
    rows = [("name", "key", "size", "fit", "format", "quality", "when", "effects")]
    rows += [_output_row(output) for output in settings.outputs]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [f"outputs (OUTPUTS={names}; {OUTPUTS_PATH} declares "
             f"{', '.join(configuration.declared)}):"]
    for row in rows:
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in
                                      zip(row[:-1], widths, strict=True)) + "  " + row[-1])
    lines.append("features:")
    lines += [f"  {name:<12} {state}" for name, state in _features(settings)]
    lines.append(f"limits: uploads up to {settings.max_source_bytes / 2**20:g} MiB and "
                 f"{settings.max_source_pixels / 1e6:g} megapixels, in a "
                 f"{settings.function_memory_mb} MB function")
    return lines


def _output_row(output: outputs.Output) -> tuple[str, ...]:
    width, height = output.size
    key = output.key + (f" (uploads under {output.prefix} only)" if output.prefix else "")
    fit = output.fit
    if output.background is not None:
        fit += " on #{:02x}{:02x}{:02x}".format(*output.background)
    effects = " -> ".join(_effect(effect) for effect in output.effects) or "none"
    return (output.name, key, f"{width}x{height}", fit, output.format, _quality(output),
            output.when, effects)


def _quality(output: outputs.Output) -> str:
    from chalicelib.image.encode import DEFAULT_QUALITY, QualityTarget

    if output.format == "png":
        return "lossless"
    if isinstance(output.quality, QualityTarget):
        target = output.quality
        bounds = "".join(f", {end} {getattr(target, end)}" for end in ("min", "max")
                         if getattr(target, end) is not None)
        if target.target is not None:
            score = f"{target.target:g}"
        elif output.format in outputs.PILLOW_FORMAT:
            score = f"{target.target_for(outputs.PILLOW_FORMAT[output.format]):g}"
        else:  # format "same": JPEG's, WebP's or AVIF's, as the upload is
            score = "the format's default"
        return f"auto (score {score}{bounds})"
    if output.quality is not None:
        return str(output.quality)
    if output.format == "same":
        return "format's default"
    return f"{DEFAULT_QUALITY[outputs.PILLOW_FORMAT[output.format]]} (default)"


def _effect(effect: outputs.Effect) -> str:
    return f"{effect.op}(" + ", ".join(
        f"{name}={_value(value)}" for name, value in effect.params.items()
        if value is not None) + ")"


def _value(value: object) -> str:
    if isinstance(value, Path):
        return str(value.relative_to(outputs.ASSET_DIR)) if value.is_relative_to(
            outputs.ASSET_DIR) else str(value)
    if isinstance(value, tuple) and len(value) == 3:
        return "#{:02x}{:02x}{:02x}".format(*value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and not value.replace("-", "").isalnum():
        return repr(value)  # free text; a name like south-east goes as it is
    return str(value)


def _features(settings: Settings) -> list[tuple[str, str]]:
    features = [("delete sync", "on: deleting an upload deletes its outputs (DELETE_OUTPUTS)"
                 if settings.delete_outputs else "off (DELETE_OUTPUTS=false)")]
    if settings.backup_bucket:
        features.append(("backup", f"on: every upload copied to s3://{settings.backup_bucket}, "
                                   f"storage class {settings.backup_storage_class}"))
    else:
        features.append(("backup", "off (BACKUP_BUCKET unset)"))
    found = settings.labels
    if found is None:
        features.append(("labels", "off (LABELS unset)"))
    else:
        parts = []
        if found.labels:
            parts.append(f"labels (up to {found.max_labels} at {found.min_confidence:g}% "
                         "confidence or more)")
        if found.moderation:
            parts.append(f"moderation (quarantine at {found.moderation_min_confidence:g}% or "
                         "more)")
        features.append(("labels", "on: " + ", ".join(parts) + ", a sidecar next to the outputs"))
    features.append(("event bus", f"on: an event per upload on {settings.event_bus}"
                     if settings.event_bus else "off (EVENT_BUS unset)"))
    features.append(("trigger", {
        "s3": "s3: S3 event notifications, one function per suffix",
        "eventbridge": "eventbridge: S3's events on EventBridge, one function, any letter case",
    }.get(settings.trigger, settings.trigger)))
    return features


def wiring(environment: Mapping[str, str]) -> dict[str, str]:
    """The settings a running `make dev` cannot change without a restart (unset as default)."""
    values = {name: (environment.get(name) or settings_module.DEFAULTS.get(name, "")).strip()
              for name in WIRING}
    return {name: value.lower() if name in ("TRIGGER", "DELETE_OUTPUTS") else value
            for name, value in values.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--trigger", help="s3 or eventbridge: TRIGGER for this run")
    args = parser.parse_args(argv)
    overrides = {"TRIGGER": args.trigger} if args.trigger else {}
    try:
        configuration = load(args.stage, overrides)
    except ConfigurationError as error:
        print(f"make check: stage {args.stage} is not valid:\n{error}", file=sys.stderr)
        return 1
    print(f"stage {args.stage}: {CONFIG_FILE} and {OUTPUTS_PATH} are valid")
    print("\n".join(describe(configuration)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
