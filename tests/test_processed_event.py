"""The processed-image event (EVENT_BUS): one EventBridge event per upload handled, on the local
moto server's EventBridge, reaching an SQS queue through a rule as a subscriber would get it.

moto answers a PutEvents to a bus that does not exist with an error (ResourceNotFoundException),
and never with a refused entry in a 200 answer (FailedEntryCount) for a well-formed entry:
`EventBridgeRefusing` below, a loopback stand-in speaking EventBridge's JSON protocol, does.
"""

from __future__ import annotations

import io
import json
from http.server import BaseHTTPRequestHandler

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from chalicelib.aws import clients, eventbridge
from chalicelib.aws.rekognition import Analysis
from chalicelib.config.settings import SettingsError
from chalicelib.pipeline.announce import entry_for
from chalicelib.pipeline.result import Outcome, RecordResult
from chalicelib.pipeline.setup import load_settings
from devtools import samples
from devtools.events import removed_record, s3_record
from devtools.loopback import LoopbackServer
from devtools.policy import policy_for, policy_path, render
from tests.helpers.eventbridge import (
    ACCOUNT,
    BUS,
    REGION,
    is_access_denied,
    received,
    subscribe,
)
from tests.helpers.iam import _as_kwargs, _user_with_policy
from tests.helpers.runs import NONE, lines, pending, photo, run, run_all, target_keys


def image_size(s3, bucket: str, key: str) -> str:
    with Image.open(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())) as image:
        return "{}x{}".format(*image.size)


def test_an_upload_sends_image_processed_with_its_outputs(
    s3, chalice_app, bus, stage, router, source_bucket, target_bucket, caplog
):
    stage("OUTPUTS", "thumbnail,card")
    s3.put_object(Bucket=source_bucket, Key="trip/a b.jpg", Body=photo())
    etag = s3.head_object(Bucket=source_bucket, Key="trip/a b.jpg")["ETag"].strip('"')
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}

    [event] = received(bus)
    assert (event["source"], event["detail-type"]) == ("thumbnailer", "Image processed")
    assert event["resources"] == [f"arn:aws:s3:::{source_bucket}/trip/a b.jpg"]
    detail = event["detail"]
    assert {name: detail[name] for name in ("bucket", "key", "etag", "outcome")} == {
        "bucket": source_bucket, "key": "trip/a b.jpg", "etag": etag, "outcome": "written"}
    assert sorted(detail) == ["bucket", "etag", "key", "outcome", "outputs"]
    assert sorted(o["key"] for o in detail["outputs"]) == target_keys(s3, target_bucket) == [
        "trip/a b-card.webp", "trip/a b-thumbnail.jpg"]
    for output in detail["outputs"]:
        assert sorted(output) == ["bytes", "format", "key", "name", "size"]
        head = s3.head_object(Bucket=target_bucket, Key=output["key"])
        assert output["bytes"] == head["ContentLength"]
        assert output["size"] == image_size(s3, target_bucket, output["key"])
    line = lines(caplog)[-1]
    assert line["outcome"] == "written"
    assert line["event"].startswith("sent: Image processed (") and event["id"] in line["event"]


def test_a_stale_event_reports_the_upload_actually_rendered(
    s3, chalice_app, bus, source_bucket, target_bucket
):
    s3.put_object(Bucket=source_bucket, Key="v.jpg", Body=photo())
    head = s3.head_object(Bucket=source_bucket, Key="v.jpg")
    record = s3_record(source_bucket, "v.jpg", head["ContentLength"], head["ETag"].strip('"'))
    s3.put_object(Bucket=source_bucket, Key="v.jpg",
                  Body=samples.jpeg_bytes(samples.photo_like((300, 300), seed=7)))
    newer = s3.head_object(Bucket=source_bucket, Key="v.jpg")["ETag"].strip('"')
    assert run(chalice_app, "thumbnail_jpg", {"Records": [record]}) == {**NONE, "written": 1}
    [event] = received(bus)
    assert event["detail"]["etag"] == newer != head["ETag"].strip('"')
    assert event["detail"]["outputs"][0]["size"] == "300x300"


def test_a_skipped_upload_sends_image_processed_with_the_reason(
    s3, chalice_app, bus, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="page.jpg", Body=b"<html><body>hi</body></html>")
    assert run_all(chalice_app, pending(router)) == {**NONE, "skipped": 1}
    [event] = received(bus)
    assert event["detail-type"] == "Image processed"
    detail = event["detail"]
    line = lines(caplog)[-1]
    assert detail["outcome"] == "skipped" and detail["reason"] == line["reason"]
    assert detail["outputs"] == [] and detail["key"] == "page.jpg"
    assert line["event"].startswith("sent: Image processed")
    assert target_keys(s3, target_bucket) == []


def test_a_delete_sends_image_removed_with_the_deleted_keys(
    s3, chalice_app, bus, stage, router, source_bucket, target_bucket, caplog
):
    stage("OUTPUTS", "thumbnail,card")
    s3.put_object(Bucket=source_bucket, Key="d.png",
                  Body=samples.png_bytes(samples.photo_like((300, 200))))
    run_all(chalice_app, pending(router))
    [created] = received(bus)
    written = sorted(o["key"] for o in created["detail"]["outputs"])
    s3.delete_object(Bucket=source_bucket, Key="d.png")
    assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}

    [event] = received(bus)
    assert (event["source"], event["detail-type"]) == ("thumbnailer", "Image removed")
    detail = event["detail"]
    assert (detail["bucket"], detail["key"], detail["outcome"]) == (source_bucket, "d.png",
                                                                    "deleted")
    assert sorted(detail["deleted"]) == written and detail["outputs"] == []
    # S3's ObjectRemoved records carry no eTag, EventBridge's the delete marker's empty MD5,
    # the local S3's the deleted object's: a removal names no upload, so the detail no ETag.
    assert "etag" not in detail and created["detail"]["etag"]
    assert target_keys(s3, target_bucket) == []
    assert lines(caplog)[-1]["event"].startswith("sent: Image removed")


def test_a_delete_finding_the_key_uploaded_again_sends_nothing(
    s3, chalice_app, bus, source_bucket, caplog
):
    etag = s3.put_object(Bucket=source_bucket, Key="back.jpg", Body=photo())["ETag"].strip('"')
    created = s3_record(source_bucket, "back.jpg", len(photo()), etag)
    assert run(chalice_app, "thumbnail_jpg", {"Records": [created]}) == {**NONE, "written": 1}
    received(bus)  # the upload's own event
    record = removed_record(source_bucket, "back.jpg")  # its outputs are of the object there
    assert run(chalice_app, "thumbnail_jpg", {"Records": [record]}) == {**NONE, "skipped": 1}
    assert received(bus) == []
    assert "event" not in lines(caplog)[-1]


@pytest.mark.parametrize("event", [
    {"Event": "s3:TestEvent", "Bucket": "thumbnailer-dev-source"},
    {"Records": [{"eventName": "ObjectCreated:Put"}]},  # malformed: no s3
    {"Records": [s3_record("someone-elses-bucket", "x.jpg", 10, "abc")]},
    {"Records": [removed_record("someone-elses-bucket", "x.jpg")]},
])
def test_skips_that_are_no_upload_of_this_stage_send_nothing(
    s3, chalice_app, bus, caplog, event
):
    assert run(chalice_app, "thumbnail_jpg", event) == {**NONE, "skipped": 1}
    assert received(bus) == []
    assert "event" not in lines(caplog)[-1]


def test_a_delete_with_delete_sync_off_sends_nothing(
    s3, chalice_app, bus, stage, source_bucket, caplog
):
    stage("DELETE_OUTPUTS", "false")
    record = removed_record(source_bucket, "gone.jpg")
    assert run(chalice_app, "thumbnail_jpg", {"Records": [record]}) == {**NONE, "skipped": 1}
    assert received(bus) == []
    assert "event" not in lines(caplog)[-1]


def test_a_rule_on_the_outcome_gets_only_matching_events(
    s3, chalice_app, bus, router, source_bucket
):
    skips = subscribe(boto3.client("events"), BUS,
                      {"source": ["thumbnailer"], "detail": {"outcome": ["skipped"]}}, "skips")
    s3.put_object(Bucket=source_bucket, Key="good.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="bad.jpg", Body=b"not an image")
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1, "skipped": 1}
    assert sorted(e["detail"]["key"] for e in received(bus)) == ["bad.jpg", "good.jpg"]
    assert [e["detail"]["key"] for e in received(skips)] == ["bad.jpg"]


def test_a_bus_that_does_not_exist_fails_the_record_and_the_retry_sends_it(
    s3, chalice_app, stage, router, source_bucket, target_bucket, caplog
):
    stage("EVENT_BUS", "no-such-bus")
    s3.put_object(Bucket=source_bucket, Key="t.jpg", Body=photo())
    [(handler, event)] = pending(router)
    with pytest.raises(Exception, match="retry the event") as raised:
        run(chalice_app, handler, event)
    assert isinstance(raised.value.__cause__, ClientError)
    assert raised.value.__cause__.response["Error"]["Code"] == "ResourceNotFoundException"
    line = lines(caplog)[-1]
    assert line["outcome"] == "failed" and line["event"] == "failed"
    assert "ResourceNotFoundException" in line["reason"]
    assert target_keys(s3, target_bucket) == ["t-thumbnail.jpg"]  # the outputs stay

    events = boto3.client("events")
    events.create_event_bus(Name="no-such-bus")
    queue_url = subscribe(events, "no-such-bus", {"source": ["thumbnailer"]}, "late")
    assert run(chalice_app, handler, event) == {**NONE, "written": 1}
    [sent] = received(queue_url)
    assert sent["detail"]["key"] == "t.jpg" and sent["detail"]["outcome"] == "written"


class EventBridgeRefusing(LoopbackServer):
    """EventBridge on loopback answering every PutEvents with HTTP 200 and the entry refused,
    as EventBridge does for an entry it could not put (FailedEntryCount > 0)."""

    def __init__(self, code: str = "InternalFailure", message: str = "Internal service error."):
        self.body = json.dumps({"FailedEntryCount": 1,
                                "Entries": [{"ErrorCode": code, "ErrorMessage": message}]}).encode()
        self.requests: list[dict] = []
        super().__init__()

    def _handler_class(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append({"target": self.headers.get("X-Amz-Target"),
                                          **json.loads(body)})
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(stand_in.body)))
                self.end_headers()
                self.wfile.write(stand_in.body)

            def log_message(self, *args):
                pass

        return Handler


def test_a_refused_entry_in_a_200_answer_fails_the_record_and_the_retry_sends_it(
    s3, chalice_app, bus, stage, router, source_bucket, target_bucket, caplog, monkeypatch
):
    s3.put_object(Bucket=source_bucket, Key="r.jpg", Body=photo())
    [(handler, event)] = pending(router)
    with EventBridgeRefusing() as refusing:
        monkeypatch.setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", refusing.url)
        with pytest.raises(Exception, match="retry the event") as raised:
            run(chalice_app, handler, event)
    assert isinstance(raised.value.__cause__, eventbridge.EventNotSent)
    [request] = refusing.requests  # a 200 is no error to retry: one call
    assert request["target"] == "AWSEvents.PutEvents"
    [entry] = request["Entries"]
    assert (entry["EventBusName"], entry["DetailType"]) == (BUS, "Image processed")
    line = lines(caplog)[-1]
    assert line["outcome"] == "failed" and line["event"] == "failed"
    assert "InternalFailure: Internal service error." in line["reason"]
    assert target_keys(s3, target_bucket) == ["r-thumbnail.jpg"]  # the outputs stay
    assert received(bus) == []

    monkeypatch.delenv("AWS_ENDPOINT_URL_EVENTBRIDGE")
    assert run(chalice_app, handler, event) == {**NONE, "written": 1}
    [sent] = received(bus)
    assert sent["detail"]["key"] == "r.jpg" and sent["detail-type"] == "Image processed"


def test_event_bus_unset_sends_nothing_and_leaves_log_line_and_policy_as_before(
    s3, chalice_app, stage, router, source_bucket, caplog, monkeypatch
):
    events = boto3.client("events")
    events.create_event_bus(Name=BUS)
    queues = [subscribe(events, bus_name, {"source": ["thumbnailer"]}, f"q-{bus_name}")
              for bus_name in (BUS, "default")]
    services = []
    real_client_for = clients.client_for

    def watching(deadline, service="s3"):
        services.append(service)
        return real_client_for(deadline, service)

    monkeypatch.setattr(clients, "client_for", watching)
    s3.put_object(Bucket=source_bucket, Key="u.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="bad.jpg", Body=b"not an image")
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1, "skipped": 1}
    assert services and set(services) == {"s3"}  # no EventBridge client, no PutEvents
    assert all(received(queue) == [] for queue in queues)
    assert all("event" not in line for line in lines(caplog))

    for stage_name in ("dev", "prod"):
        committed = policy_path(stage_name).read_text()
        assert committed == render(policy_for(stage_name)) and "events:" not in committed


@pytest.mark.parametrize("value, resource", [
    (BUS, f"arn:aws:events:*:*:event-bus/{BUS}"),
    ("default", "arn:aws:events:*:*:event-bus/default"),
    (f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/{BUS}",
     f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/{BUS}"),
])
def test_policy_gains_exactly_put_events_on_that_bus(value, resource):
    on = policy_for("dev", overrides={"EVENT_BUS": value})
    extra = [s for s in on["Statement"] if s not in policy_for("dev")["Statement"]]
    assert extra == [{"Sid": "PutProcessedImageEvents", "Effect": "Allow",
                      "Action": ["events:PutEvents"], "Resource": [resource]}]


BASE = {"SOURCE_BUCKET": "src-bucket", "TARGET_BUCKET": "thumbs-bucket"}


@pytest.mark.parametrize("value", [
    "my bus", "bus:name", "bus*", "x" * 257, "ünïcode",
    "arn:aws:events:us-east-1:12345:event-bus/x",  # account not 12 digits
    "arn:aws:events::123456789012:event-bus/x",  # no region
    "arn:aws:events:us-east-1:123456789012:rule/x",  # a rule, not a bus
    "arn:aws:sqs:us-east-1:123456789012:queue",
    "arn:aws:events:us-east-1:123456789012:event-bus/",  # no name
    "arn:aws:events:us-east-1:123456789012:event-bus/a b",
    "arn:aws:events:us-east-1:123456789012:event-bus/" + "x" * 257,
])
def test_settings_errors_name_event_bus(value):
    with pytest.raises(SettingsError, match=r"^EVENT_BUS must be"):
        load_settings({**BASE, "EVENT_BUS": value})


@pytest.mark.parametrize("value", [
    "default", BUS, "a/b.c_d-e", "x" * 256,
    f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{BUS}",
    f"arn:aws-us-gov:events:us-gov-west-1:{ACCOUNT}:event-bus/default",
    f"arn:aws-cn:events:cn-north-1:{ACCOUNT}:event-bus/x",
])
def test_settings_accept_bus_names_and_arns(value):
    assert load_settings({**BASE, "EVENT_BUS": value}).event_bus == value


def test_settings_event_bus_is_off_when_unset_or_blank():
    assert load_settings(BASE).event_bus is None
    assert load_settings({**BASE, "EVENT_BUS": "  "}).event_bus is None


def test_an_entry_over_eventbridges_limit_drops_the_label_lists():
    labels = tuple({"name": f"label {n:04d}", "confidence": 99.5} for n in range(1000))
    result = RecordResult(Outcome.WRITTEN, bucket="b", key="k.jpg", upload_of_stage=True,
                          analysis=Analysis(labels=labels * 8, moderation_labels=labels[:2]),
                          labels_key="k-labels.json")
    entry = entry_for(result, BUS)
    detail = json.loads(entry["Detail"])
    assert "labels" not in detail and "moderation_labels" not in detail
    assert detail["labels_dropped"].startswith("labels, moderation_labels left out")
    assert detail["labels_key"] == "k-labels.json"
    assert eventbridge.entry_bytes(entry) <= eventbridge.MAX_ENTRY_BYTES

    small = entry_for(RecordResult(
        Outcome.WRITTEN, bucket="b", key="k.jpg", upload_of_stage=True, analysis=Analysis(
            labels=labels[:3], moderation_labels=({"name": "Violence", "confidence": 80.0},))),
        BUS)
    detail = json.loads(small["Detail"])
    assert detail["labels"] == list(labels[:3]) and "labels_dropped" not in detail
    assert detail["moderation_labels"] == [{"name": "Violence", "confidence": 80.0}]


def test_quarantined_records_send_image_quarantined_and_failed_ones_nothing():
    quarantined = RecordResult(Outcome.QUARANTINED, bucket="b", key="k.jpg",
                               reason="moderation: Violence", upload_of_stage=True)
    entry = entry_for(quarantined, BUS, "etag1")
    assert entry["DetailType"] == "Image quarantined"
    assert json.loads(entry["Detail"]) == {"bucket": "b", "key": "k.jpg", "etag": "etag1",
                                           "outcome": "quarantined",
                                           "reason": "moderation: Violence", "outputs": []}
    failed = RecordResult(Outcome.FAILED, bucket="b", key="k.jpg", upload_of_stage=True)
    assert entry_for(failed, BUS) is None


def test_events_under_exactly_the_generated_policy(
    s3, chalice_app, bus, router, source_bucket, target_bucket, monkeypatch, enforced_iam,
    iam_sees_the_bus, caplog
):
    iam = boto3.client("iam")
    function = _user_with_policy(iam, "thumbnailer-fn",
                                 policy_for("dev", overrides={"EVENT_BUS": BUS}))
    admin = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    events = boto3.client("events")
    events.create_event_bus(Name="another-bus")
    s3.put_object(Bucket=source_bucket, Key="p.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="q.jpg", Body=b"not an image")
    pending_events = pending(router)
    enforced_iam()

    for name, value in function.items():
        monkeypatch.setenv(name, value)
    assert run_all(chalice_app, pending_events) == {**NONE, "written": 1, "skipped": 1}
    assert all(line["event"].startswith("sent: Image processed") for line in lines(caplog))
    as_admin_sqs = boto3.client("sqs", **_as_kwargs(admin))
    assert sorted(e["detail"]["key"] for e in received(bus, as_admin_sqs)) == ["p.jpg", "q.jpg"]

    as_function = boto3.client("events", **_as_kwargs(function))
    entry = {"Source": "thumbnailer", "DetailType": "Image processed", "Detail": "{}"}
    allowed = as_function.put_events(Entries=[{**entry, "EventBusName": BUS}])
    assert allowed["FailedEntryCount"] == 0
    denied = [
        lambda: as_function.put_events(Entries=[{**entry, "EventBusName": "another-bus"}]),
        lambda: as_function.put_events(Entries=[{**entry, "EventBusName": f"arn:aws:events:"
                                                 f"{REGION}:{ACCOUNT}:event-bus/another-bus"}]),
        lambda: as_function.put_events(Entries=[entry]),  # the default bus
        lambda: as_function.put_rule(Name="sneaky", EventBusName=BUS,
                                     EventPattern='{"source": ["thumbnailer"]}'),
        lambda: as_function.list_rules(EventBusName=BUS),
    ]
    for call in denied:
        with pytest.raises(ClientError) as error:
            call()
        assert is_access_denied(error.value)


