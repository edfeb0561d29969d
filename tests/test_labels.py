"""Machine-learning labels and moderation (LABELS): Amazon Rekognition on a JPEG we rendered,
a JSON sidecar next to the outputs, and quarantine. On the local endpoint: the moto server's
DetectLabels (one fixed label) and our loopback stand-in's DetectModerationLabels (toy model:
mostly pure red is "Visually Disturbing"), both through boto3's whole path."""

from __future__ import annotations

import base64
import io
import json
import re
import warnings

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from chalicelib.config.settings import SettingsError
from chalicelib.pipeline.setup import load_settings
from devtools import rekognition_local, samples
from devtools.policy import policy_for
from tests.helpers.iam import _as_kwargs, _user_with_policy
from tests.helpers.pictures import red
from tests.helpers.runs import NONE, lines, pending, photo, run, run_all, target_keys


@pytest.fixture
def rekognition(s3):
    stand_in = rekognition_local.running()
    stand_in.calls.clear()
    yield stand_in
    stand_in.fail_next(0)
    stand_in._failures.clear()


@pytest.fixture
def labels_stage(stage):
    stage("LABELS", "labels,moderation")
    return stage


def sidecar(s3, bucket: str, key: str) -> dict:
    answer = s3.get_object(Bucket=bucket, Key=key)
    assert answer["ContentType"] == "application/json"
    return json.loads(answer["Body"].read())


def test_labels_sidecar_next_to_the_outputs(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket, caplog, rekognition
):
    s3.put_object(Bucket=source_bucket, Key="trip/a b.jpg", Body=photo())
    etag = s3.head_object(Bucket=source_bucket, Key="trip/a b.jpg")["ETag"].strip('"')
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}

    assert target_keys(s3, target_bucket) == ["trip/a b-labels.json", "trip/a b-thumbnail.jpg"]
    document = sidecar(s3, target_bucket, "trip/a b-labels.json")
    assert document["source"] == {"bucket": source_bucket, "key": "trip/a b.jpg", "etag": etag}
    assert document["quarantined"] is False
    assert [label["name"] for label in document["labels"]] == ["Mobile Phone"]  # moto's answer
    assert document["labels"][0]["confidence"] > 99 and document["labels"][0]["parents"] == [
        "Phone"]
    assert document["moderation_labels"] == []
    assert document["model_versions"] == {"labels": "3.0", "moderation": "7.0"}
    assert document["analysed_image"] == {"size": "400x300", "format": "jpeg"}
    [line] = lines(caplog)
    assert line["outcome"] == "written" and line["labels_key"] == "trip/a b-labels.json"
    assert line["labels"] == [{"name": "Mobile Phone", "confidence": 99.9}]
    assert "moderation_labels" not in line  # none found: left out like every empty field
    assert [operation for operation, _ in rekognition.calls] == [
        "DetectLabels", "DetectModerationLabels"]
    labels_request = rekognition.calls[0][1]
    assert labels_request["MaxLabels"] == 20 and labels_request["MinConfidence"] == 70
    assert labels_request["Features"] == ["GENERAL_LABELS"]  # no image properties: they cost
    assert rekognition.calls[1][1]["MinConfidence"] == 60


def test_rekognition_gets_an_upright_jpeg_we_rendered_not_the_upload(
    s3, chalice_app, labels_stage, router, source_bucket, rekognition
):
    """A large transparent PNG stored sideways: Rekognition gets bytes, not the S3 object, as a
    JPEG no larger than 1280 px, upright, in the same pass as the outputs."""
    image = samples.photo_like((3000, 2000)).convert("RGBA")
    data = samples.jpeg_bytes(samples.stored_with_orientation(image.convert("RGB"), 6),
                              exif=samples.exif_bytes(orientation=6))
    s3.put_object(Bucket=source_bucket, Key="big.jpg", Body=data)
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    for _, request in rekognition.calls:
        assert set(request["Image"]) == {"Bytes"}
        sent = base64.b64decode(request["Image"]["Bytes"])
        with Image.open(io.BytesIO(sent)) as analysed:
            assert analysed.format == "JPEG"
            assert analysed.size == (1280, 853)  # landscape again: upright


def test_moderation_quarantines_an_upload_and_deletes_its_earlier_outputs(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket, caplog, rekognition
):
    labels_stage("OUTPUTS", "thumbnail,card")
    s3.put_object(Bucket=source_bucket, Key="u/pic.jpg", Body=photo())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert target_keys(s3, target_bucket) == ["u/pic-card.webp", "u/pic-labels.json",
                                              "u/pic-thumbnail.jpg"]
    caplog.clear()

    s3.put_object(Bucket=source_bucket, Key="u/pic.jpg", Body=red())  # replaced by a flagged one
    [(handler, event)] = pending(router)
    assert run(chalice_app, handler, event) == {**NONE, "quarantined": 1}

    assert target_keys(s3, target_bucket) == ["u/pic-labels.json"]
    document = sidecar(s3, target_bucket, "u/pic-labels.json")
    assert document["quarantined"] is True
    assert re.fullmatch(r"moderation: Visually Disturbing \((79|80)\.\d%\) at or over "
                        r"MODERATION_MIN_CONFIDENCE 60", document["reason"])
    assert document["moderation_labels"][0]["name"] == "Visually Disturbing"
    [line] = lines(caplog)
    assert line["outcome"] == "quarantined" and line["reason"] == document["reason"]
    assert line["deleted"] == ["u/pic-thumbnail.jpg", "u/pic-card.webp"]
    assert "outputs" not in line and "thumbnail_key" not in line
    assert s3.head_object(Bucket=source_bucket, Key="u/pic.jpg")  # the upload stays, for review


def test_the_moderation_threshold_decides(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket, caplog
):
    labels_stage("MODERATION_MIN_CONFIDENCE", "85")  # the red share is 80 %
    s3.put_object(Bucket=source_bucket, Key="almost.jpg", Body=red())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert sidecar(s3, target_bucket, "almost-labels.json")["moderation_labels"] == []
    assert "almost-thumbnail.jpg" in target_keys(s3, target_bucket)


def test_labels_only_never_quarantines_and_asks_for_labels_only(
    s3, chalice_app, stage, router, source_bucket, target_bucket, rekognition
):
    stage("LABELS", "labels")
    s3.put_object(Bucket=source_bucket, Key="r.jpg", Body=red())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert [operation for operation, _ in rekognition.calls] == ["DetectLabels"]
    document = sidecar(s3, target_bucket, "r-labels.json")
    assert "moderation_labels" not in document and document["model_versions"] == {
        "labels": "3.0"}


def test_throttling_is_retried_and_then_raises_so_lambda_retries(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket, caplog, rekognition
):
    s3.put_object(Bucket=source_bucket, Key="t.jpg", Body=photo())
    [(handler, event)] = pending(router)
    rekognition.fail_next(2)  # the client's own retries get through
    assert run(chalice_app, handler, event) == {**NONE, "written": 1}

    rekognition.fail_next(4)  # every attempt throttled: nothing written, the event raises
    s3.delete_object(Bucket=target_bucket, Key="t-thumbnail.jpg")
    with pytest.raises(Exception, match="ThrottlingException"):
        run(chalice_app, handler, event)
    assert lines(caplog)[-1]["outcome"] == "failed"
    assert "t-thumbnail.jpg" not in target_keys(s3, target_bucket)
    assert run(chalice_app, handler, event) == {**NONE, "written": 1}  # Lambda's retry


@pytest.mark.parametrize("features, outcome", [("labels", "written"),
                                               ("labels,moderation", "skipped")])
def test_an_image_rekognition_refuses(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog, rekognition,
    features, outcome
):
    """With labels only the outputs still go out; moderation that cannot clear an upload
    writes none. Either way it is permanent: no retry."""
    stage("LABELS", features)
    s3.put_object(Bucket=source_bucket, Key="odd.jpg", Body=photo())
    rekognition.fail_next(1, 400, "InvalidImageFormatException")
    assert run_all(chalice_app, pending(router)) == {**NONE, outcome: 1}
    line = lines(caplog)[-1]
    if outcome == "written":
        assert "InvalidImageFormatException" in " ".join(line["notes"])
        assert target_keys(s3, target_bucket) == ["odd-labels.json", "odd-thumbnail.jpg"]
        assert "InvalidImageFormatException" in sidecar(s3, target_bucket,
                                                        "odd-labels.json")["refused"]
    else:
        assert "moderation cannot clear the upload" in line["reason"]
        assert target_keys(s3, target_bucket) == []


def test_deleting_an_upload_deletes_its_sidecar_too(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket
):
    s3.put_object(Bucket=source_bucket, Key="d.png", Body=samples.png_bytes(
        samples.transparent_logo()))
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert target_keys(s3, target_bucket) == ["d-labels.json", "d-thumbnail.png"]
    s3.delete_object(Bucket=source_bucket, Key="d.png")
    assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == []


def test_off_by_default_no_rekognition_no_sidecar_policy_as_before(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog, rekognition
):
    s3.put_object(Bucket=source_bucket, Key="plain.jpg", Body=red())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    assert rekognition.calls == []
    assert target_keys(s3, target_bucket) == ["plain-thumbnail.jpg"]
    assert not {"labels", "labels_key", "moderation_labels"} & set(lines(caplog)[-1])
    assert policy_for("dev", overrides={"LABELS": ""}) == policy_for("dev")
    assert "rekognition" not in json.dumps(policy_for("dev"))


@pytest.mark.parametrize("environment, message", [
    ({"LABELS": "faces"}, "LABELS takes labels and/or moderation"),
    ({"LABELS": "labels", "LABELS_MAX": "0"}, "LABELS_MAX must be between 1 and 1000"),
    ({"LABELS": "labels", "LABELS_MIN_CONFIDENCE": "high"}, "LABELS_MIN_CONFIDENCE must be a"),
    ({"LABELS": "moderation", "MODERATION_MIN_CONFIDENCE": "101"},
     "MODERATION_MIN_CONFIDENCE must be from 0 to 100"),
])
def test_settings_errors_name_the_variable(stage_env, environment, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({**stage_env, **environment})


@pytest.mark.parametrize("features, actions", [
    ("labels", ["rekognition:DetectLabels"]),
    ("moderation", ["rekognition:DetectModerationLabels"]),
    ("labels,moderation", ["rekognition:DetectLabels", "rekognition:DetectModerationLabels"]),
])
def test_policy_adds_exactly_the_operations_enabled_and_the_sidecar_keys(features, actions):
    policy = policy_for("dev", overrides={"LABELS": features, "DELETE_OUTPUTS": "false"})
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert by_sid["AnalyseImages"]["Action"] == actions
    assert "arn:aws:s3:::thumbnailer-dev-thumbnails/*-labels.json" in by_sid["WriteOutputs"][
        "Resource"]
    # Deletes only for a quarantine (delete sync is off here).
    assert ("DeleteOutputs" in by_sid) == ("moderation" in features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import analyze_policy_string
    assert [str(f) for f in analyze_policy_string(json.dumps(policy)).findings] == []


def test_labels_and_quarantine_under_exactly_the_generated_policy(
    s3, chalice_app, labels_stage, router, source_bucket, target_bucket, monkeypatch,
    enforced_iam, caplog
):
    iam = boto3.client("iam")
    function = _user_with_policy(
        iam, "thumbnailer-fn", policy_for("dev", overrides={"LABELS": "labels,moderation"}))
    without_labels = _user_with_policy(iam, "thumbnailer-plain", policy_for("dev"))
    admin = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                "Resource": "*"}]})
    s3.put_object(Bucket=source_bucket, Key="ok.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="bad.jpg", Body=red())
    s3.put_object(Bucket=target_bucket, Key="bad-thumbnail.jpg", Body=b"an earlier thumbnail")
    s3.put_object(Bucket=target_bucket, Key="notes.json", Body=b"someone else's")
    events = pending(router)
    enforced_iam()

    for name, value in function.items():
        monkeypatch.setenv(name, value)
    assert run_all(chalice_app, events) == {**NONE, "written": 1, "quarantined": 1}

    as_function = boto3.client("s3", **_as_kwargs(function))
    for call in [
        lambda: as_function.put_object(Bucket=target_bucket, Key="notes.json", Body=b"x"),
        lambda: as_function.delete_object(Bucket=target_bucket, Key="notes.json"),
        lambda: as_function.get_object(Bucket=target_bucket, Key="ok-labels.json"),
    ]:
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"

    # A stage without LABELS has no Rekognition at all: both operations are refused.
    plain = boto3.client("rekognition", **_as_kwargs(without_labels))
    for call in (plain.detect_labels, plain.detect_moderation_labels):
        with pytest.raises(ClientError) as error:
            call(Image={"Bytes": photo()})
        assert error.value.response["Error"]["Code"] == "AccessDeniedException"  # as AWS says

    as_admin = boto3.client("s3", **_as_kwargs(admin))
    listed = as_admin.list_objects_v2(Bucket=target_bucket)["Contents"]
    keys = sorted(item["Key"] for item in listed)
    assert keys == ["bad-labels.json", "notes.json", "ok-labels.json", "ok-thumbnail.jpg"]


def test_the_local_stand_in_checks_requests_as_rekognition_does(s3):
    client = boto3.client("rekognition")
    for image, code in [
        (b"<!doctype html>", "InvalidImageFormatException"),
        (b"\xff\xd8" + bytes(5 * 1024 * 1024), "ImageTooLargeException"),
    ]:
        with pytest.raises(ClientError) as error:
            client.detect_moderation_labels(Image={"Bytes": image})
        assert error.value.response["Error"]["Code"] == code
    answer = client.detect_moderation_labels(Image={"Bytes": red()}, MinConfidence=10)
    assert answer["ModerationModelVersion"] == "7.0"
    assert [label["Name"] for label in answer["ModerationLabels"]] == ["Visually Disturbing"]
    assert 79 < answer["ModerationLabels"][0]["Confidence"] < 81
