"""Backfill of a bucket that already holds images: mixed objects, up-to-date ones skipped. And
`make backfill` on a first run that is not set up yet: a message saying what to set, no
traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from chalicelib.pipeline.setup import load_settings
from devtools import samples
from devtools.backfill import UP_TO_DATE, backfill, first_output_key
from devtools.local_s3 import LOCAL_CREDENTIALS, client_exports
from devtools.stage import PROJECT_DIR, stage_environment
from tests.helpers.uploads import upload

SETTINGS = load_settings(stage_environment("dev"))


def target_keys(s3) -> set[str]:
    listing = s3.list_objects_v2(Bucket=SETTINGS.target_bucket).get("Contents", [])
    return {item["Key"] for item in listing}


def test_backfill_of_a_mixed_bucket(s3, deliver, source_bucket):
    photo = samples.jpeg_bytes(samples.photo_like((400, 300)))
    deliver(upload(s3, source_bucket, "old/done.jpg", photo))  # thumbnail already made
    time.sleep(1.1)  # S3 timestamps have one-second resolution
    for key, data in [
        ("old/a photo.JPG", photo),
        ("old/nested/b.png", samples.png_bytes(samples.transparent_logo((300, 200)))),
        ("old/page.jpg", b"<html>not an image</html>"),
        ("old/anim.gif", b"GIF89a"),  # no function handles .gif: not listed
        ("elsewhere/c.jpg", photo),  # outside the prefix
    ]:
        s3.put_object(Bucket=source_bucket, Key=key, Body=data)

    summary = backfill(SETTINGS, prefix="old/", concurrency=4, progress=False)

    assert summary.counts == {"written": 2, UP_TO_DATE: 1, "skipped": 1}
    assert summary.reasons["skipped"] == [
        "old/page.jpg: not a JPEG, PNG, HEIC/HEIF, WebP or AVIF image (looks like HTML/XML text)"]
    assert target_keys(s3) == {"old/done-thumbnail.jpg", "old/a photo-thumbnail.JPG",
                               "old/nested/b-thumbnail.png"}

    again = backfill(SETTINGS, prefix="old/", progress=False)
    assert again.counts == {UP_TO_DATE: 3, "skipped": 1}

    forced = backfill(SETTINGS, prefix="old/", force=True, progress=False)
    assert forced.counts == {"written": 3, "skipped": 1}


def test_up_to_date_is_judged_by_the_first_output_of_the_stage_that_applies():
    stage = load_settings({**stage_environment("dev"), "OUTPUTS": "card,thumbnail"})
    assert first_output_key("old/x.jpg", stage) == "old/x-card.webp"  # what the log names
    assert first_output_key("old/readme", stage) is None  # process_record says why
    assert first_output_key("old/x.gif", stage) is None
    # `large` is made on request: never by an upload, so never what up to date is judged by.
    on_request_first = load_settings({**stage_environment("dev"), "OUTPUTS": "large,card"})
    assert first_output_key("old/x.jpg", on_request_first) == "old/x-card.webp"


def test_a_replaced_upload_is_backfilled_again(s3, deliver, source_bucket):
    deliver(upload(s3, source_bucket, "r.jpg", samples.jpeg_bytes(samples.photo_like((300, 200)))))
    time.sleep(1.1)
    s3.put_object(Bucket=source_bucket, Key="r.jpg",
                  Body=samples.jpeg_bytes(samples.orientation_card()))  # event lost, say
    summary = backfill(SETTINGS, progress=False)
    assert summary.counts == {"written": 1}
    thumbnail = s3.head_object(Bucket=SETTINGS.target_bucket, Key="r-thumbnail.jpg")
    source = s3.head_object(Bucket=source_bucket, Key="r.jpg")
    assert thumbnail["Metadata"]["source-etag"] == source["ETag"].strip('"')


def run_backfill(home, **aws) -> subprocess.CompletedProcess:
    """`make backfill` as a first-time user runs it: no AWS_* variables but `aws`, and a HOME
    with no ~/.aws in it. (Instance metadata stays off: no network beyond loopback.)"""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", **aws})
    return subprocess.run([sys.executable, "-m", "devtools.backfill", "--stage", "dev"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def one_clear_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode not in (0, 1), run  # 1 means "some records failed"; this is setup
    assert "Traceback" not in run.stderr, run.stderr
    message = run.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message
    return message


def test_without_credentials_it_says_what_to_set(tmp_path):
    message = one_clear_error(run_backfill(tmp_path))
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                 "AWS_ENDPOINT_URL", "make dev"):
        assert name in message
    assert client_exports() in message  # the very line `make dev` prints, local values included


def test_with_an_unknown_profile_it_says_so(tmp_path):
    message = one_clear_error(run_backfill(tmp_path, AWS_PROFILE="no-such-profile"))
    assert "AWS_PROFILE" in message and "no-such-profile" in message


def test_with_the_local_endpoint_down_it_says_so(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    message = one_clear_error(run_backfill(tmp_path, AWS_ENDPOINT_URL=endpoint,
                                           **LOCAL_CREDENTIALS))
    assert endpoint in message and "make dev" in message


def test_with_the_source_bucket_missing_it_says_so(tmp_path, s3, s3_endpoint, source_bucket):
    s3.delete_bucket(Bucket=source_bucket)
    message = one_clear_error(run_backfill(tmp_path, AWS_ENDPOINT_URL=s3_endpoint,
                                           **LOCAL_CREDENTIALS))
    assert source_bucket in message and "make buckets STAGE=dev" in message


@pytest.fixture
def iam_enforced(s3_endpoint):
    def reset_auth(requests_without_auth: str) -> None:
        request = urllib.request.Request(
            f"{s3_endpoint}/moto-api/reset-auth", data=requests_without_auth.encode(),
            headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=10).close()

    reset_auth("0")
    yield
    reset_auth("inf")


def test_with_credentials_s3_rejects_it_says_so(tmp_path, s3, s3_endpoint, iam_enforced):
    message = one_clear_error(run_backfill(tmp_path, AWS_ENDPOINT_URL=s3_endpoint,
                                           **LOCAL_CREDENTIALS))  # no such key in the local IAM
    assert "InvalidAccessKeyId" in message and SETTINGS.source_bucket in message
