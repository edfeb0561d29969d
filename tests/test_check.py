"""`make check`, and the same validation in `make dev`: at its start, and again whenever
.chalice/config.json or outputs.toml changes while it runs. Real runs of devtools.check and
devtools.dev in a copy of the project, whose files each test writes or breaks itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from chalicelib.image import encode
from devtools import samples
from tests.helpers.dev_process import DevProcess
from tests.helpers.project_copy import (
    CONFIG_JSON,
    OUTPUTS_TOML,
    project_copy,
    set_stage_variables,
)

OUTPUTS = """
[thumbnail]
key = "{folder}{stem}-thumbnail.{ext}"
size = "1280x720"
fit = "contain"
format = "same"
quality = 85

[square]
key = "squares/{folder}{stem}.png"
size = "200x200"
fit = "pad"
format = "png"
background = "#102030"
effects = [{ op = "greyscale" }, { op = "blur", radius = 2 }]

[unused]
key = "{folder}{stem}-unused.webp"
size = "64x64"
format = "webp"

[avatar]
key = "{folder}{stem}-avatar.webp"
size = "64x64"
fit = "cover"
format = "webp"
when = "request"
"""


@pytest.fixture
def project(tmp_path):
    project = project_copy(tmp_path / "project")
    (project / OUTPUTS_TOML).write_text(OUTPUTS)
    return project


def run_check(project, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "devtools.check", *arguments], cwd=project,
                          capture_output=True, text=True, timeout=60, check=False)


def table_row(output: str, name: str) -> list[str]:
    """The columns of the output table's row for `name` (columns are 2+ spaces apart)."""
    [row] = [line for line in output.splitlines() if line.startswith(f"  {name}  ")]
    return re.split(r" {2,}", row.strip())


def feature(output: str, name: str) -> str:
    [line] = [line for line in output.splitlines() if line.startswith(f"  {name}  ")]
    return line[2 + len(name):].strip()


def test_make_check_prints_each_output_the_stage_makes_and_the_features_on(project):
    set_stage_variables(project, OUTPUTS="square,thumbnail,avatar", LABELS="moderation",
                        EVENT_BUS="thumbnailer-events")
    run = run_check(project)
    assert run.returncode == 0, run.stderr

    assert "OUTPUTS=square,thumbnail,avatar" in run.stdout
    assert "declares thumbnail, square, unused, avatar" in run.stdout
    assert table_row(run.stdout, "name") == [
        "name", "key", "size", "fit", "format", "quality", "when", "effects"]
    assert table_row(run.stdout, "square") == [
        "square", "squares/{folder}{stem}.png", "200x200", "pad on #102030", "png", "lossless",
        "upload", "greyscale() -> blur(radius=2)"]
    assert table_row(run.stdout, "thumbnail") == [
        "thumbnail", "{folder}{stem}-thumbnail.{ext}", "1280x720", "contain", "same", "85",
        "upload", "none"]
    assert table_row(run.stdout, "avatar")[:7] == [  # made on its first request (renditions)
        "avatar", "{folder}{stem}-avatar.webp", "64x64", "cover", "webp", "80 (default)",
        "request"]
    assert "  unused  " not in run.stdout  # declared, not made by this stage
    assert feature(run.stdout, "delete sync").startswith("on: ")
    assert feature(run.stdout, "backup") == "off (BACKUP_BUCKET unset)"
    assert feature(run.stdout, "labels").startswith("on: moderation (quarantine at 60%")
    assert feature(run.stdout, "event bus") == "on: an event per upload on thumbnailer-events"
    assert feature(run.stdout, "trigger").startswith("s3: ")

    on_eventbridge = run_check(project, "--trigger", "eventbridge")
    assert feature(on_eventbridge.stdout, "trigger").startswith("eventbridge: ")


def test_make_check_shows_the_score_a_searched_quality_aims_at(project):
    (project / OUTPUTS_TOML).write_text(OUTPUTS + """
[small]
key = "{folder}{stem}-small.jpg"
size = "320x180"
format = "jpeg"
quality = "auto"

[hero]
key = "{folder}{stem}-hero.avif"
size = "1600x900"
format = "avif"
quality = { target = 0.95, min = 40 }

[any]
key = "{folder}{stem}-any.{ext}"
size = "320x180"
format = "same"
quality = "auto"
""")
    set_stage_variables(project, OUTPUTS="small,hero,any")
    run = run_check(project)
    assert run.returncode == 0, run.stderr
    jpeg_default = encode.DEFAULT_TARGET["JPEG"]
    assert table_row(run.stdout, "small")[5] == f"auto (score {jpeg_default:g})"
    assert table_row(run.stdout, "hero")[5] == "auto (score 0.95, min 40)"
    assert table_row(run.stdout, "any")[5] == "auto (score the format's default)"


def test_make_check_reads_the_memory_the_stage_gives_the_function(project):
    """The memory budget is checked against lambda_memory_size, as Lambda hands it over."""
    set_stage_variables(project, MAX_SOURCE_PIXELS="1500000000")
    too_small = run_check(project)
    assert too_small.returncode == 1
    assert "MAX_SOURCE_PIXELS=1500000000" in too_small.stderr
    assert "1024 MB function" in too_small.stderr

    config = json.loads((project / CONFIG_JSON).read_text())
    config["stages"]["dev"]["lambda_memory_size"] = 3008
    (project / CONFIG_JSON).write_text(json.dumps(config))
    enough = run_check(project)
    assert enough.returncode == 0, enough.stderr
    assert "1500 megapixels, in a 3008 MB function" in enough.stdout


@pytest.mark.parametrize(("broken", "message"), [
    ('size = "200x200"', '[square].size: must look like "1280x720"'),
    ('fit = "pad"', "[square].fit: must be contain, cover or pad"),
    ('{ op = "blur", radius = 2 }', "[square].effects[2].op: unknown op 'blurry'"),
    ('format = "png"', "not valid TOML"),
], ids=["size", "fit", "effect", "syntax"])
def test_make_check_names_the_field_of_a_broken_outputs_toml(project, broken, message):
    text = (project / OUTPUTS_TOML).read_text()
    replacement = {"size": 'size = "big"', "fit": 'fit = "stretch"',
                   "{ op": '{ op = "blurry", radius = 2 }', "format": 'format = "png'}
    (project / OUTPUTS_TOML).write_text(text.replace(broken, replacement[broken.split(" =")[0]]))
    run = run_check(project)
    assert run.returncode == 1
    assert run.stdout == ""
    assert "chalicelib/config/outputs.toml" in run.stderr
    assert message in run.stderr


@pytest.mark.parametrize(("variables", "message"), [
    ({"OUTPUTS": "thumbnail,cards"}, "OUTPUTS names 'cards', not declared in outputs.toml"),
    ({"DELETE_OUTPUTS": "maybe"}, "DELETE_OUTPUTS must be true or false"),
    ({"EVENT_BUS": "no spaces please"}, "EVENT_BUS must be an event bus name"),
    ({"LABELS": 1}, "environment variable LABELS of stage dev must be a string, got 1"),
], ids=["outputs", "delete-sync", "event-bus", "not-a-string"])
def test_make_check_names_the_setting_of_a_broken_stage(project, variables, message):
    set_stage_variables(project, **variables)
    run = run_check(project)
    assert run.returncode == 1
    assert ".chalice/config.json" in run.stderr and message in run.stderr


def test_make_check_refuses_config_json_that_is_not_json_and_stages_it_lacks(project):
    assert "no stage 'staging' (stages: dev, prod)" in run_check(project, "--stage",
                                                                 "staging").stderr
    config = project / CONFIG_JSON
    config.write_text(config.read_text().replace('"dev": {', '"dev" {'))
    run = run_check(project)
    assert run.returncode == 1
    assert ".chalice/config.json: not valid JSON: Expecting ':' delimiter" in run.stderr


def test_make_dev_refuses_to_start_on_a_broken_file_and_says_why(project):
    (project / OUTPUTS_TOML).write_text(OUTPUTS.replace('size = "64x64"', 'size = "64"'))
    run = subprocess.run([sys.executable, "-m", "devtools.dev", "--port", "1"], cwd=project,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1
    assert "make dev: not starting, stage dev is not valid" in run.stderr
    assert '[unused].size: must look like "1280x720"' in run.stderr
    assert "local S3 at" not in run.stdout


@pytest.mark.slow
def test_make_dev_reloads_a_changed_configuration_and_keeps_the_last_good_one(project):
    dev = DevProcess(project)
    s3 = None
    try:
        ready = dev.wait_for("ready")
        assert table_row(dev.output, "thumbnail")[:3] == [
            "thumbnail", "{folder}{stem}-thumbnail.{ext}", "1280x720"]  # the banner's table
        s3 = dev.s3()
        photo = samples.jpeg_bytes(samples.photo_like((400, 300)))
        s3.put_object(Bucket="thumbnailer-dev-source", Key="a.jpg", Body=photo)
        line = dev.lines[dev.wait_for("a.jpg  written", ready)]
        assert "-> thumbnail 400x300 (" in line and "square" not in line

        # A valid change: the next upload gets the square too, and the console names it.
        set_stage_variables(project, OUTPUTS="thumbnail,square")
        reloaded = dev.wait_for("reloaded; the next events run with:", ready)
        assert dev.wait_for("squares/{folder}{stem}.png", reloaded) > reloaded  # the new table
        s3.put_object(Bucket="thumbnailer-dev-source", Key="b.jpg", Body=photo)
        line = dev.lines[dev.wait_for("b.jpg  written", reloaded)]
        assert "-> thumbnail 400x300 (" in line and ", square 200x200 (" in line
        assert s3.head_object(Bucket="thumbnailer-dev-thumbnails", Key="squares/b.png")

        # A broken outputs.toml: the message, and the last good configuration keeps serving.
        toml = project / OUTPUTS_TOML
        toml.write_text(OUTPUTS.replace('size = "200x200"', 'size = "huge"'))
        refused = dev.wait_for("NOT RELOADED, the previous configuration keeps serving",
                               reloaded)
        assert dev.wait_for('[square].size: must look like "1280x720"', refused) > refused
        s3.put_object(Bucket="thumbnailer-dev-source", Key="c.jpg", Body=photo)
        line = dev.lines[dev.wait_for("c.jpg  written", refused)]
        assert ", square 200x200 (" in line

        # Fixed, but with a setting the local S3 is wired by at start: restart, it says.
        toml.write_text(OUTPUTS)
        set_stage_variables(project, OUTPUTS="thumbnail,square", TRIGGER="eventbridge")
        restart = dev.wait_for("NOT RELOADED: TRIGGER s3 -> eventbridge", refused)
        assert "restart make dev" in dev.lines[restart]
    finally:
        code = dev.stop()
    assert code == 0, dev.output
    assert "HANDLER RAISED" not in dev.output
    assert "stopped: 3 events" in dev.output
