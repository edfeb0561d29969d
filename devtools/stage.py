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


def lambda_context(function_name: str, stage: str = "dev", project_dir: Path = PROJECT_DIR):
    """The context Lambda hands the function as deployed: its memory and its whole timeout.

    Chalice's test client always says 3 s are left; the handler budgets its S3 calls and
    renders from that, so a local run would refuse work the deployed function does.
    """
    from chalice.config import Config
    from chalice.local import LambdaContext

    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    scoped = Config(chalice_stage=stage, function_name=function_name, config_from_disk=config)
    return LambdaContext(function_name, scoped.lambda_memory_size,
                         max_runtime_ms=scoped.lambda_timeout * 1000)
