"""The deployable artifact: vendor/ is the pinned wheel, `chalice package` works offline, and the
packaged code runs each handler in an isolated Python 3.13 laid out as Lambda lays it out."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from devtools import samples
from devtools.local_s3 import LOCAL_CREDENTIALS, s3_event_sources
from devtools.policy import batch_policy_for, policy_for
from devtools.stage import PROJECT_DIR, stage_environment
from devtools.vendor import ARCHITECTURES, configured_architecture, vendor_problems
from tests.conftest import upload

# What the Lambda python3.13 runtime itself provides beside the standard library.
RUNTIME_PACKAGES = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]
BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")


def test_vendor_is_exactly_the_pinned_wheel_for_the_configured_runtime():
    assert vendor_problems(configured_architecture()) == []


def test_pillow_is_not_also_in_requirements_txt():
    lines = (PROJECT_DIR / "requirements.txt").read_text().splitlines()
    requirements = [line.split("#")[0].strip().lower() for line in lines]
    assert not [line for line in requirements if line.startswith("pillow")]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """`chalice package --pkg-format terraform` for dev, with every package index unreachable."""
    out = tmp_path_factory.mktemp("package") / "dev"
    env = {
        **os.environ,
        **LOCAL_CREDENTIALS,
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
    }
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--pkg-format", "terraform", "--stage", "dev", str(out)],
                   cwd=PROJECT_DIR, env=env, check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def terraform(package) -> dict:
    return json.loads((package / "chalice.tf.json").read_text())


def test_every_function_is_python313_with_the_layer_and_stage_settings(terraform):
    functions = terraform["resource"]["aws_lambda_function"]
    assert len(functions) == 7  # six S3-triggered, one for S3 Batch Operations
    assert functions["batch"]["handler"] == "app.batch"
    expected_env = stage_environment("dev")
    for function in functions.values():
        assert function["runtime"] == "python3.13"
        assert function["architectures"] == [configured_architecture()]
        assert function["layers"] == ["${aws_lambda_layer_version.managed-layer.arn}"]
        assert function["environment"]["variables"] == expected_env


def test_every_role_carries_exactly_the_generated_policy(terraform):
    policies = terraform["resource"]["aws_iam_role_policy"]
    assert len(policies) == 7
    for name, policy in policies.items():
        expected = batch_policy_for("dev") if name == "batch_role" else policy_for("dev")
        assert json.loads(policy["policy"]) == expected, name
    assert "batch_role" in policies
    roles = terraform["resource"]["aws_iam_role"]
    assert roles["batch_role"]["name"] == "thumbnailer-dev-batch"


def test_s3_triggers_are_the_apps_event_sources(terraform, chalice_app):
    [notification] = terraform["resource"]["aws_s3_bucket_notification"].values()
    assert notification["bucket"] == stage_environment("dev")["SOURCE_BUCKET"]
    triggers = {(rule["filter_suffix"], rule["lambda_function_arn"], tuple(rule["events"]))
                for rule in notification["lambda_function"]}
    assert triggers == {
        (source.suffix, f"${{aws_lambda_function.{source.name}.arn}}", tuple(source.events))
        for source in s3_event_sources(chalice_app.app)
    }
    # Delete sync is on in dev: every trigger also fires on ObjectRemoved.
    assert all(events == ("s3:ObjectCreated:*", "s3:ObjectRemoved:*") for *_, events in triggers)


@pytest.fixture(scope="module")
def lambda_filesystem(package, tmp_path_factory) -> dict[str, Path]:
    """/var/task, /opt and the runtime's packages, as Lambda lays them out."""
    root = tmp_path_factory.mktemp("lambda")
    task, opt, runtime = root / "var/task", root / "opt", root / "runtime"
    with zipfile.ZipFile(package / "deployment.zip") as function_zip:
        function_zip.extractall(task)
    with zipfile.ZipFile(package / "layer-deployment.zip") as layer_zip:
        layer_zip.extractall(opt)
    runtime.mkdir()
    site_packages = Path(__import__("boto3").__file__).parent.parent
    for name in RUNTIME_PACKAGES:
        (runtime / name).symlink_to(site_packages / name)
    return {"task": task, "opt": opt, "runtime": runtime}


def run_packaged(handler_string: str, event_file: Path, lambda_filesystem: dict[str, Path],
                 **environment: str) -> dict:
    """One handler of the package, in an isolated Python laid out as Lambda lays it out."""
    env = {
        "PATH": "/usr/bin:/bin",
        **stage_environment("dev"),
        **environment,
        **LOCAL_CREDENTIALS,
        "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
    }
    run = subprocess.run(
        [sys.executable, "-I", "-S", str(BOOTSTRAP), handler_string, str(event_file),
         str(lambda_filesystem["task"]), str(lambda_filesystem["opt"]),
         str(lambda_filesystem["runtime"])],
        cwd=lambda_filesystem["task"], env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_function_zip_holds_only_the_lambda_code(lambda_filesystem):
    top_level = {path.name for path in lambda_filesystem["task"].iterdir()}
    assert top_level == {"app.py", "chalicelib", "chalice"}  # no tests, devtools or vendor


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
@pytest.mark.parametrize("suffix", [".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"])
def test_packaged_handler_runs_in_an_isolated_lambda_layout(
    s3, chalice_app, lambda_filesystem, source_bucket, target_bucket, tmp_path, suffix
):
    [source] = [s for s in s3_event_sources(chalice_app.app) if s.suffix == suffix]
    key = f"packaged/photo{suffix}"
    photo = samples.photo_like((800, 600))
    data = samples.png_bytes(photo) if suffix.lower() == ".png" else samples.jpeg_bytes(photo)
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"Records": [upload(s3, source_bucket, key, data)]}))
    output = run_packaged(source.handler_string, event_file, lambda_filesystem)
    assert output["result"] == {"written": 1, "skipped": 0, "deleted": 0}
    assert output["PIL"].startswith(str(lambda_filesystem["opt"]))  # Pillow came from the layer
    thumbnail_key = f"packaged/photo-thumbnail{suffix}"
    assert s3.head_object(Bucket=target_bucket, Key=thumbnail_key)["ContentLength"] > 0


@pytest.mark.parametrize(
    ("wheel", "architecture", "runs"),
    [
        ("pillow-13.0.0-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "x86_64", True),
        ("pillow-13.0.0-cp313-cp313-manylinux_2_28_aarch64.whl", "arm64", True),
        ("pillow-13.0.0-cp313-cp313-manylinux_2_28_aarch64.whl", "x86_64", False),
        ("pillow-13.0.0-cp312-cp312-manylinux_2_28_x86_64.whl", "x86_64", False),
        ("pillow-13.0.0-cp313-cp313-musllinux_1_2_x86_64.whl", "x86_64", False),
        ("pillow-13.0.0-cp313-cp313-manylinux_2_39_x86_64.whl", "x86_64", False),  # newer glibc
        ("pillow-13.0.0-cp313-cp313-macosx_11_0_arm64.whl", "arm64", False),
        ("pillow-13.0.0-cp313-cp313-manylinux2014_x86_64.whl", "x86_64", True),
    ],
)
def test_make_vendor_refuses_wheels_that_do_not_run_on_lambda(wheel, architecture, runs):
    from packaging.utils import parse_wheel_filename

    from devtools.vendor import tag_problems

    problems = tag_problems(list(parse_wheel_filename(wheel)[3]), wheel, architecture)
    assert (problems == []) is runs, problems


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
def test_packaged_code_makes_every_declared_output_with_the_layers_pillow(
    s3, chalice_app, lambda_filesystem, source_bucket, target_bucket, tmp_path
):
    """outputs.toml and the watermark travel in the function zip, and the layer's Pillow
    encodes WebP and AVIF: the four example outputs from one upload, packaged as deployed."""
    [source] = [s for s in s3_event_sources(chalice_app.app) if s.suffix == ".jpg"]
    record = upload(s3, source_bucket, "packaged/all.jpg",
                    samples.jpeg_bytes(samples.photo_like((1600, 1200))))
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"Records": [record]}))
    output = run_packaged(source.handler_string, event_file, lambda_filesystem,
                          OUTPUTS="thumbnail,card,small,marked")
    assert output["result"] == {"written": 1, "skipped": 0, "deleted": 0}
    types = {key: s3.head_object(Bucket=target_bucket, Key=key)["ContentType"] for key in (
        "packaged/all-thumbnail.jpg", "packaged/all-card.webp", "packaged/all-small.avif",
        "packaged/all-marked.jpg")}
    assert types == {"packaged/all-thumbnail.jpg": "image/jpeg", "packaged/all-card.webp":
                     "image/webp", "packaged/all-small.avif": "image/avif",
                     "packaged/all-marked.jpg": "image/jpeg"}
