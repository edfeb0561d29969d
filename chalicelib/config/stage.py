"""A stage's environment as `chalice deploy` sets it, read from .chalice/config.json.

Lambda, `chalice deploy` and `chalice package` set the stage's environment_variables before
app.py is imported; Chalice's test client (`chalice.test.Client`) sets them only during each
invoke. app.py reads a few settings at import (the bucket its decorators name, which functions
exist), so a user's own test that does `import app` with nothing set gets them from the
project's .chalice/config.json instead, for the `dev` stage (Chalice's default), as the test
client itself would. Deployed, the variables are always set and this file is never read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

DEFAULT_STAGE = "dev"  # chalice deploy's and chalice.test.Client's default


def stage_environment(project_dir: Path, stage: str = DEFAULT_STAGE) -> dict[str, str]:
    """Top-level environment_variables overlaid with the stage's own."""
    config = json.loads((Path(project_dir) / ".chalice" / "config.json").read_text())
    if stage not in config.get("stages", {}):
        raise KeyError(f"no stage {stage!r} in .chalice/config.json")
    environment = dict(config.get("environment_variables", {}))
    environment.update(config["stages"][stage].get("environment_variables", {}))
    return environment


def import_environment(project_dir: Path, environ: Mapping[str, str]) -> Mapping[str, str]:
    """What app.py reads at import: the environment when a deploy or Lambda set it (it names
    SOURCE_BUCKET), else the dev stage's variables from .chalice/config.json under it."""
    config = Path(project_dir) / ".chalice" / "config.json"
    if environ.get("SOURCE_BUCKET", "").strip() or not config.is_file():
        return environ
    return {**stage_environment(project_dir), **environ}
