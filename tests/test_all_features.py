"""All four features of issue 11 at once, as a stage that turns them all on would run: delete
sync, backup copy, labels and moderation, the processed-image event; under exactly the policy
generated for that stage, with IAM enforced by the local endpoint, on its own S3 events."""

from __future__ import annotations

import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from devtools.policy import policy_for
from tests.helpers.backup import BACKUP
from tests.helpers.eventbridge import BUS, is_access_denied, received, subscribe
from tests.helpers.iam import _as_kwargs, _user_with_policy
from tests.helpers.pictures import red
from tests.helpers.runs import NONE, pending, photo, run_all

pytestmark = pytest.mark.usefixtures("if_match_enforced")

ALL_ON = {"BACKUP_BUCKET": BACKUP, "LABELS": "labels,moderation", "EVENT_BUS": BUS,
          "OUTPUTS": "thumbnail,card"}


@pytest.fixture
def all_on(s3, stage):
    s3.create_bucket(Bucket=BACKUP)
    events = boto3.client("events")
    events.create_event_bus(Name=BUS)
    events.create_event_bus(Name="someone-elses")
    for name, value in ALL_ON.items():
        stage(name, value)
    return subscribe(events, BUS, {"source": ["thumbnailer"]}, "everything")


def test_every_feature_under_exactly_the_generated_policy(
    s3, s3_endpoint, chalice_app, all_on, router, source_bucket, target_bucket, monkeypatch,
    enforced_iam, iam_sees_the_bus
):
    iam = boto3.client("iam")
    function = _user_with_policy(iam, "thumbnailer-fn", policy_for("dev", overrides=ALL_ON))
    admin = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                "Resource": "*"}]})
    s3.put_object(Bucket=source_bucket, Key="a/ok.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="a/gone.jpg", Body=photo())
    s3.put_object(Bucket=source_bucket, Key="a/flagged.jpg", Body=red())
    s3.put_object(Bucket=target_bucket, Key="a/notes.txt", Body=b"someone else's")
    created = pending(router)
    enforced_iam()
    use(monkeypatch, function)

    assert run_all(chalice_app, created) == {**NONE, "written": 2, "quarantined": 1}
    as_admin = boto3.client("s3", **_as_kwargs(admin))
    as_admin.delete_object(Bucket=source_bucket, Key="a/gone.jpg")
    stop_enforcing(s3_endpoint)  # the local loop's own reading of S3's notification queue
    removed = pending(router)
    enforced_iam()
    assert run_all(chalice_app, removed) == {**NONE, "deleted": 1}

    assert sorted(item["Key"] for item in as_admin.list_objects_v2(Bucket=target_bucket)[
        "Contents"]) == ["a/flagged-labels.json", "a/notes.txt", "a/ok-card.webp",
                         "a/ok-labels.json", "a/ok-thumbnail.jpg"]
    assert sorted(item["Key"] for item in as_admin.list_objects_v2(Bucket=BACKUP)[
        "Contents"]) == ["a/flagged.jpg", "a/gone.jpg", "a/ok.jpg"]

    as_function = boto3.client("s3", **_as_kwargs(function))
    denied = [
        lambda: as_function.delete_object(Bucket=source_bucket, Key="a/ok.jpg"),
        lambda: as_function.put_object(Bucket=source_bucket, Key="a/new.jpg", Body=b"x"),
        lambda: as_function.get_object(Bucket=BACKUP, Key="a/ok.jpg"),
        lambda: as_function.delete_object(Bucket=BACKUP, Key="a/ok.jpg"),
        lambda: as_function.list_objects_v2(Bucket=BACKUP),
        lambda: as_function.put_object(Bucket=target_bucket, Key="a/notes.txt", Body=b"x"),
        lambda: as_function.delete_object(Bucket=target_bucket, Key="a/notes.txt"),
        lambda: as_function.get_object(Bucket=target_bucket, Key="a/ok-labels.json"),
    ]
    for call in denied:
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"
    other_bus = boto3.client("events", **_as_kwargs(function))
    with pytest.raises(ClientError) as error:
        other_bus.put_events(Entries=[{"Source": "thumbnailer", "DetailType": "Image processed",
                                       "Detail": "{}", "EventBusName": "someone-elses"}])
    assert is_access_denied(error.value)

    stop_enforcing(s3_endpoint)  # the rule's queue is read by its consumer, not the function
    events = {(event["detail"]["key"], event["detail-type"]) for event in received(all_on)}
    assert events == {("a/ok.jpg", "Image processed"), ("a/gone.jpg", "Image processed"),
                      ("a/flagged.jpg", "Image quarantined"), ("a/gone.jpg", "Image removed")}


def use(monkeypatch, credentials: dict[str, str]) -> None:
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)


def stop_enforcing(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"inf",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request, timeout=10).close()
