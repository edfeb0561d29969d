"""`make destinations` and `make redrive` against the local endpoint (moto server): the failure
queue, event invoke configs, role policies and alarms as set, idempotence counted in calls, and
the redrive's handling of each kind of message. Lambda's Invoke comes from a loopback stand-in
(tests/helpers/lambda_stand_in.py): the moto server would run it in Docker."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile

import boto3
import pytest

from devtools import destinations, redrive
from devtools.local_s3 import s3_event_sources
from tests.helpers.lambda_stand_in import lambda_stand_in

STAGE = "dev"
QUEUE = "thumbnailer-dev-failures"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


@pytest.fixture
def deployed(s3_endpoint, chalice_app):
    """A clean local endpoint with the stage's functions and roles as `chalice deploy` leaves
    them (the code is a stub: nothing here runs it)."""
    urllib.request.urlopen(f"{s3_endpoint}/moto-api/reset", data=b"", timeout=10).close()
    iam, lambda_client = boto3.client("iam"), boto3.client("lambda")
    functions = destinations.stage_functions(STAGE, chalice_app.app)
    for function in functions:
        role_arn = iam.create_role(RoleName=function.role_name,
                                   AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        lambda_client.create_function(FunctionName=function.function_name, Runtime="python3.13",
                                      Role=role_arn, Handler=f"app.{function.handler}",
                                      Code={"ZipFile": _zip()})
    return functions


def counting_clients() -> tuple[dict, list[str]]:
    """destinations' clients, and every operation they call, in order."""
    clients, calls = destinations.clients(), []
    for client in clients.values():
        client.meta.events.register(
            "before-call", lambda model, **_: calls.append(model.name))
    return clients, calls


def mutating(calls: list[str]) -> list[str]:
    return [call for call in calls if not call.startswith(("Get", "List", "Describe"))]


def state(functions) -> dict:
    """Everything `make destinations` sets, as the local endpoint reports it."""
    sqs, iam = boto3.client("sqs"), boto3.client("iam")
    lambda_client, cloudwatch = boto3.client("lambda"), boto3.client("cloudwatch")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    configs = {}
    for f in functions:
        config = lambda_client.get_function_event_invoke_config(FunctionName=f.function_name)
        config.pop("ResponseMetadata")
        configs[f.function_name] = config
    return {
        "queue": sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"],
        "configs": configs,
        "policies": {f.role_name: iam.get_role_policy(
            RoleName=f.role_name, PolicyName="failure-destination")["PolicyDocument"]
            for f in functions},
        "alarms": {alarm["AlarmName"]: alarm
                   for alarm in cloudwatch.describe_alarms()["MetricAlarms"]},
    }


def test_functions_and_roles_are_named_from_the_apps_handlers(chalice_app):
    functions = destinations.stage_functions(STAGE, chalice_app.app)
    handlers = [source.name for source in s3_event_sources(chalice_app.app)]
    assert len(handlers) == 6
    assert [f.handler for f in functions] == handlers
    # autogen_policy false: one role per function, named like the function (Chalice's appgraph).
    assert [f.function_name for f in functions] == [f"thumbnailer-dev-{h}" for h in handlers]
    assert [f.role_name for f in functions] == [f.function_name for f in functions]


def test_a_generated_policy_means_one_shared_role(chalice_app, tmp_path):
    config = json.loads((destinations.PROJECT_DIR / ".chalice" / "config.json").read_text())
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps({**config,
                                                                   "autogen_policy": True}))
    functions = destinations.stage_functions(STAGE, chalice_app.app, project_dir=tmp_path)
    assert {f.role_name for f in functions} == {"thumbnailer-dev"}


def test_make_destinations_sets_queue_configs_policies_and_alarms(deployed, capsys):
    assert destinations.main(["--stage", STAGE]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{1 + 6 + 6 + 7} changed, 0 unchanged"

    now = state(deployed)
    assert now["queue"]["SqsManagedSseEnabled"] == "true"
    assert now["queue"]["MessageRetentionPeriod"] == "1209600"
    queue_arn = now["queue"]["QueueArn"]
    for function in deployed:
        config = now["configs"][function.function_name]
        assert config["MaximumRetryAttempts"] == 2
        assert config["MaximumEventAgeInSeconds"] == 21600
        assert config["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn}}
        policy = now["policies"][function.role_name]
        assert policy["Statement"] == [{"Sid": "SendToFailureDestination", "Effect": "Allow",
                                        "Action": "sqs:SendMessage", "Resource": queue_arn}]
    depth = now["alarms"][f"{QUEUE}-depth"]
    assert (depth["Namespace"], depth["MetricName"], depth["Dimensions"]) == (
        "AWS/SQS", "ApproximateNumberOfMessagesVisible", [{"Name": "QueueName", "Value": QUEUE}])
    assert (depth["ComparisonOperator"], depth["Threshold"]) == ("GreaterThanThreshold", 0.0)
    for function in deployed:
        errors = now["alarms"][f"{function.function_name}-errors"]
        assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == (
            "AWS/Lambda", "Errors", "Sum")
        assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": function.function_name}]
        assert (errors["ComparisonOperator"], errors["Threshold"]) == ("GreaterThanThreshold", 0.0)
    assert len(now["alarms"]) == 7


def test_a_second_run_changes_nothing(deployed, capsys):
    clients, calls = counting_clients()
    first = destinations.apply(STAGE, clients, deployed, "thumbnailer", report=lambda _: None)
    assert set(first.values()) == {"created"}
    assert len(mutating(calls)) == 1 + 6 + 6 + 7
    before = state(deployed)
    calls.clear()

    second = destinations.apply(STAGE, clients, deployed, "thumbnailer", report=lambda _: None)

    assert set(second.values()) == {"unchanged"}
    assert mutating(calls) == []
    assert state(deployed) == before
    assert destinations.main(["--stage", STAGE]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 changed, 20 unchanged"


def test_drifted_settings_are_put_back_and_an_on_success_destination_kept(deployed):
    sqs, iam, lambda_client = boto3.client("sqs"), boto3.client("iam"), boto3.client("lambda")
    sqs.create_queue(QueueName=QUEUE, Attributes={"SqsManagedSseEnabled": "false"})
    [jpg, png, *_] = deployed
    elsewhere = "arn:aws:sqs:us-east-1:123456789012:elsewhere"
    lambda_client.put_function_event_invoke_config(
        FunctionName=jpg.function_name, MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": elsewhere}})
    iam.put_role_policy(RoleName=png.role_name, PolicyName="failure-destination",
                        PolicyDocument=json.dumps(destinations.send_policy(elsewhere)))

    clients, _ = counting_clients()
    puts = []
    clients["lambda"].meta.events.register(
        "provide-client-params.lambda.PutFunctionEventInvokeConfig",
        lambda params, **_: puts.append(dict(params)))
    statuses = destinations.apply(STAGE, clients, deployed, "thumbnailer", report=lambda _: None)

    assert statuses[f"queue {QUEUE} (SSE-SQS, 14 days)"] == "updated"
    assert [what for what, status in statuses.items() if status == "updated"][1:] == [
        f"role {png.role_name} policy failure-destination (sqs:SendMessage on the queue)",
        f"function {jpg.function_name} event invoke config (2 retries, 21600 s, OnFailure queue)",
    ]
    now = state(deployed)
    assert now["queue"]["SqsManagedSseEnabled"] == "true"
    assert now["policies"][png.role_name]["Statement"][0]["Resource"] == now["queue"]["QueueArn"]
    # The request that replaces jpg's config. (Checked as sent: moto 5.2.5 appends a second
    # config on Put and keeps answering Get with the first, where Lambda replaces it.)
    assert puts[0] == {
        "FunctionName": jpg.function_name, "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnSuccess": {"Destination": elsewhere},
                              "OnFailure": {"Destination": now["queue"]["QueueArn"]}}}
    assert [put["FunctionName"] for put in puts] == [f.function_name for f in deployed]


# --- redrive -------------------------------------------------------------------------------

def destination_record(function_name: str, payload: dict, qualifier: str = "$LATEST") -> str:
    """What Lambda sends to an on-failure destination (AWS docs, "Invocation records")."""
    return json.dumps({
        "version": "1.0",
        "timestamp": "2026-11-27T12:00:00.000Z",
        "requestContext": {
            "requestId": "c2a6f2ae-7dbb-4d22-8782-d0485c9877e2",
            "functionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
                           f":{qualifier}",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        },
        "requestPayload": payload,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "An error occurred (SlowDown)",
                            "errorType": "ClientError", "stackTrace": []},
    })


def s3_event(key: str) -> dict:
    return {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                         "s3": {"bucket": {"name": "thumbnailer-dev-source"},
                                "object": {"key": key, "size": 1}}}]}


@pytest.fixture
def failures(s3_endpoint):
    """A clean local endpoint with the stage's failure queue holding four messages: a failed
    event of the jpg function, one of the png function, a plain S3 event (not a destination
    record) and a failed event of another stage's function."""
    urllib.request.urlopen(f"{s3_endpoint}/moto-api/reset", data=b"", timeout=10).close()
    sqs = boto3.client("sqs")
    url, _, _ = destinations.ensure_queue(sqs, QUEUE)
    bodies = {
        "good": destination_record("thumbnailer-dev-thumbnail_jpg", s3_event("a/good.jpg")),
        "refused": destination_record("thumbnailer-dev-thumbnail_png", s3_event("a/b.png")),
        "plain": json.dumps(s3_event("a/plain.jpg")),
        "prod": destination_record("thumbnailer-prod-thumbnail_jpg", s3_event("p/x.jpg")),
    }
    ids = {name: sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
           for name, body in bodies.items()}
    return url, bodies, ids


@pytest.fixture
def stand_in(monkeypatch):
    with lambda_stand_in() as lambda_api:
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", lambda_api.url)
        yield lambda_api


def queued(url: str) -> list[str]:
    """The bodies visible in the queue now (read, then made visible again)."""
    sqs, bodies = boto3.client("sqs"), []
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                   VisibilityTimeout=30, WaitTimeSeconds=1).get("Messages", [])
    for message in messages:
        bodies.append(message["Body"])
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                      VisibilityTimeout=0)
    return sorted(bodies)


def test_redrive_replays_deletes_only_accepted_and_leaves_the_rest(failures, stand_in, capsys):
    url, bodies, ids = failures
    stand_in.refuse.add("thumbnailer-dev-thumbnail_png")

    assert redrive.main(["--stage", STAGE]) == 1  # one replay refused

    assert stand_in.invocations == [{
        "function": "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer-dev-thumbnail_jpg",
        "qualifier": "$LATEST", "type": "Event", "payload": s3_event("a/good.jpg")}]
    assert queued(url) == sorted([bodies["refused"], bodies["plain"], bodies["prod"]])
    out = capsys.readouterr().out
    assert f"replayed {ids['good']} on " in out and "message deleted" in out
    assert f"refused {ids['refused']} on " in out and "ResourceNotFoundException" in out
    assert f"left {ids['plain']}: not a Lambda destination record" in out
    assert f"left {ids['prod']}: function thumbnailer-prod-thumbnail_jpg is not one" in out
    assert out.splitlines()[-1] == ("1 replayed and deleted, 1 refused (left), "
                                    "2 left (not this stage's destination records)")


def test_redrive_of_accepted_replays_empties_the_queue_of_them(failures, stand_in, capsys):
    url, bodies, _ = failures
    assert redrive.main(["--stage", STAGE]) == 0
    assert sorted(i["payload"]["Records"][0]["s3"]["object"]["key"]
                  for i in stand_in.invocations) == ["a/b.png", "a/good.jpg"]
    assert {i["type"] for i in stand_in.invocations} == {"Event"}
    assert queued(url) == sorted([bodies["plain"], bodies["prod"]])
    assert redrive.main(["--stage", STAGE]) == 0  # again: nothing left to replay
    assert len(stand_in.invocations) == 2
    assert capsys.readouterr().out.splitlines()[-1] == (
        "0 replayed and deleted, 0 refused (left), 2 left (not this stage's destination records)")


def test_redrive_dry_run_lists_and_changes_nothing(failures, stand_in, capsys):
    url, bodies, ids = failures
    assert redrive.main(["--stage", STAGE, "--dry-run"]) == 0
    assert stand_in.invocations == []
    assert queued(url) == sorted(bodies.values())  # all four, visible at once
    out = capsys.readouterr().out
    assert f"would replay {ids['good']} on " in out and "RetriesExhausted" in out
    assert f"would replay {ids['refused']} on " in out
    assert out.splitlines()[-1] == ("dry run: 2 to replay, 2 left (not this stage's destination "
                                    "records); nothing invoked or deleted")


@pytest.mark.parametrize("body", [
    "not json",
    json.dumps([1, 2]),
    json.dumps({"requestContext": {"functionArn": "arn:aws:lambda:us-east-1:1:function:"
                                                  "thumbnailer-dev-x"}, "requestPayload": {},
                "responsePayload": {}}),  # no responseContext
    json.dumps({"requestContext": {"functionArn": "arn:aws:sns:us-east-1:1:topic"},
                "requestPayload": {}, "responseContext": {}, "responsePayload": None}),
])
def test_what_is_not_a_destination_record_is_never_replayed(body):
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": body}
    assert isinstance(redrive.parse_record(message, "thumbnailer-dev-"), str)
