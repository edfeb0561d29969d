"""Compiled bytecode in the deployment packages, so a cold start compiles nothing of ours.

Lambda's /var/task and /opt are read-only: without a usable .pyc beside each module, Python
compiles app.py, chalice/, chalicelib/ and the layer's Pillow from source on every cold start and
cannot keep the result. Measured here: `import app` from a package laid out as Lambda lays it
out, 276 ms without bytecode, 182 ms with it (the runtime's own boto3 ships compiled).

The .pyc files are hash-checked (PEP 552): Python validates them against the source's hash, not
its modification time, which a zip keeps only to two seconds (a timestamp .pyc would be judged
stale and ignored). A .pyc whose source changed is ignored, never run. They are compiled by the
interpreter that runs this, which the Makefile requires to be Python 3.13, Lambda's runtime.
"""

from __future__ import annotations

import argparse
import importlib.util
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

# Where Lambda unpacks each zip: the path tracebacks name.
FUNCTION_ROOT = "/var/task"
LAYER_ROOT = "/opt"


def add_bytecode(zip_path: Path, unpacked_at: str) -> int:
    """Rewrites `zip_path` with a hash-checked .pyc for each of its .py files (any .pyc it held
    before is dropped: a timestamp one would not be used). Returns how many were compiled."""
    compiled = 0
    with tempfile.TemporaryDirectory() as scratch:
        rewritten = Path(scratch) / "package.zip"
        with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(
                rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                if "__pycache__/" in entry.filename or entry.filename.endswith(".pyc"):
                    continue
                data = source.read(entry)
                target.writestr(entry, data)
                if entry.is_dir() or not entry.filename.endswith(".py"):
                    continue
                module = Path(scratch) / "module.py"
                module.write_bytes(data)
                pyc = Path(scratch) / "module.pyc"
                try:
                    py_compile.compile(
                        str(module), cfile=str(pyc), dfile=f"{unpacked_at}/{entry.filename}",
                        doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
                except py_compile.PyCompileError:
                    continue  # not valid Python 3.13 (a py2 leftover in a wheel): never imported
                cached = zipfile.ZipInfo(importlib.util.cache_from_source(entry.filename),
                                         date_time=entry.date_time)
                cached.external_attr = entry.external_attr
                target.writestr(cached, pyc.read_bytes(), zipfile.ZIP_DEFLATED)
                compiled += 1
        shutil.move(rewritten, zip_path)
    return compiled


def add_to_package(out_dir: Path) -> dict[str, int]:
    """Both zips `chalice package` writes: the function's and, with automatic_layer, the layer's."""
    counts = {}
    for name, root in (("deployment.zip", FUNCTION_ROOT), ("layer-deployment.zip", LAYER_ROOT)):
        if (out_dir / name).exists():
            counts[name] = add_bytecode(out_dir / name, root)
    return counts


def compile_tree(directories: list[Path]) -> int:
    """Hash-checked .pyc beside every module under `directories` (what `chalice deploy` zips:
    chalicelib/ and vendor/), old timestamp ones replaced. Chalice copies its own chalice/app.py
    into the zip without bytecode (about 17 ms to compile); `make package` covers that too."""
    compiled = 0
    for directory in directories:
        for cache in directory.rglob("__pycache__"):
            shutil.rmtree(cache)
        for module in sorted(directory.rglob("*.py")):
            try:
                py_compile.compile(str(module), doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            except py_compile.PyCompileError:
                continue  # not valid Python 3.13: never imported, nothing to speed up
            compiled += 1
    return compiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 13):
        print("error: bytecode must be compiled by Python 3.13, Lambda's runtime", file=sys.stderr)
        return 2
    count = compile_tree(args.directories)
    names = ", ".join(map(str, args.directories))
    print(f"{count} modules compiled (hash-checked .pyc) in {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
