"""The wiring Lambda and `chalice deploy` rely on: handler strings, event sources, stages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chalicelib.config.keys import upload_suffixes
from chalicelib.pipeline.setup import load_settings
from devtools.local_s3 import s3_event_sources
from devtools.stage import PROJECT_DIR, stage_environment
from tests.helpers.uploads import upload

STAGES = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())["stages"]


def test_one_function_per_suffix_on_the_source_bucket(chalice_app, stage_env):
    sources = s3_event_sources(chalice_app.app)
    assert sorted(source.suffix for source in sources) == sorted(upload_suffixes())
    for source in sources:
        assert source.bucket == stage_env["SOURCE_BUCKET"]
        # Delete sync: deletes, and lifecycle expirations, which ObjectRemoved leaves out.
        assert source.events == ["s3:ObjectCreated:*", "s3:ObjectRemoved:*",
                                 "s3:LifecycleExpiration:*"]
        assert source.prefix is None


def test_every_handler_string_resolves_to_the_registered_handler(chalice_app):
    names = [source.name for source in s3_event_sources(chalice_app.app)]
    assert len({name.lower() for name in names}) == len(names)  # IAM role names ignore case
    for source in s3_event_sources(chalice_app.app):
        module, _, attribute = source.handler_string.partition(".")
        assert module == "app"
        handler = getattr(chalice_app, attribute)
        assert handler is chalice_app.app.handler_map[source.name]
        assert callable(handler)


def test_handler_called_the_way_lambda_calls_it(s3, chalice_app, stage_env, source_bucket,
                                                 target_bucket, monkeypatch):
    """Lambda resolves app.<name> and calls it with the raw event dict and a context."""
    from devtools import samples

    for name, value in stage_env.items():
        monkeypatch.setenv(name, value)
    record = upload(s3, source_bucket, "raw/x.jpeg",
                    samples.jpeg_bytes(samples.photo_like((300, 200))))

    result = chalice_app.thumbnail_jpeg({"Records": [record]}, None)

    assert result == {"written": 1, "skipped": 0, "deleted": 0}
    assert s3.head_object(Bucket=target_bucket, Key="raw/x-thumbnail.jpeg")["ContentLength"] > 0


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_stage_has_valid_distinct_settings(stage):
    settings = load_settings(stage_environment(stage))
    others = [stage_environment(other) for other in STAGES if other != stage]
    for other in others:  # S3 rejects overlapping suffix rules from two stages on one bucket
        assert settings.source_bucket != other["SOURCE_BUCKET"]
        assert settings.target_bucket != other["TARGET_BUCKET"]


def test_dev_and_prod_stages_exist():
    assert {"dev", "prod"} <= set(STAGES)


def test_importing_app_without_source_bucket_reads_the_dev_stage():
    """A user's own test imports app.py with nothing set: the dev stage's bucket, as
    Chalice's test client would use it (tests/test_time_budget.py invokes through it)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_DIR)}
    script = "import app; print(app.app.event_sources[0].bucket)"
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == stage_environment("dev")["SOURCE_BUCKET"]


def test_importing_app_without_source_bucket_or_a_stage_config_names_the_variable(tmp_path):
    """Deployed, the variables are always set; anywhere without .chalice/config.json, a missing
    SOURCE_BUCKET is named."""
    (tmp_path / "app.py").write_text((PROJECT_DIR / "app.py").read_text())
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_DIR)}
    run = subprocess.run([sys.executable, "-c", "import app"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode != 0
    assert "SOURCE_BUCKET is not set" in run.stderr
