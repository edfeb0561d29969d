"""A stage's environment as `chalice deploy` would set it, read from .chalice/config.json."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.config import stage as stage_config

PROJECT_DIR = Path(__file__).resolve().parent.parent


def stage_environment(stage: str = "dev", project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """Top-level environment_variables overlaid with the stage's own."""
    return stage_config.stage_environment(project_dir, stage)


def lambda_context(function_name: str, stage: str = "dev", project_dir: Path = PROJECT_DIR):
    """The context Lambda hands the function as deployed: its memory and its whole timeout
    (lambda_timeout), where Chalice's test client always says 3 s are left."""
    from chalice.config import Config
    from chalice.local import LambdaContext

    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    scoped = Config(chalice_stage=stage, function_name=function_name, config_from_disk=config)
    return LambdaContext(function_name, scoped.lambda_memory_size,
                         max_runtime_ms=scoped.lambda_timeout * 1000)
