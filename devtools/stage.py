"""A stage's environment as `chalice deploy` would set it, read from .chalice/config.json."""

from __future__ import annotations

import json
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def stage_environment(stage: str = "dev", project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """Top-level environment_variables overlaid with the stage's own."""
    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    if stage not in config.get("stages", {}):
        raise KeyError(f"no stage {stage!r} in .chalice/config.json")
    environment = dict(config.get("environment_variables", {}))
    environment.update(config["stages"][stage].get("environment_variables", {}))
    return environment
