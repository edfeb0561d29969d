"""Nothing lost, nothing stale: S3 faults, duplicate and reordered events, concurrent versions."""

from __future__ import annotations

import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import EndpointConnectionError
from PIL import Image

from chalicelib import storage, thumbnailer
from chalicelib.storage import S3_CONFIG
from chalicelib.thumbnailer import RecordsFailed
from devtools import samples
from tests.conftest import upload
from tests.faulty_s3 import FaultyS3

RED, BLUE = (220, 30, 30), (30, 30, 220)


def solid_jpeg(colour, size=(400, 300)) -> bytes:
    return samples.jpeg_bytes(Image.new("RGB", size, colour))


def thumbnail_of(s3, bucket, key) -> tuple[tuple[int, int, int], dict]:
    """The thumbnail's centre colour and its metadata."""
    response = s3.get_object(Bucket=bucket, Key=key)
    image = Image.open(io.BytesIO(response["Body"].read())).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2)), response["Metadata"]


def close_to(colour, expected) -> bool:
    return all(abs(a - b) < 30 for a, b in zip(colour, expected))


class HeldRender:
    """Holds the render of an upload of one colour until released: an old event's slow render
    while a newer upload arrives and its own event runs."""

    def __init__(self, monkeypatch, colour):
        self.started, self.release = threading.Event(), threading.Event()
        real_render = thumbnailer.render_thumbnail

        def render_held(data, spec):
            thumbnail = real_render(data, spec)
            pixel = Image.open(io.BytesIO(thumbnail.data)).convert("RGB").getpixel((5, 5))
            if close_to(pixel, colour) and not self.release.is_set():
                self.started.set()
                assert self.release.wait(30)
            return thumbnail

        monkeypatch.setattr(thumbnailer, "render_thumbnail", render_held)


@pytest.fixture(autouse=True)
def _quiet(caplog):
    caplog.set_level(logging.INFO, logger="chalicelib.thumbnailer")


def test_retries_are_set_deliberately():
    assert S3_CONFIG.retries == {"mode": "standard", "total_max_attempts": 4}
    assert S3_CONFIG.connect_timeout == 5 and S3_CONFIG.read_timeout == 20


# --- ordering and duplicates -----------------------------------------------------------------

def test_newest_wins_when_events_arrive_newest_first(s3, deliver, source_bucket, target_bucket):
    old = upload(s3, source_bucket, "avatar.jpg", solid_jpeg(RED))
    new = upload(s3, source_bucket, "avatar.jpg", solid_jpeg(BLUE))

    assert deliver(new).payload == {"written": 1, "skipped": 0}
    assert thumbnail_of(s3, target_bucket, "avatar-thumbnail.jpg")[1]["source-sequencer"] == \
        new["s3"]["object"]["sequencer"]
    assert deliver(old).payload == {"written": 1, "skipped": 0}  # stale: renders the new upload

    colour, metadata = thumbnail_of(s3, target_bucket, "avatar-thumbnail.jpg")
    assert close_to(colour, BLUE)
    assert metadata["source-etag"] == new["s3"]["object"]["eTag"]
    assert "source-sequencer" not in metadata  # the old event knows no sequencer for the new one


def test_the_same_event_twice_gives_one_correct_thumbnail(s3, deliver, source_bucket, target_bucket):
    record = upload(s3, source_bucket, "twice.jpg", solid_jpeg(RED))
    assert deliver(record).payload == {"written": 1, "skipped": 0}
    assert deliver(record).payload == {"written": 1, "skipped": 0}
    listing = s3.list_objects_v2(Bucket=target_bucket)["Contents"]
    assert [item["Key"] for item in listing] == ["twice-thumbnail.jpg"]
    assert close_to(thumbnail_of(s3, target_bucket, "twice-thumbnail.jpg")[0], RED)


def test_newest_wins_when_an_old_event_finishes_last(
    s3, deliver, source_bucket, target_bucket, monkeypatch
):
    """The old upload's render is held until the new upload's event has written its thumbnail;
    the old event then writes last, sees the replacement and renders the newer upload."""
    old = upload(s3, source_bucket, "race.jpg", solid_jpeg(RED))
    held = HeldRender(monkeypatch, RED)
    with ThreadPoolExecutor(1) as pool:
        old_run = pool.submit(deliver, old)
        assert held.started.wait(30)
        new = upload(s3, source_bucket, "race.jpg", solid_jpeg(BLUE))
        assert deliver(new).payload == {"written": 1, "skipped": 0}
        held.release.set()
        assert old_run.result().payload == {"written": 1, "skipped": 0}

    colour, metadata = thumbnail_of(s3, target_bucket, "race-thumbnail.jpg")
    assert close_to(colour, BLUE)
    assert metadata["source-etag"] == new["s3"]["object"]["eTag"]


def test_a_retried_stale_event_never_leaves_its_old_thumbnail(
    s3, deliver, source_bucket, target_bucket, monkeypatch
):
    """The old upload's event writes last and its post-write check fails (S3 unreachable just
    then, or the function stopped there), so Lambda retries it after the new upload's event has
    written. The retry must leave the newer upload's thumbnail, not skip as stale."""
    old = upload(s3, source_bucket, "retry.jpg", solid_jpeg(RED))
    held = HeldRender(monkeypatch, RED)
    check_fails, real_check = threading.Event(), storage.current_etag

    def post_write_check(*args, **kwargs):
        if check_fails.is_set():
            check_fails.clear()
            raise EndpointConnectionError(endpoint_url="https://s3.us-east-1.amazonaws.com")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(storage, "current_etag", post_write_check)
    with ThreadPoolExecutor(1) as pool:
        first_try = pool.submit(deliver, old)
        assert held.started.wait(30)
        new = upload(s3, source_bucket, "retry.jpg", solid_jpeg(BLUE))
        assert deliver(new).payload == {"written": 1, "skipped": 0}
        check_fails.set()
        held.release.set()
        with pytest.raises(RecordsFailed, match="EndpointConnectionError"):
            first_try.result()
    assert close_to(thumbnail_of(s3, target_bucket, "retry-thumbnail.jpg")[0], RED)  # unchecked

    assert deliver(old).payload == {"written": 1, "skipped": 0}  # Lambda's retry of the event

    colour, metadata = thumbnail_of(s3, target_bucket, "retry-thumbnail.jpg")
    assert close_to(colour, BLUE)
    assert metadata["source-etag"] == new["s3"]["object"]["eTag"]


def versioned_upload(s3, bucket, key, data, sequencer) -> dict:
    """The record S3 sends for an upload to a versioned bucket: with versionId and sequencer."""
    record = upload(s3, bucket, key, data)
    record["s3"]["object"]["versionId"] = s3.head_object(Bucket=bucket, Key=key)["VersionId"]
    record["s3"]["object"]["sequencer"] = sequencer
    return record


def test_provenance_names_the_version_rendered_not_the_event(
    s3, deliver, source_bucket, target_bucket, monkeypatch
):
    """An old event that re-renders the newer upload records the newer upload's ETag and
    version, and no sequencer (it does not know the newer upload's)."""
    s3.put_bucket_versioning(Bucket=source_bucket,
                             VersioningConfiguration={"Status": "Enabled"})
    old = versioned_upload(s3, source_bucket, "v.jpg", solid_jpeg(RED), "0062E99A88DC4074A1")
    held = HeldRender(monkeypatch, RED)
    with ThreadPoolExecutor(1) as pool:
        old_run = pool.submit(deliver, old)
        assert held.started.wait(30)
        new = versioned_upload(s3, source_bucket, "v.jpg", solid_jpeg(BLUE), "0062E99A88DC4074B2")
        assert deliver(new).payload == {"written": 1, "skipped": 0}
        announced = {"source-etag": new["s3"]["object"]["eTag"],
                     "source-version-id": new["s3"]["object"]["versionId"],
                     "source-sequencer": new["s3"]["object"]["sequencer"]}
        assert thumbnail_of(s3, target_bucket, "v-thumbnail.jpg")[1] == announced
        held.release.set()
        assert old_run.result().payload == {"written": 1, "skipped": 0}

    colour, metadata = thumbnail_of(s3, target_bucket, "v-thumbnail.jpg")
    assert close_to(colour, BLUE)
    assert metadata == {"source-etag": new["s3"]["object"]["eTag"],
                        "source-version-id": new["s3"]["object"]["versionId"]}


# --- S3 misbehaving ----------------------------------------------------------------------------

LAMBDA_ATTEMPTS = 3  # an async invocation is tried once and retried twice


def test_under_injected_faults_no_upload_is_lost_and_nothing_corrupt_is_written(
    s3, client, chalice_app, s3_endpoint, source_bucket, target_bucket, monkeypatch, capsys
):
    keys = [f"faults/photo-{n:02d}.jpg" for n in range(24)]
    records = {
        key: upload(s3, source_bucket, key, samples.jpeg_bytes(samples.photo_like((640, 480), n)))
        for n, key in enumerate(keys)
    }

    def invoke_like_lambda(key: str) -> tuple[str, int]:
        """Invoke until it returns, at most LAMBDA_ATTEMPTS times; report how it ended."""
        for attempt in range(1, LAMBDA_ATTEMPTS + 1):
            try:
                result = client.lambda_.invoke("thumbnail_jpg", {"Records": [records[key]]})
            except Exception:  # noqa: BLE001 - a raise is the visible failure Lambda retries
                continue
            return ("written" if result.payload["written"] else "skipped"), attempt
        return "failed", LAMBDA_ATTEMPTS

    with FaultyS3(s3_endpoint, fault_rate=0.5) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        with ThreadPoolExecutor(4) as pool:
            outcomes = dict(zip(keys, pool.map(invoke_like_lambda, keys)))
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)

    written = {item["Key"] for item in s3.list_objects_v2(Bucket=target_bucket).get("Contents", [])}
    lost = [key for key, (outcome, _) in outcomes.items()
            if outcome != "failed" and key.replace(".jpg", "-thumbnail.jpg") not in written]
    for thumbnail_key in written:  # whole, decodable, from the right upload
        body = s3.get_object(Bucket=target_bucket, Key=thumbnail_key)
        Image.open(io.BytesIO(body["Body"].read())).load()
        source_key = thumbnail_key.replace("-thumbnail.jpg", ".jpg")
        assert body["Metadata"]["source-etag"] == records[source_key]["s3"]["object"]["eTag"]
    summary = {
        "requests": proxy.requests, "faults": dict(proxy.injected), "events": len(keys),
        "written": sum(o == "written" for o, _ in outcomes.values()),
        "visible_failures": sum(o == "failed" for o, _ in outcomes.values()),
        "retried_events": sum(a > 1 for _, a in outcomes.values()), "lost": len(lost),
    }
    with capsys.disabled():
        print(f"\nfault run: {summary}")
    assert sum(proxy.injected.values()) > proxy.requests // 4  # faults really were injected
    assert not [o for o, _ in outcomes.values() if o == "skipped"]  # no fault mistaken as permanent
    assert lost == []
