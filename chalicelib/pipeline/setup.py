"""The settings a handler runs with: the environment read against the outputs.toml shipped with
the function (read once per process), then checked against the function's memory.

config/ parses and validates values; whether they fit this function's memory needs the image
layer's estimates and the size of Rekognition's picture, which config/ does not know about.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

from chalicelib.aws import rekognition
from chalicelib.config import outputs
from chalicelib.config.settings import Settings, SettingsError
from chalicelib.image import budget


@functools.lru_cache(maxsize=1)
def declared_outputs() -> dict[str, outputs.Output]:
    """chalicelib/config/outputs.toml, read and validated once per process."""
    return outputs.load_outputs()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of this invocation (os.environ unless given), or a SettingsError naming
    the variable; every handler and the devtools that act as a stage start here."""
    settings = Settings.from_env(os.environ if environ is None else environ, declared_outputs())
    check_memory_budget(settings)
    return settings


def check_memory_budget(settings: Settings) -> None:
    """Limits that no image could meet in this function are a configuration error."""
    if settings.function_memory_mb <= budget.RUNTIME_RESERVE_MB:
        raise SettingsError(
            f"AWS_LAMBDA_FUNCTION_MEMORY_SIZE {settings.function_memory_mb} MB leaves nothing "
            f"for images after the runtime's {budget.RUNTIME_RESERVE_MB} MB"
        )
    available = budget.available_bytes(settings.function_memory_mb)
    largest = max(settings.outputs, key=lambda output: output.size[0] * output.size[1])
    box = largest.size
    what = f"the {largest.name} output's size (THUMBNAIL_SIZE or outputs.toml)"
    analysis = rekognition.ANALYSIS_BOX
    if settings.labels is not None and analysis[0] * analysis[1] > box[0] * box[1]:
        box, what = analysis, "the image LABELS sends to Rekognition"
    needed = budget.cheapest_at_limit(settings.max_source_pixels, box)
    if needed > available:
        raise SettingsError(
            f"MAX_SOURCE_PIXELS={settings.max_source_pixels} with {what}, "
            f"{box[0]}x{box[1]}, cannot fit: even a grey PNG at that limit needs "
            f"{budget.mb(needed)}, and a {settings.function_memory_mb} MB function has "
            f"{budget.mb(available)} for images. Lower them, or raise lambda_memory_size "
            "in .chalice/config.json"
        )
