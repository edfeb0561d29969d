"""The layers of chalicelib/, checked from the source: which part may import which.

image/ is pure (bytes in, bytes out: no settings, no AWS, no pipeline); aws/ is the edge and
never reaches back into the pipeline that calls it; config/ reads the environment and
outputs.toml and knows nothing of AWS or the pipeline; errors.py is shared by every layer, so
it imports none. Every module is parsed with `ast`, imports inside functions included.
Imports under `if TYPE_CHECKING:` are annotations only (never executed) and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parent.parent / "chalicelib"

# Top-level part of chalicelib/ -> module prefixes it must not import.
FORBIDDEN = {
    "image": ("chalicelib.config", "chalicelib.aws", "chalicelib.pipeline"),
    "aws": ("chalicelib.pipeline",),
    "config": ("chalicelib.aws", "chalicelib.pipeline"),
    "errors.py": ("chalicelib",),
}

# Known exceptions, file (relative to chalicelib/) -> imported modules. An entry that no longer
# matches an import fails the suite too, so it is deleted the day the import goes.
ALLOWED_TODAY: dict[str, set[str]] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(CHALICELIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` imports (`from a import b` counts as a.b, since b may be a
    module), relative imports resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def violations_in(relative: str, imported: set[str]) -> set[str]:
    forbidden = FORBIDDEN.get(relative.split("/")[0], ())
    return {name for name in imported
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden)}


def _modules() -> dict[str, set[str]]:
    """chalicelib/-relative path -> the modules it imports, for every module."""
    modules = {}
    for path in sorted(CHALICELIB.rglob("*.py")):
        relative = path.relative_to(CHALICELIB).as_posix()
        modules[relative] = imports_of(path.read_text(encoding="utf-8"), module_name(path),
                                       is_package=path.name == "__init__.py")
    return modules


def test_every_layer_imports_only_what_it_may():
    modules = _modules()
    assert {"image/render.py", "aws/storage.py", "config/outputs.py"} <= set(modules)
    broken = {}
    for relative, imported in modules.items():
        bad = violations_in(relative, imported)
        bad = {name for name in bad
               if not any(name == allowed or name.startswith(allowed + ".")
                          for allowed in ALLOWED_TODAY.get(relative, ()))}
        if bad:
            broken[relative] = sorted(bad)
    assert broken == {}


def test_every_known_exception_is_still_there():
    """A stale allowlist entry would let the import come back unnoticed: remove it."""
    modules = _modules()
    stale = {relative: sorted(allowed - modules.get(relative, set()))
             for relative, allowed in ALLOWED_TODAY.items()
             if allowed - modules.get(relative, set())}
    assert stale == {}


def test_the_checker_sees_every_form_of_import():
    source = """
import chalicelib.aws.storage
from chalicelib import pipeline
from ..config import keys
from . import fits

def lazy():
    from chalicelib.config.settings import Settings

from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from chalicelib.pipeline.record import RecordResult
"""
    imported = imports_of(source, "chalicelib.image.render")
    assert violations_in("image/render.py", imported) == {
        "chalicelib.aws.storage", "chalicelib.pipeline", "chalicelib.config.keys",
        "chalicelib.config.settings.Settings"}
    assert "chalicelib.image.fits" in imported
    assert "chalicelib.pipeline.record" not in imported  # annotations only
    assert violations_in("pipeline/record.py", imported) == set()  # the top layer may
