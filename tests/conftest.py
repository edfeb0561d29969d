"""Shared fixtures: a real S3 endpoint on loopback (moto server), the dev stage's buckets, the
Chalice test client, the stage's environment and event routing, IAM enforcement. Plain helper
functions live in tests/helpers/."""

from __future__ import annotations

import logging
import os
import urllib.request
from urllib.parse import unquote, urlparse

import boto3
import pytest

from devtools.local_s3 import EventRouter, local_s3
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment
from tests.helpers.eventbridge import BUS, subscribe
from tests.helpers.runs import LOGGER
from tests.helpers.uploads import handler_for

STAGE = "dev"


@pytest.fixture(scope="session")
def stage_env() -> dict[str, str]:
    return stage_environment(STAGE)


@pytest.fixture(scope="session")
def chalice_app(stage_env):
    """app.py imported as `chalice deploy` imports it: with the stage's environment set."""
    saved = dict(os.environ)
    os.environ.update(stage_env)
    try:
        import app as app_module
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return app_module


@pytest.fixture(scope="session")
def s3_endpoint():
    with local_s3() as endpoint:
        yield endpoint


@pytest.fixture
def s3(s3_endpoint, stage_env):
    """A clean local S3 with the stage's two buckets; a client for the test's own calls."""
    urllib.request.urlopen(f"{s3_endpoint}/moto-api/reset", data=b"", timeout=10).close()
    client = boto3.client("s3")
    for bucket in (stage_env["SOURCE_BUCKET"], stage_env["TARGET_BUCKET"]):
        client.create_bucket(Bucket=bucket)
    return client


@pytest.fixture
def client(chalice_app, monkeypatch):
    """Chalice's test client as users have it: its Lambda context says 3 s are left, whatever
    lambda_timeout is (AWS's default timeout is 3 s too), and the product must work in that.

    The client swaps `os.environ` for a plain dict during each invoke and back after it, which
    concurrent invokes (tests that deliver from threads) can leave swapped: a stale
    AWS_ENDPOINT_URL then leaked into later tests. The real one is put back after each test.
    """
    monkeypatch.setattr(os, "environ", os.environ)
    from chalice.test import Client

    with Client(chalice_app.app, stage_name=STAGE, project_dir=str(PROJECT_DIR)) as test_client:
        yield test_client


@pytest.fixture
def deployed_client(chalice_app, monkeypatch):
    """Chalice's test client with the context Lambda gives the deployed function: its whole
    lambda_timeout (60 s here). Only for tests of what takes long on purpose, such as
    botocore's back-off between retries of a throttled request."""
    monkeypatch.setattr(os, "environ", os.environ)
    from chalice import test as chalice_test

    monkeypatch.setattr(chalice_test, "LambdaContext",
                        lambda function_name, memory_size: lambda_context(function_name, STAGE))
    with chalice_test.Client(chalice_app.app, stage_name=STAGE,
                             project_dir=str(PROJECT_DIR)) as test_client:
        yield test_client


@pytest.fixture
def source_bucket(stage_env) -> str:
    return stage_env["SOURCE_BUCKET"]


@pytest.fixture
def target_bucket(stage_env) -> str:
    return stage_env["TARGET_BUCKET"]


def _delivering(test_client, chalice_app):
    def _deliver(*records: dict):
        from urllib.parse import unquote_plus

        key = unquote_plus(records[0]["s3"]["object"]["key"])
        return test_client.lambda_.invoke(handler_for(chalice_app, key),
                                          {"Records": list(records)})

    return _deliver


@pytest.fixture
def deliver(client, chalice_app):
    """Invoke the handler S3 would pick for the first record's key, through Chalice's test
    client as it comes (3 s left)."""
    return _delivering(client, chalice_app)


@pytest.fixture
def deliver_deployed(deployed_client, chalice_app):
    """`deliver` with the deployed function's whole timeout (see deployed_client)."""
    return _delivering(deployed_client, chalice_app)


@pytest.fixture
def stage(stage_env, monkeypatch, caplog):
    """The dev stage's environment as Lambda sets it; OUTPUTS or DELETE_OUTPUTS by the test."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    for name, value in stage_env.items():
        monkeypatch.setenv(name, value)
    return monkeypatch.setenv


@pytest.fixture
def router(s3, chalice_app, source_bucket, target_bucket):
    return EventRouter.wire(chalice_app.app, [source_bucket, target_bucket])


@pytest.fixture
def enforced_iam(s3_endpoint):
    """Turn on IAM enforcement in the local S3 for one test, and off again after it."""

    def enforce(no_auth_requests: str) -> None:
        request = urllib.request.Request(
            f"{s3_endpoint}/moto-api/reset-auth", data=no_auth_requests.encode(),
            headers={"Content-Type": "text/plain"},  # a form body would be parsed away
        )
        urllib.request.urlopen(request, timeout=10).close()

    yield lambda: enforce("0")
    enforce("inf")


@pytest.fixture
def if_match_enforced(monkeypatch):
    """CopySourceIfMatch on CopyObject and UploadPartCopy, answered as S3 answers it.

    moto 5.2.5 ignores it (CopyObject checks only If-None-Match, UploadPartCopy neither).
    Modules that copy with it turn this on for all their tests (pytestmark usefixtures)."""
    from moto.s3.exceptions import PreconditionFailed
    from moto.s3.responses import S3Response

    def enforcing(original):
        def method(self):
            wanted = self.headers.get("x-amz-copy-source-if-match")
            if wanted:
                source = urlparse(self.headers["x-amz-copy-source"]).path
                bucket, key = unquote(source).lstrip("/").split("/", 1)
                current = self.backend.get_object(bucket, key)
                if current is not None and current.etag.strip('"') != wanted.strip('"'):
                    raise PreconditionFailed("x-amz-copy-source-If-Match")
            return original(self)
        return method

    for name in ("copy_object", "upload_part_copy"):
        monkeypatch.setattr(S3Response, name, enforcing(getattr(S3Response, name)))


@pytest.fixture
def iam_sees_the_bus(monkeypatch):
    """moto's IAM check evaluates every action of a service without `_determine_resource`
    (EventBridge among them) against resource "*", so a policy scoped to a bus would be denied
    even on that bus. This gives moto's EventsHandler the bus ARN of each PutEvents request, as
    AWS evaluates it; the in-process local S3 (ThreadedMotoServer) then checks the real one.
    A fix of the test bench, not of the product."""
    from moto.events.responses import EventsHandler

    def _determine_resource(self) -> str:
        if self._get_action() != "PutEvents":
            return "*"
        buses = {entry.get("EventBusName") or "default"
                 for entry in self._get_param("Entries") or []}
        assert len(buses) == 1, f"one bus per PutEvents in these tests, got {buses}"
        [bus] = buses
        if bus.startswith("arn:"):
            return bus
        return f"arn:aws:events:{self.region}:{self.current_account}:event-bus/{bus}"

    monkeypatch.setattr(EventsHandler, "_determine_resource", _determine_resource,
                        raising=False)


@pytest.fixture
def bus(s3, stage):
    """The processed-image event's bus (tests.helpers.eventbridge.BUS), with a rule on source
    thumbnailer into a queue (returned); EVENT_BUS names it."""
    events = boto3.client("events")
    events.create_event_bus(Name=BUS)
    queue_url = subscribe(events, BUS, {"source": ["thumbnailer"]}, "all-thumbnailer-events")
    stage("EVENT_BUS", BUS)
    return queue_url
