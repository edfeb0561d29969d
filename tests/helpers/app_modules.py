"""app.py imported afresh under another environment (TRIGGER=eventbridge)."""

from __future__ import annotations

import importlib.util
import os

from devtools.stage import PROJECT_DIR, stage_environment

HANDLER = "thumbnail_eventbridge"


def import_app(module_name: str, **environment: str):
    """app.py imported afresh, as `chalice deploy` imports it, with the dev stage's environment
    and `environment` on top (a module of its own: the session's `app` stays as it is)."""
    saved = dict(os.environ)
    os.environ.update({**stage_environment("dev"), **environment})
    try:
        spec = importlib.util.spec_from_file_location(module_name, PROJECT_DIR / "app.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        os.environ.clear()
        os.environ.update(saved)
