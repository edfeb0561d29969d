"""`make backfill`: thumbnails for images that were in the source bucket before the functions.

Lists the source bucket (optionally under a prefix), skips uploads whose thumbnail exists and is
at least as new (unless --force), and runs the rest through the same per-record code the Lambda
functions run. Works against real AWS with the usual boto3 credentials, or against the local S3
when AWS_ENDPOINT_URL points at it. A setup problem (no credentials, the endpoint down, a bucket
missing) ends with a message saying what to set, not a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from tqdm import tqdm

from chalicelib.aws import events
from chalicelib.aws.clients import Clients
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.pipeline.handler import process_upload
from chalicelib.pipeline.log import LOGGER_NAME
from chalicelib.pipeline.result import Outcome, RecordResult
from chalicelib.pipeline.setup import load_settings
from devtools.stage import stage_environment

UP_TO_DATE = "up to date"


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    reasons: dict[str, list[str]] = field(default_factory=dict)  # outcome -> "key: reason"

    def add(self, result: RecordResult) -> None:
        self.counts[result.outcome] += 1
        if result.outcome in (Outcome.SKIPPED, Outcome.FAILED):
            self.reasons.setdefault(result.outcome, []).append(f"{result.key}: {result.reason}")

    def lines(self) -> list[str]:
        lines = [f"{outcome}: {self.counts[outcome]}"
                 for outcome in (Outcome.WRITTEN, UP_TO_DATE, Outcome.SKIPPED, Outcome.FAILED)]
        for outcome in (Outcome.SKIPPED, Outcome.FAILED):
            lines += [f"  {outcome} {reason}" for reason in self.reasons.get(outcome, [])]
        return lines


def backfill(settings: Settings, prefix: str = "", force: bool = False, concurrency: int = 8,
             progress: bool = True) -> Summary:
    s3 = boto3.client("s3")
    uploads = [item for item in _list(s3, settings.source_bucket, prefix)
               if events.delivered(item["Key"], settings.trigger)]
    existing = {} if force else {item["Key"]: item["LastModified"]
                                 for item in _list(s3, settings.target_bucket, prefix)}
    summary = Summary()
    todo = []
    for item in uploads:
        thumbnail_time = existing.get(first_output_key(item["Key"], settings))
        if thumbnail_time is not None and thumbnail_time >= item["LastModified"]:
            summary.counts[UP_TO_DATE] += 1
        else:
            # As the upload's own event announced it, minus a place in S3's order.
            todo.append(events.Upload(
                event_name="ObjectCreated:Put", bucket=settings.source_bucket, key=item["Key"],
                size=item["Size"], etag=item["ETag"].strip('"'), sequencer=None, version_id=None))

    def run(upload: events.Upload) -> RecordResult:
        return process_upload(upload, settings, Clients())[0]

    with ThreadPoolExecutor(max(1, concurrency)) as pool:
        results = pool.map(run, todo)
        for result in tqdm(results, total=len(todo), unit="image", disable=not progress,
                           desc="backfill"):
            summary.add(result)
    return summary


def _list(s3, bucket: str, prefix: str):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def first_output_key(key: str, settings: Settings) -> str | None:
    """Where the first output of the stage that applies to the upload and is made on upload goes
    (the log line's thumbnail_key), or None: none applies, or the key can have none
    (process_record reports why). Outputs made on request are not made by the upload: judged by
    one, every upload would look out of date."""
    for output in settings.outputs:
        if output.applies_to(key) and not output.on_request:
            try:
                return output.key_for(key)
            except PermanentError:
                return None
    return None


def setup_problem(error: Exception, settings: Settings, stage: str) -> str:
    """What went wrong before any record was tried, and what to set, for a person to read."""
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        from devtools.local_s3 import client_exports  # moto is heavy: only on this path

        return (
            f"No AWS credentials found ({error}). For AWS, set AWS_PROFILE to a profile in "
            "~/.aws/config (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and the bucket's "
            "region in AWS_DEFAULT_REGION (or the profile's region). For the local S3, run "
            "`make dev` in another shell and set what its banner prints, the endpoint and its "
            f"dummy credentials: `{client_exports()}`."
        )
    if isinstance(error, ProfileNotFound):
        return (f"AWS_PROFILE names a profile that is not in ~/.aws/config or ~/.aws/credentials "
                f"({error}): set it to one that is, or unset it.")
    if isinstance(error, EndpointConnectionError):
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            return (f"Cannot connect to the S3 endpoint {endpoint} (AWS_ENDPOINT_URL): is `make "
                    f"dev` running there? Unset AWS_ENDPOINT_URL to use AWS itself.")
        return f"Cannot connect to S3 ({error}): check the network and AWS_DEFAULT_REGION."
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        bucket = error.response.get("Error", {}).get("BucketName")
        if code == "NoSuchBucket":
            names = bucket or f"{settings.source_bucket} or {settings.target_bucket}"
            return (f"Bucket {names} does not exist here (stage {stage!r}, .chalice/config.json): "
                    f"create the stage's buckets with `make buckets STAGE={stage}`, or point "
                    "AWS_PROFILE / AWS_ENDPOINT_URL at where they are.")
        return (f"S3 refused the listing: {code or error} ({error}). Check that the credentials "
                f"in use may list s3://{settings.source_bucket} and s3://{settings.target_bucket}.")
    return f"Could not start the backfill: {type(error).__name__}: {error}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev", help="whose buckets and settings to use")
    parser.add_argument("--prefix", default="", help="only keys under this prefix")
    parser.add_argument("--force", action="store_true", help="redo thumbnails that are up to date")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    settings = load_settings(stage_environment(args.stage))
    # The per-record JSON lines would tear the progress bar; the summary carries the reasons.
    logging.getLogger(LOGGER_NAME).setLevel(logging.CRITICAL)
    print(f"backfilling s3://{settings.source_bucket}/{args.prefix} -> s3://{settings.target_bucket}")
    try:
        summary = backfill(settings, args.prefix, args.force, args.concurrency)
    except (BotoCoreError, ClientError) as error:  # the listing: nothing was rendered yet
        print(f"error: {setup_problem(error, settings, args.stage)}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    return 1 if summary.counts[Outcome.FAILED] else 0


if __name__ == "__main__":
    sys.exit(main())
