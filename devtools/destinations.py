"""`make destinations STAGE=...`: catch every event a function finally fails on, and say so.

S3 invokes the functions asynchronously; after Lambda's retries a failed event is dropped unless
the function has an on-failure destination. For the stage this creates (or leaves as it is):

- the failure queue `<app>-<stage>-failures` (SQS, SSE-SQS encryption, 14 days' retention);
- each function's event invoke config: 2 retries, events at most 6 hours old, OnFailure to the
  queue (an OnSuccess destination set by hand is kept);
- on each function's role an inline policy `failure-destination`: sqs:SendMessage on that queue
  only (Lambda sends to the destination with the function's own role, and checks it may when
  the config is set, so the policy goes first);
- CloudWatch alarms: the queue has visible messages; a function reported Errors.

The functions are every handler app.py registers, named as Chalice names them; their roles as
Chalice names them too (one per function with autogen_policy false, else one shared role, or
the iam_role_arn given). Run after `chalice deploy` (the functions must exist). Idempotent:
what already matches is read, reported "unchanged" and not written again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

from devtools.stage import PROJECT_DIR, stage_environment

MAXIMUM_RETRY_ATTEMPTS = 2
MAXIMUM_EVENT_AGE_SECONDS = 6 * 3600
POLICY_NAME = "failure-destination"
QUEUE_ATTRIBUTES = {"SqsManagedSseEnabled": "true", "MessageRetentionPeriod": str(14 * 86400)}
ALARM_PERIOD_SECONDS = 300


def queue_name(app_name: str, stage: str) -> str:
    return f"{app_name}-{stage}-failures"


def send_policy(queue_arn: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "SendToFailureDestination", "Effect": "Allow",
        "Action": "sqs:SendMessage", "Resource": queue_arn,
    }]}


def _alarm(name: str, description: str, namespace: str, metric: str, dimension: tuple[str, str],
           statistic: str) -> dict:
    return {
        "AlarmName": name,
        "AlarmDescription": description,
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
        "Statistic": statistic,
        "Period": ALARM_PERIOD_SECONDS,
        "EvaluationPeriods": 1,
        "Threshold": 0.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }


def queue_depth_alarm(queue: str) -> dict:
    return _alarm(f"{queue}-depth",
                  "Failed events are waiting: see docs/deploying.md, make redrive",
                  "AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", queue), "Maximum")


def errors_alarm(function_name: str) -> dict:
    return _alarm(f"{function_name}-errors", "The function raised (Lambda retries, then the "
                  "event goes to the failure queue)", "AWS/Lambda", "Errors",
                  ("FunctionName", function_name), "Sum")


@dataclass(frozen=True)
class StageFunction:
    handler: str
    function_name: str
    role_name: str


def load_app(stage: str):
    """app.py's Chalice app, imported with the stage's environment as `chalice deploy` does."""
    import importlib

    if "app" in sys.modules:
        return sys.modules["app"].app
    saved = dict(os.environ)
    os.environ.update(stage_environment(stage))
    try:
        if str(PROJECT_DIR) not in sys.path:
            sys.path.insert(0, str(PROJECT_DIR))
        return importlib.import_module("app").app
    finally:
        os.environ.clear()
        os.environ.update(saved)


def handler_names(app) -> list[str]:
    """The handlers invoked asynchronously, by their event sources (S3 notifications here):
    those whose failed events Lambda retries and then hands to a destination. A plain
    @app.lambda_function such as `batch` is invoked synchronously by S3 Batch Operations, which
    retries and reports its failed tasks itself (the job's completion report)."""
    return list(dict.fromkeys(source.name for source in app.event_sources))


def stage_functions(stage: str, app=None, project_dir=PROJECT_DIR) -> list[StageFunction]:
    """The stage's functions and their roles, named as chalice/deploy/appgraph.py names them:
    function `<app>-<stage>-<handler>`; role `<app>-<stage>-<handler>` when the policy is a file
    (autogen_policy false), `<app>-<stage>` when Chalice generates it (one shared role), the
    name in iam_role_arn when Chalice does not manage the role."""
    from chalice.config import Config

    config_from_disk = json.loads((project_dir / ".chalice" / "config.json").read_text())
    app = app if app is not None else load_app(stage)
    functions = []
    for handler in handler_names(app):
        config = Config(chalice_stage=stage, function_name=handler,
                        config_from_disk=config_from_disk)
        prefix = f"{config.app_name}-{stage}"
        if not config.manage_iam_role:
            role = config.iam_role_arn.rsplit("/", 1)[-1]
        elif not config.autogen_policy:
            role = f"{prefix}-{handler}"
        else:
            role = prefix
        functions.append(StageFunction(handler, f"{prefix}-{handler}", role))
    return functions


def ensure_queue(sqs, name: str) -> tuple[str, str, str]:
    """(queue URL, queue ARN, status) with the queue encrypted and keeping messages 14 days."""
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("AWS.SimpleQueueService.NonExistentQueue",
                                                   "QueueDoesNotExist"):
            raise
        url = sqs.create_queue(QueueName=name, Attributes=QUEUE_ATTRIBUTES)["QueueUrl"]
        status = "created"
    else:
        current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if all(current.get(key) == value for key, value in QUEUE_ATTRIBUTES.items()):
            status = "unchanged"
        else:
            sqs.set_queue_attributes(QueueUrl=url, Attributes=QUEUE_ATTRIBUTES)
            status = "updated"
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    arn = attributes["QueueArn"]
    return url, arn, status


def ensure_role_policy(iam, role: str, queue_arn: str) -> str:
    wanted = send_policy(queue_arn)
    try:
        current = iam.get_role_policy(RoleName=role, PolicyName=POLICY_NAME)["PolicyDocument"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        current = None
    if isinstance(current, str):  # URL-encoded JSON if botocore did not decode it
        from urllib.parse import unquote
        current = json.loads(unquote(current))
    if current == wanted:
        return "unchanged"
    iam.put_role_policy(RoleName=role, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(wanted))
    return "created" if current is None else "updated"


def ensure_invoke_config(lambda_client, function_name: str, queue_arn: str,
                         attempts: int = 6, pause: float = 5.0) -> str:
    try:
        current = lambda_client.get_function_event_invoke_config(FunctionName=function_name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        current = None
    destinations = dict((current or {}).get("DestinationConfig") or {})
    if (current is not None
            and current.get("MaximumRetryAttempts") == MAXIMUM_RETRY_ATTEMPTS
            and current.get("MaximumEventAgeInSeconds") == MAXIMUM_EVENT_AGE_SECONDS
            and (destinations.get("OnFailure") or {}).get("Destination") == queue_arn):
        return "unchanged"
    destinations["OnFailure"] = {"Destination": queue_arn}
    request = {"FunctionName": function_name, "MaximumRetryAttempts": MAXIMUM_RETRY_ATTEMPTS,
               "MaximumEventAgeInSeconds": MAXIMUM_EVENT_AGE_SECONDS,
               "DestinationConfig": {key: value for key, value in destinations.items()
                                     if key in ("OnFailure", "OnSuccess") and value}}
    for attempt in range(attempts):
        try:
            lambda_client.put_function_event_invoke_config(**request)
            break
        except ClientError as error:
            # A role policy just written takes a few seconds to be seen by Lambda's check.
            if (error.response["Error"]["Code"] != "InvalidParameterValueException"
                    or attempt == attempts - 1):
                raise
            time.sleep(pause)
    return "created" if current is None else "updated"


def ensure_alarm(cloudwatch, alarm: dict) -> str:
    existing = cloudwatch.describe_alarms(AlarmNames=[alarm["AlarmName"]],
                                          AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    if existing and all(existing[0].get(key) == value for key, value in alarm.items()):
        return "unchanged"
    cloudwatch.put_metric_alarm(**alarm)
    return "updated" if existing else "created"


def apply(stage: str, clients: dict, functions: list[StageFunction], app_name: str,
          report=print) -> dict[str, str]:
    """Set everything up; {what: status}, status one of created, updated, unchanged."""
    statuses: dict[str, str] = {}

    def note(what: str, status: str) -> None:
        statuses[what] = status
        report(f"{what}: {status}")

    queue = queue_name(app_name, stage)
    _, queue_arn, status = ensure_queue(clients["sqs"], queue)
    note(f"queue {queue} (SSE-SQS, 14 days)", status)
    for role in dict.fromkeys(function.role_name for function in functions):
        note(f"role {role} policy {POLICY_NAME} (sqs:SendMessage on the queue)",
             ensure_role_policy(clients["iam"], role, queue_arn))
    for function in functions:
        note(f"function {function.function_name} event invoke config "
             f"({MAXIMUM_RETRY_ATTEMPTS} retries, {MAXIMUM_EVENT_AGE_SECONDS} s, OnFailure queue)",
             ensure_invoke_config(clients["lambda"], function.function_name, queue_arn))
    for alarm in [queue_depth_alarm(queue), *(errors_alarm(f.function_name) for f in functions)]:
        note(f"alarm {alarm['AlarmName']}", ensure_alarm(clients["cloudwatch"], alarm))
    return statuses


def clients() -> dict:
    return {name: boto3.client(name) for name in ("sqs", "iam", "lambda", "cloudwatch")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    from devtools.policy import app_name

    try:
        statuses = apply(args.stage, clients(), stage_functions(args.stage), app_name())
    except ClientError as error:
        print(f"error: {error} (has the stage been deployed? `chalice deploy --stage "
              f"{args.stage}` first)", file=sys.stderr)
        return 1
    changed = sum(status != "unchanged" for status in statuses.values())
    print(f"{changed} changed, {len(statuses) - changed} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
