"""The local loop: `make dev` end to end, and several hundred uploads through it in parallel."""

from __future__ import annotations

import io
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from PIL import Image

from devtools import samples
from devtools.dev import DevLoop
from devtools.stage import PROJECT_DIR, stage_environment
from tests.helpers.ports import free_port


@pytest.mark.slow
def test_make_dev_serves_uploads_until_sigterm(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.dev", "--port", str(port), "--workers", "1"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("ready") for line in list(output)):
            assert process.poll() is None and time.monotonic() < deadline, "".join(output)
            time.sleep(0.1)
        stage = stage_environment("dev")
        # The banner's export line is all a client gets: the endpoint and the credentials.
        [exports] = [line.split(None, 1)[1] for line in output
                     if line.strip().startswith("export ")]
        client_env = dict(assignment.split("=", 1) for assignment in shlex.split(exports))
        assert client_env["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
        s3 = boto3.client("s3", endpoint_url=client_env["AWS_ENDPOINT_URL"],
                          aws_access_key_id=client_env["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=client_env["AWS_SECRET_ACCESS_KEY"],
                          region_name=client_env["AWS_DEFAULT_REGION"])
        s3.put_object(Bucket=stage["SOURCE_BUCKET"], Key="via dev/photo.JPG",
                      Body=samples.jpeg_bytes(samples.photo_like((800, 600))))
        while True:
            listing = s3.list_objects_v2(Bucket=stage["TARGET_BUCKET"]).get("Contents", [])
            if listing:
                break
            assert time.monotonic() < deadline, "".join(output)
            time.sleep(0.1)
        assert [item["Key"] for item in listing] == ["via dev/photo-thumbnail.JPG"]
        # `make backfill` in another shell, with only what the banner says to export.
        backfill_env = {name: value for name, value in os.environ.items()
                        if not name.startswith("AWS_")}
        backfill_env.update(client_env, HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true")
        backfill = subprocess.run([sys.executable, "-m", "devtools.backfill", "--stage", "dev"],
                                  cwd=PROJECT_DIR, env=backfill_env, capture_output=True,
                                  text=True, timeout=60, check=False)
        assert backfill.returncode == 0, backfill.stderr
        assert "up to date: 1" in backfill.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        reader.join(timeout=5)
    text = "".join(output)
    assert "via dev/photo.JPG  written  800x600 -> thumbnail 800x600 (" in text
    assert "stopped: 1 events" in text


@pytest.mark.slow
def test_several_hundred_uploads_through_the_loop_in_parallel(
    s3, chalice_app, source_bucket, target_bucket, capsys
):
    loop = DevLoop(chalice_app.app, stage="dev", workers=4, report=lambda delivery: None)
    keys = [f"load/{n // 50}/image {n:03d}.jpg" for n in range(250)]
    for n, key in enumerate(keys):
        s3.put_object(Bucket=source_bucket, Key=key,
                      Body=samples.jpeg_bytes(samples.photo_like((160, 120), seed=n)))
    replaced = keys[::5]  # 50 keys uploaded again before their first event is handled
    for n, key in enumerate(replaced):
        s3.put_object(Bucket=source_bucket, Key=key,
                      Body=samples.jpeg_bytes(samples.photo_like((200, 100), seed=1000 + n)))

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.events == len(keys) + len(replaced)
    assert stats.raised == 0
    # A stale event renders the upload now under its key: written too, never a stale thumbnail.
    assert stats.outcomes == {"written": len(keys) + len(replaced)}
    for key in keys:
        thumbnail = s3.head_object(Bucket=target_bucket, Key=key.replace(".jpg", "-thumbnail.jpg"))
        source_etag = s3.head_object(Bucket=source_bucket, Key=key)["ETag"].strip('"')
        assert thumbnail["Metadata"]["source-etag"] == source_etag  # newest, never stale
    with capsys.disabled():
        print(f"\nload: {stats.events} events in {stats.seconds:.1f} s, "
              f"{stats.events_per_second:.0f} events/s with 4 worker processes")


def test_the_loop_skips_test_events_and_survives_handlers_that_raise(
    s3, chalice_app, source_bucket, target_bucket
):
    deliveries = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=loop.router.queue_url, MessageBody=json.dumps(
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": source_bucket}))
    s3.delete_bucket(Bucket=target_bucket)  # every handler now raises
    for key in ("a.jpg", "b.png"):
        s3.put_object(Bucket=source_bucket, Key=key,
                      Body=samples.png_bytes(samples.orientation_card()))

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.events == 2 and stats.raised == 2  # the test event was not delivered
    assert sorted(key for delivery in deliveries for key in delivery.keys) == ["a.jpg", "b.png"]
    assert all("NoSuchBucket" in delivery.error for delivery in deliveries)


def test_a_multipart_upload_is_delivered_once_as_s3_would(s3, chalice_app, source_bucket):
    """The local S3 announces a completed multipart upload twice (ObjectCreated:Put and
    :CompleteMultipartUpload); S3 sends only the second, and so does the loop."""
    deliveries = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    noise = random.Random(17).randbytes(1400 * 1300 * 3)  # random pixels: a PNG over 5 MiB
    data = samples.png_bytes(Image.frombytes("RGB", (1400, 1300), noise))
    part = 5 * 1024 * 1024  # S3's smallest part but the last
    assert len(data) > part
    s3.upload_fileobj(io.BytesIO(data), source_bucket, "big/noise.png",
                      Config=TransferConfig(multipart_threshold=part, multipart_chunksize=part))
    etag = s3.head_object(Bucket=source_bucket, Key="big/noise.png")["ETag"].strip('"')
    assert etag.endswith("-2")  # two parts: it really was a multipart upload

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.events == 1 and stats.raised == 0
    [delivery] = deliveries
    assert delivery.event_names == ["ObjectCreated:CompleteMultipartUpload"]
    assert [(line["key"], line["outcome"]) for line in delivery.lines] == [
        ("big/noise.png", "written")]


def test_the_loop_still_delivers_plain_puts_and_copies(s3, chalice_app, source_bucket):
    deliveries = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    s3.put_object(Bucket=source_bucket, Key="put.jpg",
                  Body=samples.jpeg_bytes(samples.photo_like((200, 150))))
    s3.copy_object(Bucket=source_bucket, Key="copy.jpg",
                   CopySource={"Bucket": source_bucket, "Key": "put.jpg"})

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.events == 2 and stats.outcomes == {"written": 2}
    assert sorted(name for d in deliveries for name in d.event_names) == [
        "ObjectCreated:Copy", "ObjectCreated:Put"]


def test_the_loop_gives_handlers_the_deployed_timeout_not_three_seconds(
    s3, chalice_app, source_bucket
):
    """Chalice's test client tells a handler 3 s are left; the handler budgets its render from
    that, so a 60-megapixel PNG (a few seconds' estimate) would fail locally as out of time
    although the deployed function renders it."""
    from tests.helpers import large_images

    deliveries = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    s3.put_object(Bucket=source_bucket, Key="wide/scan.png", Body=large_images.png(10000, 6000, 0))

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.outcomes == {"written": 1}, [d.lines for d in deliveries]


def test_deleting_an_upload_in_the_loop_deletes_its_outputs(
    s3, chalice_app, source_bucket, target_bucket, capsys
):
    """`make dev` wires ObjectRemoved from the app's event sources, and the local S3 sends it."""
    from devtools.dev import print_delivery

    deliveries = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    s3.put_object(Bucket=source_bucket, Key="to go/photo.jpg",
                  Body=samples.jpeg_bytes(samples.photo_like((200, 150))))
    assert loop.run(threading.Event(), until_idle=True).outcomes == {"written": 1}
    assert s3.list_objects_v2(Bucket=target_bucket)["KeyCount"] == 1

    s3.delete_object(Bucket=source_bucket, Key="to go/photo.jpg")
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, report=deliveries.append)
    assert loop.run(threading.Event(), until_idle=True).outcomes == {"deleted": 1}

    assert s3.list_objects_v2(Bucket=target_bucket)["KeyCount"] == 0
    assert deliveries[-1].event_names == ["ObjectRemoved:Delete"]
    print_delivery(deliveries[-1])
    assert "to go/photo.jpg  deleted  to go/photo-thumbnail.jpg" in capsys.readouterr().out


def test_the_loop_runs_every_feature_a_stage_turns_on(
    s3, chalice_app, source_bucket, target_bucket, capsys
):
    """With BACKUP_BUCKET, LABELS and EVENT_BUS set (as a stage would set them), `make dev`
    creates the backup bucket and the bus, and reports each event the bus delivers."""
    from devtools.dev import print_event

    features = {"BACKUP_BUCKET": "thumbnailer-dev-backup", "LABELS": "labels,moderation",
                "EVENT_BUS": "thumbnailer-dev-events"}
    events: list[dict] = []
    loop = DevLoop(chalice_app.app, stage="dev", workers=1, overrides=features,
                   report_event=events.append)
    s3.put_object(Bucket=source_bucket, Key="all/photo.jpg",
                  Body=samples.jpeg_bytes(samples.photo_like((200, 150))))
    assert loop.run(threading.Event(), until_idle=True).outcomes == {"written": 1}

    assert s3.head_object(Bucket="thumbnailer-dev-backup", Key="all/photo.jpg")["ContentLength"]
    assert s3.get_bucket_versioning(Bucket="thumbnailer-dev-backup")["Status"] == "Enabled"
    assert s3.head_object(Bucket=target_bucket, Key="all/photo-labels.json")["ContentLength"]
    [event] = events
    assert event["detail-type"] == "Image processed" and event["detail"]["key"] == "all/photo.jpg"
    print_event(event)
    assert "event on the bus: Image processed  all/photo.jpg  written" in capsys.readouterr().out
