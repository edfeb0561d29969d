"""Backfill of a bucket that already holds images: mixed objects, up-to-date ones skipped."""

from __future__ import annotations

import time

from chalicelib.settings import Settings
from devtools import samples
from devtools.backfill import UP_TO_DATE, backfill
from devtools.stage import stage_environment
from tests.conftest import upload

SETTINGS = Settings.from_env(stage_environment("dev"))


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
    assert summary.reasons["skipped"] == ["old/page.jpg: not a JPEG or PNG image (looks like HTML/XML text)"]
    assert target_keys(s3) == {"old/done-thumbnail.jpg", "old/a photo-thumbnail.JPG",
                               "old/nested/b-thumbnail.png"}

    again = backfill(SETTINGS, prefix="old/", progress=False)
    assert again.counts == {UP_TO_DATE: 3, "skipped": 1}

    forced = backfill(SETTINGS, prefix="old/", force=True, progress=False)
    assert forced.counts == {"written": 3, "skipped": 1}


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
