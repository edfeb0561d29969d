"""Work that fits is never refused: the time budget under Chalice's test client as it comes.

`chalice.test.Client` tells every handler that 3 s are left, whatever lambda_timeout says, and
AWS's default Lambda timeout is 3 s too. A real S3 request takes 20-50 ms, so every S3 request
here goes through a proxy that delays it by 30 ms (devtools/latency.py). The work itself (four
outputs of a 12 MP photo, AVIF and a watermark among them, Rekognition, a backup copy, the
processed-image event) takes well under a second: it must be done, not refused as OutOfTime.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest

from chalicelib.pipeline.log import LOGGER_NAME
from devtools import samples
from devtools.events import s3_record
from devtools.latency import LatencyProxy
from devtools.stage import PROJECT_DIR, lambda_context

ALL_OUTPUTS = "thumbnail,card,small,marked"  # card: WebP, text; small: AVIF; marked: watermark
BACKUP, BUS = "thumbnailer-dev-backup", "thumbnailer-dev-events"
RTT_S = 0.03


@pytest.fixture(scope="module")
def photos() -> dict[str, bytes]:
    """Two 12-megapixel photos as phones make them: one landscape, one stored sideways."""
    landscape = samples.photo_like((4000, 3000), seed=3)
    sideways = samples.stored_with_orientation(samples.photo_like((3000, 4000), seed=4), 6)
    return {"trip/landscape.jpg": samples.jpeg_bytes(landscape, quality=92),
            "trip/portrait.jpg": samples.jpeg_bytes(sideways, quality=92,
                                                    exif=samples.exif_bytes(6))}


@pytest.fixture
def every_feature(tmp_path, s3, stage_env, monkeypatch):
    """A project whose `features` stage makes every output with every feature on, on the dev
    stage's buckets; lambda_timeout 3 (AWS's default). S3 answers through the 30 ms proxy."""
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    config["stages"]["features"] = {
        "lambda_timeout": 3,
        "environment_variables": {
            **config["stages"]["dev"]["environment_variables"],
            "OUTPUTS": ALL_OUTPUTS, "LABELS": "labels,moderation", "BACKUP_BUCKET": BACKUP,
            "EVENT_BUS": BUS, "STAGE": "features",
        },
    }
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config))
    s3.create_bucket(Bucket=BACKUP)
    boto3.client("events").create_event_bus(Name=BUS)
    with LatencyProxy(os.environ["AWS_ENDPOINT_URL"], RTT_S) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        yield tmp_path, config["stages"]["features"]["environment_variables"], proxy


def _upload(s3, bucket: str, key: str, data: bytes) -> dict:
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    head = s3.head_object(Bucket=bucket, Key=key)
    return s3_record(bucket, key, head["ContentLength"], head["ETag"].strip('"'))


def _assert_everything_written(s3, key: str, target_bucket: str, lines: list[dict]) -> None:
    stem = key.removesuffix(".jpg")
    made = {item["Key"] for item in s3.list_objects_v2(Bucket=target_bucket,
                                                       Prefix=stem)["Contents"]}
    assert made == {f"{stem}-thumbnail.jpg", f"{stem}-card.webp", f"{stem}-small.avif",
                    f"{stem}-marked.jpg", f"{stem}-labels.json"}
    assert s3.head_object(Bucket=BACKUP, Key=key)["ContentLength"] > 0
    [line] = [line for line in lines if line["key"] == key]
    assert line["outcome"] == "written" and line["source_size"] in ("4000x3000", "3000x4000")
    assert line["backup"] == "copied" and line["event"].startswith("sent: Image processed")


def _record_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]


def test_every_output_and_feature_fits_in_the_test_clients_3_seconds_with_real_s3_latency(
    s3, chalice_app, every_feature, photos, source_bucket, target_bucket, caplog
):
    """Chalice's Client unpatched: its context says 3 s are left."""
    from chalice.test import Client

    project_dir, _, proxy = every_feature
    caplog.set_level("INFO", logger=LOGGER_NAME)
    with Client(chalice_app.app, stage_name="features", project_dir=str(project_dir)) as client:
        for key, data in photos.items():
            record = _upload(s3, source_bucket, key, data)
            response = client.lambda_.invoke("thumbnail_jpg", {"Records": [record]})
            assert response.payload == {"written": 1, "skipped": 0, "deleted": 0}
    for key in photos:
        _assert_everything_written(s3, key, target_bucket, _record_lines(caplog))
    assert proxy.requests >= 2 * 8  # copy, get, 4 outputs, sidecar, check: each delayed


def test_every_output_and_feature_fits_in_a_3_second_lambda_timeout(
    s3, chalice_app, every_feature, photos, source_bucket, target_bucket, monkeypatch, caplog
):
    """The handler called as Lambda calls it, in a stage deployed with lambda_timeout 3."""
    project_dir, environment, _ = every_feature
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    caplog.set_level("INFO", logger=LOGGER_NAME)
    for key, data in photos.items():
        record = _upload(s3, source_bucket, key, data)
        context = lambda_context("thumbnail_jpg", "features", project_dir)
        assert context.get_remaining_time_in_millis() <= 3000
        assert chalice_app.thumbnail_jpg({"Records": [record]}, context) == {
            "written": 1, "skipped": 0, "deleted": 0}
        assert context.get_remaining_time_in_millis() > 0
    for key in photos:
        _assert_everything_written(s3, key, target_bucket, _record_lines(caplog))


USERS_OWN_TEST = """
import json, sys
import app  # nothing set: app.py reads the dev stage from .chalice/config.json
from chalice.test import Client

with Client(app.app, stage_name="dev") as client:
    response = client.lambda_.invoke("thumbnail_jpg", json.loads(sys.argv[1]))
print(json.dumps(response.payload))
"""


def test_a_users_own_test_imports_app_and_invokes_through_chalices_client(
    s3, s3_endpoint, source_bucket, target_bucket
):
    """What the README shows: `import app` with nothing set, then Chalice's Client with the dev
    stage, which sets the stage's variables only while it invokes."""
    record = _upload(s3, source_bucket, "mine/cat.jpg",
                     samples.jpeg_bytes(samples.photo_like((1600, 1200))))
    environment = {name: value for name, value in os.environ.items()
                   if name.startswith("AWS_") or name in ("PATH", "HOME")}
    assert "SOURCE_BUCKET" not in environment
    run = subprocess.run([sys.executable, "-c", USERS_OWN_TEST, json.dumps({"Records": [record]})],
                         cwd=PROJECT_DIR, env=environment, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == {"written": 1, "skipped": 0, "deleted": 0}
    assert s3.head_object(Bucket=target_bucket, Key="mine/cat-thumbnail.jpg")["ContentLength"] > 0
