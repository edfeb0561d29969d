"""Backup copy (BACKUP_BUCKET): every upload copied server-side, exactly the announced version,
to a bucket the function can write to and nothing else. On the local S3, with its own events.

moto 5.2.5 ignores CopySourceIfMatch (CopyObject checks only If-None-Match, UploadPartCopy
neither): `if_match_enforced` makes the in-process local S3 answer 412 PreconditionFailed as
S3 does, and a test checks that it does.
"""

from __future__ import annotations

import os
import warnings
from urllib.parse import quote, unquote, urlparse

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.aws import backup
from chalicelib.config import settings as settings_module
from chalicelib.config.settings import STORAGE_CLASSES, SettingsError
from chalicelib.pipeline.setup import load_settings
from devtools import buckets, samples
from devtools.events import s3_record
from devtools.policy import policy_for, policy_path, render
from tests.helpers.backup import BACKUP
from tests.helpers.iam import _as_kwargs, _user_with_policy
from tests.helpers.runs import NONE, lines, pending, photo, run, run_all, target_keys

pytestmark = pytest.mark.usefixtures("if_match_enforced")


@pytest.fixture
def tag_copies_authorized(monkeypatch):
    """Copying tags authorized as S3 authorizes it, which moto 5.2.5 does not check: a
    CopyObject that copies a tagged source's tags (TaggingDirective COPY, the default) needs
    s3:GetObjectTagging on the source and s3:PutObjectTagging on the copy; a
    CreateMultipartUpload given tags needs s3:PutObjectTagging. Only bites with IAM enforced."""
    from moto.s3.responses import S3Response

    def authorize(response, action: str, bucket: str, key: str) -> None:
        saved = response.data.get("Action")
        response.data["Action"] = action  # what moto's IAM check reads as the action asked
        try:
            response._authenticate_and_authorize_s3_action(bucket_name=bucket, key_name=key)
        finally:
            response.data["Action"] = saved

    original_copy = S3Response.copy_object

    def copy_object(self):
        source = urlparse(self.headers["x-amz-copy-source"]).path
        bucket, key = unquote(source).lstrip("/").split("/", 1)
        copied = self.backend.get_object(bucket, key)
        directive = self.headers.get("x-amz-tagging-directive", "COPY")
        if copied is not None and directive == "COPY" and self.backend.get_object_tagging(
                copied)["Tags"]:
            authorize(self, "GetObjectTagging", bucket, key)
            authorize(self, "PutObjectTagging", self.bucket_name, self.parse_key_name())
        return original_copy(self)

    original_post = S3Response._key_response_post

    def key_response_post(self, request, body, bucket_name, query, key_name):
        if "uploads" in query and request.headers.get("x-amz-tagging"):
            authorize(self, "PutObjectTagging", bucket_name, key_name)
        return original_post(self, request, body, bucket_name, query, key_name)

    monkeypatch.setattr(S3Response, "copy_object", copy_object)
    monkeypatch.setattr(S3Response, "_key_response_post", key_response_post)


@pytest.fixture
def backup_stage(s3, stage):
    s3.create_bucket(Bucket=BACKUP)
    stage("BACKUP_BUCKET", BACKUP)
    return stage


def backup_line(caplog) -> dict:
    return lines(caplog)[-1]


def test_local_s3_refuses_a_copy_of_another_version(s3, source_bucket):
    s3.create_bucket(Bucket=BACKUP)
    s3.put_object(Bucket=source_bucket, Key="a.jpg", Body=b"one")
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=BACKUP, Key="a.jpg",
                       CopySource={"Bucket": source_bucket, "Key": "a.jpg"},
                       CopySourceIfMatch='"0123456789abcdef0123456789abcdef"')
    assert error.value.response["Error"]["Code"] == "PreconditionFailed"


@pytest.mark.parametrize("storage_class", [None, "GLACIER_IR"])
def test_upload_is_copied_with_its_metadata_content_type_and_storage_class(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog, storage_class
):
    if storage_class:
        backup_stage("BACKUP_STORAGE_CLASS", storage_class)
    data = photo()
    s3.put_object(Bucket=source_bucket, Key="trip/a b.jpg", Body=data, ContentType="image/jpeg",
                  Metadata={"camera": "x100"}, CacheControl="no-cache")
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}

    copy = s3.get_object(Bucket=BACKUP, Key="trip/a b.jpg")
    assert copy["Body"].read() == data
    assert copy["ContentType"] == "image/jpeg" and copy["Metadata"] == {"camera": "x100"}
    assert copy["CacheControl"] == "no-cache"
    assert copy["StorageClass"] == (storage_class or "STANDARD_IA")
    assert backup_line(caplog)["backup"] == "copied"
    assert target_keys(s3, target_bucket) == ["trip/a b-thumbnail.jpg"]


def test_a_replaced_upload_is_a_logged_backup_skip_and_outputs_still_follow_the_newest(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="r.jpg", Body=photo())
    [first] = pending(router)
    newer = samples.jpeg_bytes(samples.photo_like((300, 300), seed=7))
    s3.put_object(Bucket=source_bucket, Key="r.jpg", Body=newer)
    [second] = pending(router)
    new_etag = s3.head_object(Bucket=source_bucket, Key="r.jpg")["ETag"].strip('"')

    assert run_all(chalice_app, [first]) == {**NONE, "written": 1}
    line = backup_line(caplog)
    assert line["backup"] == "skipped: replaced since the event" and line["outcome"] == "written"
    thumbnail = s3.head_object(Bucket=target_bucket, Key="r-thumbnail.jpg")
    assert thumbnail["Metadata"]["source-etag"] == new_etag  # newest wins, as before
    assert s3.list_objects_v2(Bucket=BACKUP).get("Contents", []) == []

    assert run_all(chalice_app, [second]) == {**NONE, "written": 1}
    assert backup_line(caplog)["backup"] == "copied"
    assert s3.get_object(Bucket=BACKUP, Key="r.jpg")["Body"].read() == newer


def test_a_large_upload_is_copied_in_parts_even_when_it_renders_nothing(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog, monkeypatch
):
    """Backup first: an upload that is no image (a permanent render skip) is still kept."""
    monkeypatch.setattr(backup, "MULTIPART_THRESHOLD", 5 * 1024**2)
    monkeypatch.setattr(backup, "PART_SIZE", 5 * 1024**2)
    data = os.urandom(12 * 1024**2)
    s3.put_object(Bucket=source_bucket, Key="big.png", Body=data, ContentType="image/png",
                  Metadata={"owner": "ana"})
    etag = s3.head_object(Bucket=source_bucket, Key="big.png")["ETag"]
    assert run_all(chalice_app, pending(router)) == {**NONE, "skipped": 1}

    line = backup_line(caplog)
    assert line["outcome"] == "skipped" and line["backup"] == "copied in 3 parts"
    copy = s3.get_object(Bucket=BACKUP, Key="big.png")
    assert copy["ETag"].strip('"').endswith("-3") and copy["ETag"] != etag
    assert copy["Body"].read() == data
    assert copy["ContentType"] == "image/png" and copy["Metadata"] == {"owner": "ana"}
    assert copy["StorageClass"] == "STANDARD_IA"
    assert target_keys(s3, target_bucket) == []


def test_a_large_upload_replaced_before_its_copy_is_a_backup_skip(
    s3, chalice_app, backup_stage, source_bucket, caplog, monkeypatch
):
    monkeypatch.setattr(backup, "MULTIPART_THRESHOLD", 5 * 1024**2)
    monkeypatch.setattr(backup, "PART_SIZE", 5 * 1024**2)
    s3.put_object(Bucket=source_bucket, Key="big.jpg", Body=os.urandom(12 * 1024**2))
    head = s3.head_object(Bucket=source_bucket, Key="big.jpg")
    record = s3_record(source_bucket, "big.jpg", head["ContentLength"], head["ETag"])
    s3.put_object(Bucket=source_bucket, Key="big.jpg", Body=os.urandom(12 * 1024**2))

    assert run(chalice_app, "thumbnail_jpg", {"Records": [record]}) == {**NONE, "skipped": 1}
    assert backup_line(caplog)["backup"] == "skipped: replaced since the event"
    assert s3.list_objects_v2(Bucket=BACKUP).get("Contents", []) == []


def test_an_upload_replaced_between_parts_is_a_backup_skip(s3, source_bucket, monkeypatch):
    """Every UploadPartCopy is conditional too: a part copied after the replacement is refused,
    and the unfinished upload is left for the bucket's lifecycle rule (no AbortMultipartUpload)."""
    monkeypatch.setattr(backup, "MULTIPART_THRESHOLD", 5 * 1024**2)
    monkeypatch.setattr(backup, "PART_SIZE", 5 * 1024**2)
    s3.create_bucket(Bucket=BACKUP)
    s3.put_object(Bucket=source_bucket, Key="big.jpg", Body=os.urandom(12 * 1024**2))
    head = s3.head_object(Bucket=source_bucket, Key="big.jpg")

    class ReplacedAfterFirstPart:
        def __getattr__(self, name):
            return getattr(s3, name)

        def upload_part_copy(self, **request):
            answer = s3.upload_part_copy(**request)
            s3.put_object(Bucket=source_bucket, Key="big.jpg", Body=os.urandom(12 * 1024**2))
            return answer

    class ClientsReplacingAfterFirstPart:
        s3 = ReplacedAfterFirstPart()

    outcome = backup.copy_upload(ClientsReplacingAfterFirstPart, source_bucket, "big.jpg",
                                 head["ETag"].strip('"'), head["ContentLength"], BACKUP,
                                 "STANDARD_IA")
    assert outcome == "skipped: replaced since the event"
    assert s3.list_objects_v2(Bucket=BACKUP).get("Contents", []) == []
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=BACKUP)["Uploads"]] == ["big.jpg"]


def test_a_transient_backup_failure_fails_the_record_and_the_retry_does_both(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog
):
    """The copy runs beside the fetch and the render: its failure fails the record once both
    have ended (the outputs may be written by then), and the retry does both again."""
    s3.delete_bucket(Bucket=BACKUP)  # NoSuchBucket: not a skip, the record fails
    s3.put_object(Bucket=source_bucket, Key="t.jpg", Body=photo())
    [(handler, event)] = pending(router)
    with pytest.raises(Exception, match=r"retry the event: .*NoSuchBucket.*CopyObject"):
        run(chalice_app, handler, event)
    assert backup_line(caplog)["outcome"] == "failed"

    s3.create_bucket(Bucket=BACKUP)
    assert run(chalice_app, handler, event) == {**NONE, "written": 1}
    assert backup_line(caplog)["backup"] == "copied"
    assert target_keys(s3, target_bucket) == ["t-thumbnail.jpg"]


def test_an_upload_deleted_before_its_event_is_a_backup_skip(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="gone.jpg", Body=photo())
    [created] = pending(router)
    s3.delete_object(Bucket=source_bucket, Key="gone.jpg")
    pending(router)
    assert run_all(chalice_app, [created]) == {**NONE, "skipped": 1}
    line = backup_line(caplog)
    assert line["backup"] == "skipped: deleted since the event"
    assert "no longer exists" in line["reason"]
    assert s3.list_objects_v2(Bucket=BACKUP).get("Contents", []) == []


def test_delete_sync_leaves_the_backup(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, caplog
):
    s3.put_object(Bucket=source_bucket, Key="d.jpg", Body=photo())
    run_all(chalice_app, pending(router))
    s3.delete_object(Bucket=source_bucket, Key="d.jpg")
    assert run_all(chalice_app, pending(router)) == {**NONE, "deleted": 1}
    assert target_keys(s3, target_bucket) == []
    assert "backup" not in backup_line(caplog)
    assert s3.head_object(Bucket=BACKUP, Key="d.jpg")["ContentLength"] > 0


def test_backup_bucket_unset_leaves_behaviour_log_line_and_policy_as_before(
    s3, chalice_app, stage, router, source_bucket, caplog, monkeypatch
):
    s3.create_bucket(Bucket=BACKUP)

    def no_copy(*args, **kwargs):
        raise AssertionError("backup.copy_upload called with BACKUP_BUCKET unset")

    monkeypatch.setattr(backup, "copy_upload", no_copy)
    s3.put_object(Bucket=source_bucket, Key="u.jpg", Body=photo())
    assert run_all(chalice_app, pending(router)) == {**NONE, "written": 1}
    line = backup_line(caplog)
    assert "backup" not in line
    from chalicelib.aws.metrics import DIMENSIONS, UNITS

    record_fields = sorted(set(line) - {"_aws", *DIMENSIONS, *UNITS})  # less the metrics
    assert record_fields == ["bucket", "bytes_in", "bytes_out", "key", "ms", "outcome", "outputs",
                             "source_size", "thumbnail_key", "thumbnail_size"]
    assert s3.list_objects_v2(Bucket=BACKUP).get("Contents", []) == []

    # The committed policies (stages leave BACKUP_BUCKET unset) have no backup statement; with
    # it set, the policy gains exactly these two: write copies (with their tags), read the
    # uploads' tags.
    for stage_name in ("dev", "prod"):
        assert policy_path(stage_name).read_text() == render(policy_for(stage_name))
        assert "WriteBackups" not in policy_path(stage_name).read_text()
    on = policy_for("dev", overrides={"BACKUP_BUCKET": BACKUP})
    extra = [s for s in on["Statement"] if s not in policy_for("dev")["Statement"]]
    assert extra == [
        {"Sid": "WriteBackups", "Effect": "Allow",
         "Action": ["s3:PutObject", "s3:PutObjectTagging"],
         "Resource": [f"arn:aws:s3:::{BACKUP}/*"]},
        {"Sid": "ReadUploadTagsForBackups", "Effect": "Allow", "Action": ["s3:GetObjectTagging"],
         "Resource": ["arn:aws:s3:::thumbnailer-dev-source/*"]},
    ]


def test_policy_with_a_backup_bucket_is_lint_clean():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import analyze_policy_string
    policy = render(policy_for("dev", overrides={"BACKUP_BUCKET": BACKUP}))
    assert [str(finding) for finding in analyze_policy_string(policy).findings] == []


BASE = {"SOURCE_BUCKET": "src-bucket", "TARGET_BUCKET": "thumbs-bucket"}


@pytest.mark.parametrize("environ, message", [
    ({"BACKUP_BUCKET": "src-bucket"}, "BACKUP_BUCKET must differ from SOURCE_BUCKET"),
    ({"BACKUP_BUCKET": "thumbs-bucket"}, "BACKUP_BUCKET must differ from TARGET_BUCKET"),
    ({"BACKUP_BUCKET": "Not_A_Bucket"}, "BACKUP_BUCKET must be an S3 bucket name"),
    ({"BACKUP_BUCKET": "backups", "BACKUP_STORAGE_CLASS": "CHEAP"},
     "BACKUP_STORAGE_CLASS must be one of STANDARD, STANDARD_IA"),
    ({"BACKUP_BUCKET": "backups", "BACKUP_STORAGE_CLASS": "standard_ia"},
     "BACKUP_STORAGE_CLASS must be one of"),
])
def test_settings_errors_name_the_variables(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({**BASE, **environ})


def test_settings_defaults_and_storage_classes():
    assert load_settings(BASE).backup_bucket is None
    on = load_settings({**BASE, "BACKUP_BUCKET": "backups"})
    assert (on.backup_bucket, on.backup_storage_class) == ("backups", "STANDARD_IA")
    # Every class listed is one S3's API knows; the ones left out are for other kinds of
    # bucket or storage (Outposts, Snow, directory buckets, AWS Backup, FSx access points).
    shape = boto3.client("s3", region_name="us-east-1").meta.service_model.shape_for("StorageClass")
    assert set(STORAGE_CLASSES) <= set(shape.enum)
    assert {c for c in shape.enum if c not in STORAGE_CLASSES} <= {
        "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE", "AWS_BACKUP_WARM", "AWS_BACKUP_LOW_COST_WARM",
        "FSX_ONTAP", "FSX_OPENZFS"}
    for storage_class in STORAGE_CLASSES:
        load_settings({**BASE, "BACKUP_BUCKET": "b-bucket",
                           "BACKUP_STORAGE_CLASS": storage_class})
    assert settings_module.backup_bucket({**BASE, "BACKUP_BUCKET": "  "}) is None


def test_make_buckets_creates_the_backup_bucket_locked_down_and_versioned(
    s3, stage_env, capsys, monkeypatch
):
    from tests.helpers.buckets import object_ownership, tls_deny_statements

    monkeypatch.setattr(buckets, "stage_environment",
                        lambda stage: {**stage_env, "BACKUP_BUCKET": BACKUP})
    assert buckets.main(["--stage", "dev"]) == 0
    assert buckets.main(["--stage", "dev"]) == 0  # again: nothing added twice
    out = capsys.readouterr().out
    assert f"BACKUP_BUCKET {BACKUP}: created" in out and f"BACKUP_BUCKET {BACKUP}: exists" in out
    assert object_ownership(s3, BACKUP) == ["BucketOwnerEnforced"]
    assert len(tls_deny_statements(s3, BACKUP)) == 1
    assert all(s3.get_public_access_block(Bucket=BACKUP)[
        "PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_encryption(Bucket=BACKUP)["ServerSideEncryptionConfiguration"][
        "Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_versioning(Bucket=BACKUP)["Status"] == "Enabled"
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=BACKUP)["Rules"]
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    # The other two stay as they were: no versioning asked of them.
    assert "Status" not in s3.get_bucket_versioning(Bucket=stage_env["TARGET_BUCKET"])


def test_make_buckets_without_backup_bucket_makes_only_the_two(s3, capsys):
    assert buckets.main(["--stage", "dev"]) == 0
    assert "BACKUP_BUCKET" not in capsys.readouterr().out
    assert BACKUP not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_backup_under_exactly_the_generated_policy(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, monkeypatch,
    enforced_iam, caplog
):
    iam = boto3.client("iam")
    function = _user_with_policy(iam, "thumbnailer-fn",
                                 policy_for("dev", overrides={"BACKUP_BUCKET": BACKUP}))
    admin = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    s3.put_object(Bucket=BACKUP, Key="older/backup.jpg", Body=b"an earlier backup")
    s3.put_object(Bucket=source_bucket, Key="p.jpg", Body=photo(), Metadata={"k": "v"})
    events = pending(router)
    enforced_iam()

    for name, value in function.items():
        monkeypatch.setenv(name, value)
    assert run_all(chalice_app, events) == {**NONE, "written": 1}
    assert backup_line(caplog)["backup"] == "copied"

    as_function = boto3.client("s3", **_as_kwargs(function))
    denied = [
        lambda: as_function.get_object(Bucket=BACKUP, Key="p.jpg"),
        lambda: as_function.get_object(Bucket=BACKUP, Key="older/backup.jpg"),
        lambda: as_function.list_objects_v2(Bucket=BACKUP),
        lambda: as_function.list_object_versions(Bucket=BACKUP),
        lambda: as_function.delete_object(Bucket=BACKUP, Key="p.jpg"),
        lambda: as_function.delete_object(Bucket=BACKUP, Key="older/backup.jpg"),
    ]
    for call in denied:
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"
    refused = as_function.delete_objects(Bucket=BACKUP, Delete={"Objects": [{"Key": "p.jpg"}]})
    assert [e["Code"] for e in refused["Errors"]] == ["AccessDenied"]

    as_admin = boto3.client("s3", **_as_kwargs(admin))
    copy = as_admin.get_object(Bucket=BACKUP, Key="p.jpg")
    assert copy["Metadata"] == {"k": "v"} and copy["StorageClass"] == "STANDARD_IA"
    assert as_admin.head_object(Bucket=BACKUP, Key="older/backup.jpg")["ContentLength"]


TAGS = [{"Key": "project", "Value": "Zeta 2026"}, {"Key": "owner", "Value": "ana+bo=1/2"}]


def tags_of(client, bucket: str, key: str) -> list[dict]:
    return sorted(client.get_object_tagging(Bucket=bucket, Key=key)["TagSet"],
                  key=lambda tag: tag["Key"])


@pytest.mark.parametrize("in_parts", [False, True], ids=["CopyObject", "UploadPartCopy"])
def test_a_tagged_upload_is_backed_up_with_its_tags_under_exactly_the_generated_policy(
    s3, chalice_app, backup_stage, router, source_bucket, target_bucket, monkeypatch,
    enforced_iam, tag_copies_authorized, caplog, in_parts
):
    """Tagged uploads are common (lifecycle and cost rules select by tag). CopyObject copies
    the tags by default and S3 then checks two more permissions; the copy in parts copies no
    tags by itself, so they are read and given to the new upload. Without the grants every
    tagged upload would fail before rendering."""
    if in_parts:
        monkeypatch.setattr(backup, "MULTIPART_THRESHOLD", 5 * 1024**2)
        monkeypatch.setattr(backup, "PART_SIZE", 5 * 1024**2)
    iam = boto3.client("iam")
    function = _user_with_policy(iam, "thumbnailer-fn",
                                 policy_for("dev", overrides={"BACKUP_BUCKET": BACKUP}))
    admin = _user_with_policy(iam, "admin", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    data = photo() + (os.urandom(11 * 1024**2) if in_parts else b"")  # a JPEG still
    tagging = "&".join(f"{quote(t['Key'])}={quote(t['Value'], safe='')}" for t in TAGS)
    s3.put_object(Bucket=source_bucket, Key="tagged/p.jpg", Body=data, Tagging=tagging)
    s3.put_object(Bucket=source_bucket, Key="tagged/plain.jpg", Body=photo())
    events = pending(router)
    enforced_iam()

    for name, value in function.items():
        monkeypatch.setenv(name, value)
    assert run_all(chalice_app, events) == {**NONE, "written": 2}
    copied = [line["backup"] for line in lines(caplog)]
    assert copied == (["copied in 3 parts", "copied"] if in_parts else ["copied", "copied"])

    as_admin = boto3.client("s3", **_as_kwargs(admin))
    assert tags_of(as_admin, BACKUP, "tagged/p.jpg") == tags_of(as_admin, source_bucket,
                                                              "tagged/p.jpg")
    assert len(tags_of(as_admin, BACKUP, "tagged/p.jpg")) == 2
    assert as_admin.get_object(Bucket=BACKUP, Key="tagged/p.jpg")["Body"].read() == data
    assert tags_of(as_admin, BACKUP, "tagged/plain.jpg") == []
    # Still no way to read or change the uploads' or anyone's tags beyond that.
    as_function = boto3.client("s3", **_as_kwargs(function))
    for call in (
        lambda: as_function.put_object_tagging(Bucket=source_bucket, Key="tagged/p.jpg",
                                               Tagging={"TagSet": []}),
        lambda: as_function.get_object_tagging(Bucket=BACKUP, Key="tagged/p.jpg"),
        lambda: as_function.get_object_tagging(Bucket=target_bucket,
                                               Key="tagged/p-thumbnail.jpg"),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"
