"""EventBridge on the local endpoint: a bus's events as a rule's SQS target receives them."""

from __future__ import annotations

import json

import boto3
from botocore.exceptions import ClientError

BUS = "thumbnailer-events"
ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account; the local region


def subscribe(events, bus: str, pattern: dict, name: str, sqs=None) -> str:
    """A rule on `bus` with `pattern` and an SQS queue as its target: the queue's URL."""
    sqs = sqs or boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return queue_url


def received(queue_url: str, sqs=None) -> list[dict]:
    """Every event waiting in the queue (EventBridge's envelope, as a target gets it)."""
    sqs = sqs or boto3.client("sqs")
    got = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
            "Messages", [])
        if not messages:
            return got
        for message in messages:
            got.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def is_access_denied(error: ClientError) -> bool:
    """EventBridge answers AccessDeniedException in JSON; moto's IAM check answers any service
    in the XML of the query protocol, which botocore's JSON parser leaves unparsed (the code
    becomes "403", the XML the message)."""
    answer = error.response
    return answer["ResponseMetadata"]["HTTPStatusCode"] == 403 and (
        answer["Error"]["Code"] == "AccessDeniedException"
        or "<Code>AccessDenied</Code>" in answer["Error"]["Message"])
