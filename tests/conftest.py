"""Shared fixtures: a real S3 endpoint on loopback (moto server), the dev stage's buckets, the
Chalice test client, and S3 events shaped exactly as S3 sends them."""

from __future__ import annotations

import os
import urllib.request

import boto3
import pytest

from devtools.events import s3_record
from devtools.local_s3 import local_s3, s3_event_sources
from devtools.stage import PROJECT_DIR, lambda_context, stage_environment

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


def upload(s3_client, bucket: str, key: str, data: bytes) -> dict:
    """Put the object and return the record S3 would send for it."""
    s3_client.put_object(Bucket=bucket, Key=key, Body=data)
    head = s3_client.head_object(Bucket=bucket, Key=key)
    return s3_record(bucket, key, head["ContentLength"], head["ETag"].strip('"'))


def handler_for(chalice_app, key: str) -> str:
    """The function S3 would invoke for `key`: the event source whose filters match it."""
    matches = [
        source.name
        for source in s3_event_sources(chalice_app.app)
        if key.endswith(source.suffix or "") and key.startswith(source.prefix or "")
    ]
    assert len(matches) == 1, f"{key!r} matches {matches}"
    return matches[0]


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
