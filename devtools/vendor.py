"""`make vendor`: Pillow and pi-heif for the Lambda runtime, unpacked into vendor/ from
hash-pinned wheels.

Chalice copies vendor/ as-is into the function's layer, so what lands there must be the
manylinux wheels for CPython 3.13 and the stage's architecture, not whatever this machine would
install. The same checks run in the test suite, so a stale or hand-edited vendor/ fails CI.
Each wheel's dist-info travels with it, licence files included (pi-heif's binary wheels are
LGPLv3: vendor/pi_heif-*.dist-info/licenses/).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename

from devtools.stage import PROJECT_DIR

VENDOR_DIR = PROJECT_DIR / "vendor"
PINS_FILE = PROJECT_DIR / "requirements-vendor.txt"
PYTHON_TAG = "cp313"
# Lambda's python3.13 runtime runs on Amazon Linux 2023, glibc 2.34.
LAMBDA_GLIBC = (2, 34)
# Lambda's name for an architecture -> wheel platform suffix and ELF e_machine value.
ARCHITECTURES = {"x86_64": ("x86_64", 62), "arm64": ("aarch64", 183)}


class VendorError(Exception):
    """vendor/ cannot be built as asked; the message says why."""


def configured_architecture(project_dir: Path = PROJECT_DIR) -> str:
    """The one lambda_architecture of every stage (vendor/ can hold only one)."""
    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    default = config.get("lambda_architecture", "x86_64")
    found = {stage.get("lambda_architecture", default) for stage in config["stages"].values()}
    if len(found) != 1:
        raise VendorError(f"stages disagree on lambda_architecture ({sorted(found)}); "
                          "vendor/ holds one")
    architecture = found.pop()
    if architecture not in ARCHITECTURES:
        raise VendorError(f"lambda_architecture must be one of {sorted(ARCHITECTURES)}")
    return architecture


def pinned_requirements() -> list[tuple[str, str, list[str]]]:
    """(canonical name, version, sha256 hashes) of each pin in requirements-vendor.txt."""
    text = PINS_FILE.read_text()
    starts = list(re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", text, re.MULTILINE))
    if not starts:
        raise VendorError(f"{PINS_FILE.name}: no 'name==version' line")
    pins = []
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        block = text[match.start(): following.start() if following else len(text)]
        pins.append((canonicalize_name(match[1]), match[2],
                     re.findall(r"--hash=sha256:([0-9a-f]{64})", block)))
    return pins


def tag_problems(tags: list[Tag], what: str, architecture: str) -> list[str]:
    """Why `what` would not run on Lambda's python3.13 for `architecture` (empty: it would)."""
    machine = ARCHITECTURES[architecture][0]
    if any(_runs_on_lambda(tag, machine) for tag in tags):
        return []
    return [f"{what}: tags {sorted(map(str, tags))} do not run on Lambda "
            f"(CPython 3.13, glibc {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}, {machine})"]


def _runs_on_lambda(tag: Tag, machine: str) -> bool:
    if tag.interpreter != PYTHON_TAG or tag.abi not in (PYTHON_TAG, "abi3"):
        return False
    match = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", tag.platform)
    if match:
        glibc, arch = (int(match[1]), int(match[2])), match[3]
    elif tag.platform == f"manylinux2014_{machine}":
        glibc, arch = (2, 17), machine
    else:
        return False
    return arch == machine and glibc <= LAMBDA_GLIBC


def vendor_problems(architecture: str, vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Everything wrong with vendor/ against the pins: files, hashes, tags, compiled machine."""
    wanted = sorted(f"{name}-{version}" for name, version, _ in pinned_requirements())
    dist_infos = sorted(vendor_dir.glob("*.dist-info"))
    found = sorted(f"{canonicalize_name(name)}-{version}" for name, version in
                   (d.name.removesuffix(".dist-info").rsplit("-", 1) for d in dist_infos))
    if found != wanted:
        return [f"vendor/ should hold exactly the dist-info of {wanted}, has "
                f"{[d.name for d in dist_infos]} (run `make vendor`)"]
    problems: list[str] = []
    recorded = set()
    for dist_info in dist_infos:
        wheel_tags = [Tag(*line.split(":", 1)[1].strip().split("-"))
                      for line in (dist_info / "WHEEL").read_text().splitlines()
                      if line.startswith("Tag:")]
        problems += tag_problems(wheel_tags, f"vendor/{dist_info.name}", architecture)
        with open(dist_info / "RECORD", newline="") as record:
            for path, digest, _size in csv.reader(record):
                recorded.add(path)
                file = vendor_dir / path
                if not digest:
                    continue  # RECORD lists itself without a hash
                if not file.is_file():
                    problems.append(f"missing: vendor/{path}")
                elif _record_digest(file) != digest:
                    problems.append(f"changed: vendor/{path}")
    extra = {p.relative_to(vendor_dir).as_posix() for p in vendor_dir.rglob("*") if p.is_file()}
    extra -= recorded
    extra = {p for p in extra if "__pycache__" not in p}
    problems += [f"not from the wheel: vendor/{p}" for p in sorted(extra)]
    machine, elf_machine = ARCHITECTURES[architecture]
    for module in vendor_dir.rglob("*.so*"):
        if (module.suffix == ".so" and ".cpython-" in module.name
                and f".cpython-313-{machine}-linux-gnu.so" not in module.name):
            problems.append(
                f"compiled for another runtime: vendor/{module.relative_to(vendor_dir)}")
        if _elf_machine(module) != elf_machine:
            problems.append(f"not {machine} code: vendor/{module.relative_to(vendor_dir)}")
    return problems


def _record_digest(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _elf_machine(path: Path) -> int | None:
    with open(path, "rb") as file:
        header = file.read(20)
    if header[:4] != b"\x7fELF":
        return None
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")


def download_wheels(architecture: str, directory: Path) -> list[Path]:
    machine = ARCHITECTURES[architecture][0]
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--only-binary=:all:", "--no-deps", "--require-hashes",
        "--platform", f"manylinux_2_28_{machine}", "--platform", f"manylinux2014_{machine}",
        "--implementation", "cp", "--python-version", "3.13", "--abi", PYTHON_TAG,
        "--dest", str(directory), "-r", str(PINS_FILE),
    ]
    subprocess.run(command, check=True)
    wheels = sorted(directory.glob("*.whl"))
    if len(wheels) != len(pinned_requirements()):
        raise VendorError(f"expected one wheel per pin, pip downloaded {[w.name for w in wheels]}")
    return wheels


def main() -> int:
    try:
        return _run()
    except (VendorError, subprocess.CalledProcessError) as error:
        print(f"make vendor: {error}", file=sys.stderr)
        return 1


def _run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architecture", choices=sorted(ARCHITECTURES),
                        help="default: lambda_architecture from .chalice/config.json")
    parser.add_argument("--check", action="store_true", help="only verify vendor/")
    args = parser.parse_args()
    architecture = args.architecture or configured_architecture()
    if not args.check:
        hashes = {name: pin_hashes for name, _, pin_hashes in pinned_requirements()}
        with tempfile.TemporaryDirectory() as tmp:
            wheels = download_wheels(architecture, Path(tmp))
            for wheel in wheels:
                name, _, _, tags = parse_wheel_filename(wheel.name)
                if problems := tag_problems(list(tags), wheel.name, architecture):
                    raise VendorError("\n".join(problems))
                if hashlib.sha256(wheel.read_bytes()).hexdigest() not in hashes.get(name, ()):
                    raise VendorError(f"{wheel.name}: hash not in {PINS_FILE.name}")
            shutil.rmtree(VENDOR_DIR, ignore_errors=True)
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as archive:
                    archive.extractall(VENDOR_DIR)
                print(f"vendor/: {wheel.name}")
    problems = vendor_problems(architecture)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"vendor/ matches {PINS_FILE.name} for Lambda python3.13 {architecture}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
