"""`make redrive STAGE=...`: replay the failed events waiting in the stage's failure queue.

Each message Lambda put there (its on-failure destination record: `requestContext.functionArn`,
`requestPayload`, `responseContext`, `responsePayload`) has its `requestPayload` invoked again,
asynchronously (InvocationType Event, as S3 invoked it), on the function it failed in. A message
is deleted only once Lambda accepted the replay (202); a refused replay leaves its message in the
queue. Messages that are not destination records, or name a function outside the stage, are
left and reported. `--dry-run` lists what would be replayed and changes nothing (the messages
it read are made visible again at once).

Fix the cause first (raise lambda_timeout, grant a permission, create a bucket): a replay that
fails again comes back to the queue after Lambda's retries.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from devtools.destinations import queue_name

VISIBILITY_SECONDS = 300  # a message read stays hidden from this run's next reads


@dataclass
class Failed:
    """One destination record: where it failed and what with."""

    message_id: str
    receipt: str
    function_name: str
    qualifier: str | None
    payload: dict
    condition: str
    error: str


@dataclass
class Summary:
    replayed: list[Failed] = field(default_factory=list)
    refused: list[tuple[Failed, str]] = field(default_factory=list)
    foreign: list[tuple[str, str]] = field(default_factory=list)  # (message id, why left)
    listed: list[Failed] = field(default_factory=list)  # --dry-run

    def lines(self, dry_run: bool) -> list[str]:
        out = []
        for failed in self.listed:
            out.append(f"would replay {failed.message_id} on {failed.function_name}: "
                       f"{failed.condition}, {failed.error}")
        for failed in self.replayed:
            out.append(f"replayed {failed.message_id} on {failed.function_name}; message deleted")
        for failed, why in self.refused:
            out.append(f"refused {failed.message_id} on {failed.function_name}: {why}; "
                       "message left in the queue")
        for message_id, why in self.foreign:
            out.append(f"left {message_id}: {why}")
        if dry_run:
            out.append(f"dry run: {len(self.listed)} to replay, {len(self.foreign)} left "
                       "(not this stage's destination records); nothing invoked or deleted")
        else:
            out.append(f"{len(self.replayed)} replayed and deleted, {len(self.refused)} refused "
                       f"(left), {len(self.foreign)} left (not this stage's destination records)")
        return out


def parse_record(message: dict, function_prefix: str) -> Failed | str:
    """The destination record in an SQS message, or why it is not one of ours."""
    try:
        record = json.loads(message["Body"])
    except (KeyError, ValueError):
        return "not JSON, not a Lambda destination record"
    if not isinstance(record, dict):
        return "not a Lambda destination record"
    context = record.get("requestContext")
    arn = context.get("functionArn") if isinstance(context, dict) else None
    if (not isinstance(arn, str) or "requestPayload" not in record
            or not isinstance(record.get("responseContext"), dict)
            or "responsePayload" not in record):
        return ("not a Lambda destination record (needs requestContext.functionArn, "
                "requestPayload, responseContext, responsePayload)")
    parts = arn.split(":")  # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if len(parts) not in (7, 8) or parts[2] != "lambda" or parts[5] != "function":
        return f"functionArn {arn!r} is not a Lambda function ARN"
    if not parts[6].startswith(function_prefix):
        return f"function {parts[6]} is not one of this stage's ({function_prefix}*)"
    response = record.get("responsePayload")
    error = (f"{response.get('errorType')}: {response.get('errorMessage')}"
             if isinstance(response, dict) else json.dumps(response))
    return Failed(
        message_id=message["MessageId"], receipt=message["ReceiptHandle"],
        function_name=":".join(parts[:7]), qualifier=parts[7] if len(parts) == 8 else None,
        payload=record["requestPayload"], condition=str(context.get("condition", "")),
        error=error[:200],
    )


def redrive(sqs, lambda_client, queue_url: str, function_prefix: str,
            dry_run: bool = False, wait_seconds: int = 1) -> Summary:
    summary = Summary()
    seen: set[str] = set()
    to_show_again: list[str] = []  # receipts of messages left: visible again when we are done
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds,
            VisibilityTimeout=VISIBILITY_SECONDS,
        ).get("Messages", [])
        fresh = [m for m in messages if m["MessageId"] not in seen]
        if not fresh:
            to_show_again += [m["ReceiptHandle"] for m in messages]
            break
        for message in fresh:
            seen.add(message["MessageId"])
            failed = parse_record(message, function_prefix)
            if isinstance(failed, str):
                summary.foreign.append((message["MessageId"], failed))
                to_show_again.append(message["ReceiptHandle"])
                continue
            if dry_run:
                summary.listed.append(failed)
                to_show_again.append(failed.receipt)
                continue
            why = _replay(lambda_client, failed)
            if why is None:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=failed.receipt)
                summary.replayed.append(failed)
            else:
                summary.refused.append((failed, why))
                to_show_again.append(failed.receipt)
    for receipt in to_show_again:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt,
                                      VisibilityTimeout=0)
    return summary


def _replay(lambda_client, failed: Failed) -> str | None:
    """None once Lambda accepted the event (202), else why not."""
    request = {"FunctionName": failed.function_name, "InvocationType": "Event",
               "Payload": json.dumps(failed.payload).encode()}
    if failed.qualifier:
        request["Qualifier"] = failed.qualifier
    try:
        status = lambda_client.invoke(**request)["StatusCode"]
    except ClientError as error:
        return f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}"
    except BotoCoreError as error:
        return str(error)
    return None if status == 202 else f"status {status}, not 202 (accepted)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--dry-run", action="store_true",
                        help="list the failed events; invoke and delete nothing")
    args = parser.parse_args(argv)
    from devtools.policy import app_name

    sqs = boto3.client("sqs")
    lambda_client = boto3.client("lambda", config=Config(retries={"mode": "standard",
                                                                   "max_attempts": 3}))
    name = queue_name(app_name(), args.stage)
    try:
        queue_url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as error:
        print(f"error: no queue {name} ({error}); run `make destinations STAGE={args.stage}`",
              file=sys.stderr)
        return 1
    summary = redrive(sqs, lambda_client, queue_url, f"{app_name()}-{args.stage}-",
                      dry_run=args.dry_run)
    print("\n".join(summary.lines(args.dry_run)))
    return 1 if summary.refused else 0


if __name__ == "__main__":
    sys.exit(main())
