"""Delete sync: deleting an upload deletes every output it can have, unless the key has an
object again by the time the event is handled (re-uploaded, in either event order; in a
versioned bucket, only a non-current version deleted). Events come from the local S3's own
notifications, wired from the app's event sources, except where it sends none (see below)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from PIL import Image

from chalicelib.config import outputs
from chalicelib.pipeline import setup
from devtools import samples
from devtools.events import removed_record
from devtools.local_s3 import s3_event_sources
from devtools.policy import policy_for
from devtools.stage import PROJECT_DIR
from tests.helpers.runs import NONE, lines, pending, photo, run, run_all, target_keys


def test_deleting_an_upload_deletes_every_output(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog
):
    stage("OUTPUTS", "thumbnail,card")
    key = "trip/a b/photo.jpg"
    s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert target_keys(s3, target_bucket) == ["trip/a b/photo-card.webp",
                                              "trip/a b/photo-thumbnail.jpg"]
    caplog.clear()

    s3.delete_object(Bucket=source_bucket, Key=key)
    [(handler, event)] = pending(router)
    assert event["Records"][0]["eventName"] == "ObjectRemoved:Delete"
    assert event["Records"][0]["s3"]["object"]["key"] == "trip%2Fa+b%2Fphoto.jpg"  # moto's
    assert run(chalice_app, handler, event) == {**NONE, "deleted": 1}

    assert target_keys(s3, target_bucket) == []
    [line] = lines(caplog)
    assert line["outcome"] == "deleted" and line["key"] == key
    assert line["deleted"] == ["trip/a b/photo-thumbnail.jpg", "trip/a b/photo-card.webp"]


def test_deleting_when_no_output_exists_and_a_retried_event_are_harmless(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="never rendered.png", Body=photo())
    pending(router)  # its ObjectCreated event is lost: no output was ever written
    s3.delete_object(Bucket=source_bucket, Key="never rendered.png")
    [(handler, event)] = pending(router)

    assert run(chalice_app, handler, event) == {**NONE, "deleted": 1}
    assert run(chalice_app, handler, event) == {**NONE, "deleted": 1}  # at-least-once: again
    assert target_keys(s3, target_bucket) == []
    assert [line["outcome"] for line in lines(caplog)] == ["deleted", "deleted"]


@pytest.mark.parametrize("order", ["each handled as it happens", "both late, in order",
                                   "both late, reversed"])
def test_delete_then_upload_again_keeps_the_new_uploads_outputs(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog, order
):
    key = "again.jpg"
    s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    run_all(chalice_app, pending(router))
    s3.delete_object(Bucket=source_bucket, Key=key)
    if order == "each handled as it happens":
        assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}
    s3.put_object(Bucket=source_bucket, Key=key,
                  Body=samples.jpeg_bytes(samples.photo_like((300, 300), seed=7)))
    events = pending(router)
    if order == "both late, reversed":
        events.reverse()
    caplog.clear()

    totals = run_all(chalice_app, events)

    new_etag = s3.head_object(Bucket=source_bucket, Key=key)["ETag"].strip('"')
    thumbnail = s3.head_object(Bucket=target_bucket, Key="again-thumbnail.jpg")
    assert thumbnail["Metadata"]["source-etag"] == new_etag
    if order == "each handled as it happens":
        assert totals == {**NONE, "written": 1}
    elif order == "both late, in order":
        # The delete event finds the new upload under the key, its outputs still the old
        # upload's: it renders the new one (its own event then does the same again).
        assert totals == {**NONE, "written": 2}
    else:  # the new upload's event first: the delete event finds its outputs and keeps them
        assert totals == {**NONE, "written": 1, "skipped": 1}
        [skip] = [line for line in lines(caplog) if line["outcome"] == "skipped"]
        assert "re-uploaded since" in skip["reason"]


def test_versioned_bucket_outputs_follow_the_current_version(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog
):
    """The local S3 (moto 5.2.5) sends no ObjectRemoved event in a versioned bucket unless a
    key's last version goes, so these records are built as S3 documents them: deleting a
    version sends ObjectRemoved:Delete with its versionId, creating a delete marker sends
    ObjectRemoved:DeleteMarkerCreated with the marker's. The bucket's state is real.

    Deleting a non-current version changes nothing; deleting the current one by VersionId
    makes the previous one current, and removing a delete marker brings the last one back: S3
    sends no ObjectCreated for either, so the delete event renders what is current now."""
    s3.put_bucket_versioning(Bucket=source_bucket, VersioningConfiguration={"Status": "Enabled"})
    key, thumbnail, handler = "kept/photo.jpg", "kept/photo-thumbnail.jpg", "thumbnail_jpg"
    colours = {"red": (200, 30, 30), "blue": (30, 30, 200), "green": (30, 180, 30)}
    versions, etags = {}, {}
    for name in ("red", "blue", "green"):
        put = s3.put_object(Bucket=source_bucket, Key=key,
                            Body=samples.jpeg_bytes(Image.new("RGB", (300, 200), colours[name])))
        versions[name], etags[name] = put["VersionId"], put["ETag"].strip('"')
    run_all(chalice_app, pending(router))

    def shown() -> tuple[str, tuple[int, int, int]]:
        output = s3.get_object(Bucket=target_bucket, Key=thumbnail)
        pixel = Image.open(io.BytesIO(output["Body"].read())).convert("RGB").getpixel((5, 5))
        name = min(colours, key=lambda c: sum(
            abs(a - b) for a, b in zip(colours[c], pixel, strict=True)))
        return output["Metadata"]["source-etag"], name

    def removed(version: str, event_name: str = "ObjectRemoved:Delete") -> dict:
        return run(chalice_app, handler, {"Records": [
            removed_record(source_bucket, key, version, event_name=event_name)]})

    assert shown() == (etags["green"], "green")
    s3.delete_object(Bucket=source_bucket, Key=key, VersionId=versions["red"])  # non-current
    assert removed(versions["red"]) == {**NONE, "skipped": 1}
    assert shown() == (etags["green"], "green")

    s3.delete_object(Bucket=source_bucket, Key=key, VersionId=versions["green"])  # current
    assert removed(versions["green"]) == {**NONE, "written": 1}
    assert shown() == (etags["blue"], "blue")

    marker = s3.delete_object(Bucket=source_bucket, Key=key)["VersionId"]
    assert removed(marker, "ObjectRemoved:DeleteMarkerCreated") == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == []

    s3.delete_object(Bucket=source_bucket, Key=key, VersionId=marker)  # blue is back
    assert removed(marker) == {**NONE, "written": 1}
    assert shown() == (etags["blue"], "blue")
    outcomes = [(line["outcome"], line.get("reason", "")) for line in lines(caplog)]
    assert [outcome for outcome, _ in outcomes[-4:]] == ["skipped", "written", "deleted",
                                                          "written"]
    assert "re-uploaded since" in outcomes[-4][1]


def test_a_jpeg_and_a_heic_of_one_name_keep_outputs_of_their_own(
    s3, chalice_app, stage, source_bucket, target_bucket
):
    """IMG_1.jpg beside IMG_1.heic (an export beside the phone's original) are two uploads:
    the thumbnail's {ext} keeps them apart, so deleting one leaves the other's output."""
    from tests.helpers.uploads import upload

    handler = "thumbnail_jpg"  # the S3 mode has no .heic function; all run the same pipeline
    heic = samples.heic_bytes(samples.photo_like((400, 300)))
    for key, data in (("phone/IMG_1.jpg", photo()), ("phone/IMG_1.heic", heic)):
        record = upload(s3, source_bucket, key, data)
        assert run(chalice_app, handler, {"Records": [record]}) == {**NONE, "written": 1}
    assert target_keys(s3, target_bucket) == ["phone/IMG_1-thumbnail.heic.jpg",
                                              "phone/IMG_1-thumbnail.jpg"]
    jpeg_thumbnail = s3.get_object(Bucket=target_bucket, Key="phone/IMG_1-thumbnail.jpg")
    assert jpeg_thumbnail["Metadata"]["source-etag"] == s3.head_object(
        Bucket=source_bucket, Key="phone/IMG_1.jpg")["ETag"].strip('"')

    s3.delete_object(Bucket=source_bucket, Key="phone/IMG_1.heic")
    removed = {"Records": [removed_record(source_bucket, "phone/IMG_1.heic")]}
    assert run(chalice_app, handler, removed) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == ["phone/IMG_1-thumbnail.jpg"]


def test_only_outputs_whose_prefix_matches_are_deleted(
    s3, chalice_app, stage, router, source_bucket, target_bucket, monkeypatch, caplog
):
    declared = outputs.load_outputs((outputs.ASSET_DIR / outputs.OUTPUTS_FILE).read_text() + """
[video]
key = "{folder}{stem}-video.jpg"
size = "320x180"
fit = "cover"
format = "jpeg"
prefix = "videos/"
""")
    monkeypatch.setattr(setup, "declared_outputs", lambda: declared)
    stage("OUTPUTS", "thumbnail,video")
    for key in ("videos/clip.jpg", "photos/clip.jpg"):
        s3.put_object(Bucket=source_bucket, Key=key, Body=photo())
    run_all(chalice_app, pending(router))
    # Another upload's output under the photos/ key pattern of the video output stays too.
    s3.put_object(Bucket=target_bucket, Key="photos/clip-video.jpg", Body=b"not ours")
    caplog.clear()

    s3.delete_object(Bucket=source_bucket, Key="photos/clip.jpg")
    assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}
    assert lines(caplog)[0]["deleted"] == ["photos/clip-thumbnail.jpg"]
    assert target_keys(s3, target_bucket) == ["photos/clip-video.jpg", "videos/clip-thumbnail.jpg",
                                              "videos/clip-video.jpg"]

    s3.delete_object(Bucket=source_bucket, Key="videos/clip.jpg")
    assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == ["photos/clip-video.jpg"]


def test_delete_outputs_false_keeps_outputs_events_and_policy_as_before(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog
):
    stage("DELETE_OUTPUTS", "false")
    s3.put_object(Bucket=source_bucket, Key="stays.jpg", Body=photo())
    run_all(chalice_app, pending(router))
    s3.delete_object(Bucket=source_bucket, Key="stays.jpg")
    # A removed event that still arrives (subscribed before the switch) is a logged skip.
    assert run_all(chalice_app, pending(router)) == {**NONE, "skipped": 1}
    assert target_keys(s3, target_bucket) == ["stays-thumbnail.jpg"]
    assert "DELETE_OUTPUTS=false" in lines(caplog)[-1]["reason"]

    # The app as `chalice deploy` imports it with DELETE_OUTPUTS=false: ObjectCreated only.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_DIR),
           **{name: value for name, value in os.environ.items() if name.endswith("_BUCKET")},
           "DELETE_OUTPUTS": "false"}
    script = ("import json, app; from devtools.local_s3 import s3_event_sources; "
              "print(json.dumps([s.events for s in s3_event_sources(app.app)]))")
    imported = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, env=env,
                              capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(imported.stdout) == [["s3:ObjectCreated:*"]] * len(
        s3_event_sources(chalice_app.app))

    # The policy: the one before delete sync, with no s3:DeleteObject anywhere.
    on, off = policy_for("dev"), policy_for("dev", overrides={"DELETE_OUTPUTS": "false"})
    assert off["Statement"] == [s for s in on["Statement"]
                                if s["Sid"] not in ("DeleteOutputs", "ReadOutputProvenance")]
    assert "s3:DeleteObject" not in json.dumps(off)
    [delete] = [s for s in on["Statement"] if s["Sid"] == "DeleteOutputs"]
    [write] = [s for s in on["Statement"] if s["Sid"] == "WriteOutputs"]
    assert delete["Resource"] == write["Resource"]


def test_an_upload_arriving_while_outputs_are_deleted_gets_them_back(
    s3, chalice_app, stage, router, source_bucket, target_bucket, monkeypatch, caplog
):
    """The race between the delete's HeadObject and its DeleteObject: the key is uploaded
    again and that upload's own event writes its outputs just before they are deleted."""
    from chalicelib.aws import storage

    s3.put_object(Bucket=source_bucket, Key="race.jpg", Body=photo())
    run_all(chalice_app, pending(router))
    s3.delete_object(Bucket=source_bucket, Key="race.jpg")
    [(handler, delete_event)] = pending(router)
    real_delete = storage.delete_output

    def reupload_first(client, bucket, key):
        monkeypatch.setattr(storage, "delete_output", real_delete)
        s3.put_object(Bucket=source_bucket, Key="race.jpg",
                      Body=samples.jpeg_bytes(samples.photo_like((300, 300), seed=9)))
        assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
        real_delete(client, bucket, key)

    monkeypatch.setattr(storage, "delete_output", reupload_first)
    assert run(chalice_app, handler, delete_event) == {**NONE, "written": 1}

    new_etag = s3.head_object(Bucket=source_bucket, Key="race.jpg")["ETag"].strip('"')
    thumbnail = s3.head_object(Bucket=target_bucket, Key="race-thumbnail.jpg")
    assert thumbnail["Metadata"]["source-etag"] == new_etag
    assert "re-uploaded while its outputs were deleted" in " ".join(lines(caplog)[-1]["notes"])
