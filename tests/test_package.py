"""The deployable artifact: vendor/ is the pinned wheel, `chalice package` works offline, and the
packaged code runs each handler in an isolated Python 3.13 laid out as Lambda lays it out."""

from __future__ import annotations

import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from devtools import destinations, samples
from devtools.local_s3 import LOCAL_CREDENTIALS, s3_event_sources
from devtools.package import satisfies, terraform_alarm
from devtools.policy import batch_policy_for, policy_for, renditions_policy_for
from devtools.stage import PROJECT_DIR, stage_environment
from devtools.vendor import ARCHITECTURES, configured_architecture, vendor_problems
from tests.helpers.project_copy import project_copy
from tests.helpers.uploads import upload

pytestmark = pytest.mark.slow  # `chalice package` twice, handlers run in isolated layouts

FAILURE_POLICY = destinations.POLICY_NAME
# What the Lambda python3.13 runtime itself provides beside the standard library.
RUNTIME_PACKAGES = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]
BOOTSTRAP = Path(__file__).parent / "helpers" / "lambda_bootstrap.py"


def test_vendor_is_exactly_the_pinned_wheel_for_the_configured_runtime():
    assert vendor_problems(configured_architecture()) == []


def test_vendor_holds_pi_heif_with_its_lgpl_notice():
    notices = list((PROJECT_DIR / "vendor").glob(
        "pi_heif-*.dist-info/licenses/LICENSES_bundled.txt"))
    assert len(notices) == 1
    text = notices[0].read_text()
    assert "LGPLv3" in text and "libheif" in text and "libde265" in text


def test_the_vendor_check_catches_a_changed_or_extra_pi_heif_file(tmp_path):
    copy = tmp_path / "vendor"
    shutil.copytree(PROJECT_DIR / "vendor", copy, ignore=shutil.ignore_patterns("__pycache__"))
    architecture = configured_architecture()
    assert vendor_problems(architecture, copy) == []
    [libheif] = copy.glob("pi_heif.libs/libheif-*.so*")
    libheif.write_bytes(libheif.read_bytes() + b"\0")
    (copy / "pi_heif" / "extra.py").write_text("")
    problems = vendor_problems(architecture, copy)
    assert f"changed: vendor/pi_heif.libs/{libheif.name}" in problems
    assert "not from the wheel: vendor/pi_heif/extra.py" in problems
    shutil.rmtree(next(copy.glob("pi_heif-*.dist-info")))
    assert "run `make vendor`" in vendor_problems(architecture, copy)[0]


def test_pillow_is_not_also_in_requirements_txt():
    lines = (PROJECT_DIR / "requirements.txt").read_text().splitlines()
    requirements = [line.split("#")[0].strip().lower() for line in lines]
    assert not [line for line in requirements if line.startswith("pillow")]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """`chalice package --pkg-format terraform` for dev, with every package index unreachable."""
    return make_package(PROJECT_DIR, tmp_path_factory.mktemp("package") / "dev")


def make_package(project_dir: Path, out: Path) -> Path:
    """`make package STAGE=dev` for the project in `project_dir`, into `out`."""
    env = {
        **os.environ,
        **LOCAL_CREDENTIALS,
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
    }
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--pkg-format", "terraform", "--stage", "dev",
                    str(out)],
                   cwd=project_dir, env=env, check=True, capture_output=True, timeout=300)
    shutil.copy(out / "chalice.tf.json", out.parent / AS_GENERATED)  # before make package's fix
    # What `make package` runs next.
    subprocess.run([sys.executable, "-m", "devtools.package", "--stage", "dev", str(out)],
                   cwd=project_dir, env=env, check=True, capture_output=True, timeout=60)
    return out


AS_GENERATED = "chalice-as-generated.tf.json"


@pytest.fixture(scope="module")
def terraform(package) -> dict:
    return json.loads((package / "chalice.tf.json").read_text())


@pytest.fixture(scope="module")
def terraform_as_generated(package) -> dict:
    return json.loads((package.parent / AS_GENERATED).read_text())


def test_every_function_is_python313_with_the_layer_and_stage_settings(terraform):
    functions = terraform["resource"]["aws_lambda_function"]
    assert len(functions) == 8  # six S3-triggered, S3 Batch Operations', outputs on request
    assert functions["batch"]["handler"] == "app.batch"
    assert functions["renditions"]["handler"] == "app.renditions"
    expected_env = stage_environment("dev")
    for function in functions.values():
        assert function["runtime"] == "python3.13"
        assert function["architectures"] == [configured_architecture()]
        assert function["layers"] == ["${aws_lambda_layer_version.managed-layer.arn}"]
        assert function["environment"]["variables"] == expected_env


def test_every_role_carries_exactly_the_generated_policy(terraform):
    policies = {name: policy
                for name, policy in terraform["resource"]["aws_iam_role_policy"].items()
                if policy["name"] != FAILURE_POLICY}  # make package's own: see below
    assert len(policies) == 8
    own = {"batch_role": batch_policy_for, "renditions_role": renditions_policy_for}
    for name, policy in policies.items():
        assert json.loads(policy["policy"]) == own.get(name, policy_for)("dev"), name
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
    # Delete sync is on in dev: every trigger also fires on ObjectRemoved and on lifecycle
    # expirations (their own event family), in the bucket notification Terraform makes.
    assert all(events == ("s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:LifecycleExpiration:*")
               for *_, events in triggers)


# --- make package: Terraform that today's Terraform accepts ---------------------------------

def test_chalices_own_constraints_refuse_todays_terraform(terraform_as_generated):
    """Why make package rewrites them: what Chalice 1.34 writes refuses Terraform since 1.4 and
    the AWS provider since 5.0 (and its AWS provider range predates python3.13)."""
    block = terraform_as_generated["terraform"]
    assert not satisfies("1.11.4", block["required_version"])
    assert not satisfies("5.80.0", block["required_providers"]["aws"]["version"])


def test_make_package_constraints_accept_todays_terraform_and_providers(terraform):
    block = terraform["terraform"]
    for version in ("1.5.7", "1.11.4", "1.14.0"):
        assert satisfies(version, block["required_version"]), version
    assert not satisfies("2.0.0", block["required_version"])
    aws = block["required_providers"]["aws"]
    assert aws["source"] == "hashicorp/aws"
    for version in ("6.28.0", "6.40.0"):
        assert satisfies(version, aws["version"]), version
    # 6.27 lacks aws_lambda_permission's invoked_via_function_url (CloudFront's second
    # permission on the renditions function URL); 5.75.1 refuses runtime python3.13.
    for version in ("6.27.0", "5.100.0", "5.75.1"):
        assert not satisfies(version, aws["version"]), version
    assert not satisfies("7.0.0", aws["version"])  # not checked against: a major may remove
    # Chalice's null_data_source (deprecated in null 3.x) is unused here: gone with its provider.
    assert set(block["required_providers"]) == {"aws"}
    assert "null_data_source" not in terraform.get("data", {})
    assert "null_" not in json.dumps(terraform)


@pytest.mark.parametrize(("version", "constraint", "ok"), [
    ("1.3.9", ">= 0.12.26, < 1.4.0", True), ("1.4.0", ">= 0.12.26, < 1.4.0", False),
    ("5.99.1", "~> 5.80", True), ("6.0.0", "~> 5.80", False), ("5.80.9", "~> 5.80.0", True),
    ("5.81.0", "~> 5.80.0", False), ("1.2", "= 1.2.0", True), ("1.2.1", "!= 1.2.1", False),
])
def test_constraint_check_reads_terraforms_syntax(version, constraint, ok):
    assert satisfies(version, constraint) is ok


def _terraform_init(directory: Path, template: dict, tmp_path: Path) -> str:
    """`terraform init` on the template, with providers looked for only in an empty local
    mirror: no network, and it stops once it needs the AWS provider."""
    directory.mkdir()
    (directory / "chalice.tf.json").write_text(json.dumps(template))
    mirror = tmp_path / "empty-mirror"
    mirror.mkdir(exist_ok=True)
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = '
                          f'"{mirror}"\n  }}\n}}\n')
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": str(cli_config),
           "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    run = subprocess.run([TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"],
                         cwd=directory, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    return run.stdout + run.stderr


TERRAFORM = shutil.which("terraform")


@pytest.mark.skipif(TERRAFORM is None, reason="no terraform binary on PATH (the constraints are "
                    "also checked in Python above)")
def test_terraform_itself_refuses_chalices_constraints_and_reads_make_packages(
        terraform_as_generated, terraform, tmp_path):
    as_generated = _terraform_init(tmp_path / "as-generated", terraform_as_generated, tmp_path)
    assert "Unsupported Terraform Core version" in as_generated, as_generated
    fixed = _terraform_init(tmp_path / "fixed", terraform, tmp_path)
    # Past the core version check and the configuration's loading (a malformed reference or
    # depends_on fails here), on to installing the providers, which offline it cannot.
    assert "Unsupported Terraform Core version" not in fixed, fixed
    assert "must be valid before initialization" not in fixed, fixed
    assert 'Finding hashicorp/aws versions matching ">= 6.28.0, < 7.0.0"' in fixed, fixed
    assert "hashicorp/null" not in fixed


# Every `${...}` interpolation, and each resource or data source named inside it, also within
# a function call (`${split("/", aws_lambda_function_url.renditions.function_url)[2]}`).
INTERPOLATION = re.compile(r"\$\{[^}]*\}")
REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+")


def test_every_reference_in_the_package_names_something_it_declares(terraform):
    text = json.dumps(terraform)
    references = [found for interpolation in INTERPOLATION.findall(text)
                  for found in REFERENCE.findall(interpolation)]
    assert any(kind == "aws_lambda_function_url" for _, kind, _ in references)  # in split()
    assert len(references) > 40
    for data, kind, name in references:
        declared = terraform["data" if data else "resource"].get(kind, {})
        assert name in declared, f"${{{data}{kind}.{name}}}"
    for config in terraform["resource"]["aws_lambda_function_event_invoke_config"].values():
        for dependency in config["depends_on"]:
            kind, name = dependency.split(".")
            assert name in terraform["resource"][kind]


def test_package_has_the_failure_destination_make_destinations_sets(terraform, chalice_app):
    """Both routes end up the same: per function Chalice generated, an event invoke config to
    the stage's queue, its role's sqs:SendMessage on the queue, an errors alarm; one queue and
    its depth alarm. Names come from Chalice's own resources, not from a list here."""
    resources = terraform["resource"]
    [(queue_key, queue)] = resources["aws_sqs_queue"].items()
    assert queue == {"name": "thumbnailer-dev-failures", "sqs_managed_sse_enabled": True,
                     "message_retention_seconds": 1209600}
    queue_arn = f"${{aws_sqs_queue.{queue_key}.arn}}"
    # The S3-triggered functions (invoked asynchronously); not `batch`, which S3 Batch
    # Operations invokes synchronously and whose failures its completion report holds, nor
    # `renditions`, whose caller (a function URL request) gets its answer.
    triggered = {source.name for source in s3_event_sources(chalice_app.app)}
    functions = {name: function for name, function in resources["aws_lambda_function"].items()
                 if name in triggered}
    assert set(resources["aws_lambda_function"]) - set(functions) == {"batch", "renditions"}
    configs = resources["aws_lambda_function_event_invoke_config"]
    policies = {p["role"]: (name, p) for name, p in resources["aws_iam_role_policy"].items()
                if p["name"] == FAILURE_POLICY}
    assert len(functions) == len(configs) == len(policies) == 6
    alarms = resources["aws_cloudwatch_metric_alarm"]
    assert len(alarms) == 7
    for name, function in functions.items():
        [config] = [c for c in configs.values()
                    if c["function_name"] == f"${{aws_lambda_function.{name}.function_name}}"]
        assert config["maximum_retry_attempts"] == 2
        assert config["maximum_event_age_in_seconds"] == 21600
        assert config["destination_config"] == {"on_failure": {"destination": queue_arn}}
        role = re.fullmatch(r"\$\{aws_iam_role\.(.+)\.arn\}", function["role"]).group(1)
        assert role in resources["aws_iam_role"]
        policy_name, policy = policies[f"${{aws_iam_role.{role}.id}}"]
        assert json.loads(policy["policy"]) == destinations.send_policy(queue_arn)
        # Lambda checks the role may send to the destination when the config is set.
        assert config["depends_on"] == [f"aws_iam_role_policy.{policy_name}"]
        function_ref = f"${{aws_lambda_function.{name}.function_name}}"
        assert terraform_alarm(destinations.errors_alarm(function_ref)) in alarms.values()
    depth = terraform_alarm(destinations.queue_depth_alarm(f"${{aws_sqs_queue.{queue_key}.name}}"))
    assert depth in alarms.values()
    assert depth["dimensions"] == {"QueueName": f"${{aws_sqs_queue.{queue_key}.name}}"}
    assert (depth["comparison_operator"], depth["threshold"]) == ("GreaterThanThreshold", 0.0)


def test_make_destinations_names_the_functions_and_roles_chalice_packages(terraform, chalice_app):
    """The names `make destinations` works on are those Chalice deploys: checked against the
    functions and roles in Chalice's own package output."""
    functions = destinations.stage_functions("dev", chalice_app.app)
    packaged = terraform["resource"]
    triggered = {name: function for name, function in packaged["aws_lambda_function"].items()
                 if name not in ("batch", "renditions")}  # invoked synchronously: see above
    assert ({f.function_name for f in functions}
            == {f["function_name"] for f in triggered.values()})
    assert ({f.role_name for f in functions}
            == {r["name"] for key, r in packaged["aws_iam_role"].items()
                if key not in ("batch_role", "renditions_role")})
    for function in triggered.values():
        role_key = re.fullmatch(r"\$\{aws_iam_role\.(.+)\.arn\}", function["role"]).group(1)
        [ours] = [f for f in functions if f.function_name == function["function_name"]]
        assert packaged["aws_iam_role"][role_key]["name"] == ours.role_name


@pytest.fixture(scope="module")
def lambda_filesystem(package, tmp_path_factory) -> dict[str, Path]:
    """/var/task, /opt and the runtime's packages, as Lambda lays them out."""
    return lay_out(package, tmp_path_factory.mktemp("lambda"))


def lay_out(package: Path, root: Path) -> dict[str, Path]:
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
        [sys.executable, "-I", "-S", "-B", str(BOOTSTRAP), handler_string, str(event_file),
         str(lambda_filesystem["task"]), str(lambda_filesystem["opt"]),
         str(lambda_filesystem["runtime"])],
        cwd=lambda_filesystem["task"], env=env, capture_output=True, text=True, timeout=120,
                         check=False,
    )
    assert run.returncode == 0, run.stderr
    *log_lines, last = run.stdout.strip().splitlines()
    return {**json.loads(last), "stdout_lines": log_lines, "stderr": run.stderr}


def test_function_zip_holds_only_the_lambda_code(lambda_filesystem):
    top_level = {path.name for path in lambda_filesystem["task"].iterdir()}
    # No tests, devtools or vendor; __pycache__ holds app.py's bytecode only.
    assert top_level == {"app.py", "chalicelib", "chalice", "__pycache__"}
    cached = {path.name for path in (lambda_filesystem["task"] / "__pycache__").iterdir()}
    assert cached == {"app.cpython-313.pyc"}


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
    assert output["pi_heif"] is None  # libheif is loaded only for HEIF uploads
    # A cold start on Lambda's read-only file system compiles nothing of the package.
    assert output["compiled_from_source"] == []
    thumbnail_key = f"packaged/photo-thumbnail{suffix}"
    assert s3.head_object(Bucket=target_bucket, Key=thumbnail_key)["ContentLength"] > 0


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
def test_packaged_handler_decodes_a_heic_with_the_layers_pi_heif(
    s3, chalice_app, lambda_filesystem, source_bucket, target_bucket, tmp_path
):
    """pi-heif and its libheif load from the layer, the embedded thumbnail is decoded through
    that libheif, and the HEIC becomes a JPEG under a .HEIC.jpg key. The S3 mode has no .heic
    function: the .jpg one runs the record, as the EventBridge mode's function would."""
    from tests.helpers.pictures import assert_upright, heic_with_irot, upright_picture

    [source] = [s for s in s3_event_sources(chalice_app.app) if s.suffix == ".jpg"]
    record = upload(s3, source_bucket, "packaged/IMG_0001.HEIC",
                    heic_with_irot(upright_picture((1600, 1200)), 6, thumbnails=[1000]))
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"Records": [record]}))
    output = run_packaged(source.handler_string, event_file, lambda_filesystem,
                          AWS_EXECUTION_ENV="AWS_Lambda_python3.13")
    assert output["result"] == {"written": 1, "skipped": 0, "deleted": 0}, output["stdout_lines"]
    assert output["pi_heif"].startswith(str(lambda_filesystem["opt"]))
    assert output["compiled_from_source"] == []  # pi_heif's Python too
    [line] = [json.loads(line) for line in output["stdout_lines"]]
    assert "embedded 1000x750 thumbnail decoded instead of the 1600x1200 image" in line["notes"]
    key = "packaged/IMG_0001-thumbnail.HEIC.jpg"
    assert s3.head_object(Bucket=target_bucket, Key=key)["ContentType"] == "image/jpeg"
    thumbnail = Image.open(io.BytesIO(s3.get_object(Bucket=target_bucket, Key=key)["Body"].read()))
    assert thumbnail.size == (960, 720)
    assert_upright(thumbnail)


@pytest.mark.parametrize(
    ("wheel", "architecture", "runs"),
    [
        ("pillow-13.0.0-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "x86_64",
         True),
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


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
def test_packaged_handler_logs_each_record_as_one_plain_json_line_with_its_metrics(
    s3, chalice_app, lambda_filesystem, source_bucket, tmp_path
):
    """In Lambda (AWS_EXECUTION_ENV), the record's line goes to stdout as a bare JSON object,
    which CloudWatch reads EMF from, and not also through the runtime's prefixing handler."""
    from tests.helpers.emf import emf_problems

    [source] = [s for s in s3_event_sources(chalice_app.app) if s.suffix == ".jpg"]
    records = [upload(s3, source_bucket, "packaged/m.jpg",
                      samples.jpeg_bytes(samples.photo_like((400, 300)))),
               upload(s3, source_bucket, "packaged/html.jpg", b"<!doctype html>")]
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"Records": records}))
    output = run_packaged(source.handler_string, event_file, lambda_filesystem,
                          AWS_EXECUTION_ENV="AWS_Lambda_python3.13")
    assert output["result"] == {"written": 1, "skipped": 1, "deleted": 0}
    lines = [json.loads(line) for line in output["stdout_lines"]]
    assert [(line["key"], line["Outcome"]) for line in lines] == [
        ("packaged/m.jpg", "written"), ("packaged/html.jpg", "skipped")]
    for line in lines:
        assert emf_problems(line) == []
        assert line["Stage"] == "dev"
    assert "packaged/m.jpg" not in output["stderr"]  # not twice


# --- TRIGGER=eventbridge: the same project, its dev stage set to the EventBridge mode ----------

@pytest.fixture(scope="module")
def eventbridge_project(tmp_path_factory) -> Path:
    """A copy of the project whose dev stage sets TRIGGER=eventbridge, as a team would."""
    project = tmp_path_factory.mktemp("eventbridge") / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "deployments", "deployed")
    for name in ("app.py", "requirements.txt"):
        shutil.copy(PROJECT_DIR / name, project / name)
    for name in ("chalicelib", "devtools", "vendor", ".chalice"):
        shutil.copytree(PROJECT_DIR / name, project / name, ignore=ignore)
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["TRIGGER"] = "eventbridge"
    config_path.write_text(json.dumps(config, indent=2))
    return project


@pytest.fixture(scope="module")
def eventbridge_package(eventbridge_project) -> Path:
    return make_package(eventbridge_project, eventbridge_project.parent / "build" / "dev")


@pytest.fixture(scope="module")
def eventbridge_terraform(eventbridge_package) -> dict:
    return json.loads((eventbridge_package / "chalice.tf.json").read_text())


def test_eventbridge_package_has_one_function_on_a_rule_with_the_apps_pattern(
    eventbridge_terraform
):
    from tests.helpers.app_modules import HANDLER, import_app

    resources = eventbridge_terraform["resource"]
    assert sorted(resources["aws_lambda_function"]) == ["batch", "renditions", HANDLER]
    function = resources["aws_lambda_function"][HANDLER]
    assert function["handler"] == f"app.{HANDLER}"
    assert function["environment"]["variables"] == {**stage_environment("dev"),
                                                    "TRIGGER": "eventbridge"}
    assert "aws_s3_bucket_notification" not in resources  # no S3 notification at all
    [(rule_name, rule)] = resources["aws_cloudwatch_event_rule"].items()
    [source] = import_app("app_eventbridge_package", TRIGGER="eventbridge").app.event_sources
    assert json.loads(rule["event_pattern"]) == source.event_pattern
    assert "event_bus_name" not in rule  # the default bus, where S3 sends its events
    # Named per stage, as `chalice deploy` names it (Chalice's Terraform would not).
    assert rule["name"] == f"thumbnailer-dev-{rule_name}"
    assert rule["name"] == "thumbnailer-dev-thumbnail_eventbridge-event"
    target = resources["aws_cloudwatch_event_target"][rule_name]
    assert target["rule"] == f"${{aws_cloudwatch_event_rule.{rule_name}.name}}"
    assert target["arn"] == f"${{aws_lambda_function.{HANDLER}.arn}}"
    permission = resources["aws_lambda_permission"][rule_name]
    assert (permission["principal"], permission["action"], permission["source_arn"]) == (
        "events.amazonaws.com", "lambda:InvokeFunction",
        f"${{aws_cloudwatch_event_rule.{rule_name}.arn}}")
    # The role carries exactly the generated policy; EventBridge's invocations are asynchronous:
    # failed events retried, then to the failure queue, as for the S3-triggered functions.
    policies = {name: json.loads(policy["policy"])
                for name, policy in resources["aws_iam_role_policy"].items()
                if policy["name"] != FAILURE_POLICY}
    assert policies == {f"{HANDLER}_role": policy_for("dev"), "batch_role": batch_policy_for("dev"),
                        "renditions_role": renditions_policy_for("dev")}
    config = resources["aws_lambda_function_event_invoke_config"]
    assert list(config) == [f"{HANDLER}_failure_destination"]


def test_package_refuses_a_trigger_set_in_the_shell_but_not_in_the_stage(terraform):
    from devtools.package import TriggerMismatch, check_trigger

    check_trigger(terraform)  # s3, as the stage says
    shell_only = json.loads(json.dumps(terraform))
    shell_only["resource"]["aws_cloudwatch_event_rule"] = {"r": {"name": "r"}}
    with pytest.raises(TriggerMismatch, match="set TRIGGER per stage"):
        check_trigger(shell_only)


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
def test_packaged_eventbridge_handler_runs_in_an_isolated_lambda_layout(
    s3, eventbridge_package, source_bucket, target_bucket, tmp_path
):
    from devtools.events import eventbridge_event
    from tests.helpers.app_modules import HANDLER

    filesystem = lay_out(eventbridge_package, tmp_path / "lambda")
    key = "packaged/Mixed Case+1.Jpg"
    record = upload(s3, source_bucket, key, samples.jpeg_bytes(samples.photo_like((800, 600))))
    created = eventbridge_event(source_bucket, key, record["s3"]["object"]["size"],
                                record["s3"]["object"]["eTag"])
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(created))
    output = run_packaged(f"app.{HANDLER}", event_file, filesystem, TRIGGER="eventbridge")
    assert output["result"] == {"written": 1, "skipped": 0, "deleted": 0}
    assert output["PIL"].startswith(str(filesystem["opt"]))
    assert s3.head_object(Bucket=target_bucket, Key="packaged/Mixed Case+1-thumbnail.Jpg")
    s3.delete_object(Bucket=source_bucket, Key=key)
    event_file.write_text(json.dumps(eventbridge_event(
        source_bucket, key, detail_type="Object Deleted", reason="DeleteObject",
        deletion_type="Permanently Deleted")))
    output = run_packaged(f"app.{HANDLER}", event_file, filesystem, TRIGGER="eventbridge")
    assert output["result"] == {"written": 0, "skipped": 0, "deleted": 1}


@pytest.mark.skipif(
    ARCHITECTURES[configured_architecture()][0] != platform.machine(),
    reason="the vendored wheel is for another architecture than this machine",
)
def test_make_deploy_leaves_only_app_py_and_chalices_own_files_to_compile(
    s3, chalice_app, source_bucket, target_bucket, tmp_path
):
    """`make deploy` compiles chalicelib/ and vendor/ in place, then `chalice deploy` zips them
    as `chalice package` does (the same packager; here without make package's
    post-processing): only app.py and Chalice's
    own chalice/ files, which Chalice copies without bytecode, are compiled at a cold start."""
    project = project_copy(tmp_path / "project")
    shutil.copytree(PROJECT_DIR / "vendor", project / "vendor")
    shutil.copy(PROJECT_DIR / "requirements.txt", project / "requirements.txt")
    subprocess.run([sys.executable, "-m", "devtools.bytecode", "chalicelib", "vendor"],
                   cwd=project, check=True, capture_output=True, timeout=120)
    chalice = Path(sys.executable).with_name("chalice")
    out = tmp_path / "package"
    subprocess.run([str(chalice), "package", "--pkg-format", "terraform", "--stage", "dev",
                    str(out)], cwd=project,
                   env={**os.environ, **LOCAL_CREDENTIALS, "PIP_NO_INDEX": "1"}, check=True,
                   capture_output=True, timeout=300)
    filesystem = lay_out(out, tmp_path / "lambda")
    [source] = [s for s in s3_event_sources(chalice_app.app) if s.suffix == ".jpg"]
    event_file = tmp_path / "event.json"
    record = upload(s3, source_bucket, "deployed/photo.jpg",
                    samples.jpeg_bytes(samples.photo_like((640, 480))))
    event_file.write_text(json.dumps({"Records": [record]}))
    output = run_packaged(source.handler_string, event_file, filesystem)
    assert output["result"] == {"written": 1, "skipped": 0, "deleted": 0}
    compiled = {Path(path).relative_to(tmp_path / "lambda").as_posix()
                for path in output["compiled_from_source"]}
    assert compiled == {"var/task/app.py", "var/task/chalice/__init__.py",
                        "var/task/chalice/app.py"}


def test_package_serves_outputs_through_cloudfront_to_the_renditions_function(terraform):
    """make package adds devtools/cdn.py's wiring (tests/test_cdn.py checks its content) to the
    Chalice package, on the functions and roles Chalice generated."""
    resources = terraform["resource"]
    url = resources["aws_lambda_function_url"]["renditions"]
    assert url["function_name"] == "${aws_lambda_function.renditions.function_name}"
    assert "renditions" in resources["aws_cloudfront_distribution"]
    assert "renditions_from_cloudfront" in resources["aws_lambda_permission"]
    assert len(resources["aws_lambda_permission"]) > 1  # Chalice's S3 ones kept beside it
    assert resources["aws_s3_bucket_policy"]["renditions_target"]["bucket"] == (
        stage_environment("dev")["TARGET_BUCKET"])
