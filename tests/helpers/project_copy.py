"""A copy of what a local run reads (app.py, chalicelib/, devtools/, .chalice/), for a test that
breaks a file on purpose while other tests, perhaps in parallel, read the real ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from devtools.stage import PROJECT_DIR

OUTPUTS_TOML = Path("chalicelib/config/outputs.toml")
CONFIG_JSON = Path(".chalice/config.json")


def project_copy(destination: Path) -> Path:
    """`python -m devtools.<tool>` started in the copy imports the copy's code and files."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "app.py", destination / "app.py")
    ignore = shutil.ignore_patterns("__pycache__", "deployments", "deployed")
    for name in ("chalicelib", "devtools", ".chalice"):
        shutil.copytree(PROJECT_DIR / name, destination / name, ignore=ignore)
    return destination


def set_stage_variables(project: Path, stage: str = "dev", **variables: object) -> None:
    """Environment variables of `stage` in the copy's .chalice/config.json, as written there."""
    path = project / CONFIG_JSON
    config = json.loads(path.read_text())
    config["stages"][stage]["environment_variables"].update(variables)
    path.write_text(json.dumps(config, indent=2))
