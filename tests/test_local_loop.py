"""The local loop: `make dev` end to end, and several hundred uploads through it in parallel."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import boto3

from devtools import samples
from devtools.dev import DevLoop
from devtools.stage import PROJECT_DIR, stage_environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}",
                          aws_access_key_id="local", aws_secret_access_key="local",
                          region_name="us-east-1")
        s3.put_object(Bucket=stage["SOURCE_BUCKET"], Key="via dev/photo.JPG",
                      Body=samples.jpeg_bytes(samples.photo_like((800, 600))))
        while True:
            listing = s3.list_objects_v2(Bucket=stage["TARGET_BUCKET"]).get("Contents", [])
            if listing:
                break
            assert time.monotonic() < deadline, "".join(output)
            time.sleep(0.1)
        assert [item["Key"] for item in listing] == ["via dev/photo-thumbnail.JPG"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        reader.join(timeout=5)
    text = "".join(output)
    assert "via dev/photo.JPG  written  800x600 -> 800x600" in text
    assert "stopped: 1 events" in text


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
        s3.put_object(Bucket=source_bucket, Key=key, Body=samples.png_bytes(samples.orientation_card()))

    stats = loop.run(threading.Event(), until_idle=True)

    assert stats.events == 2 and stats.raised == 2  # the test event was not delivered
    assert sorted(key for delivery in deliveries for key in delivery.keys) == ["a.jpg", "b.png"]
    assert all("NoSuchBucket" in delivery.error for delivery in deliveries)
