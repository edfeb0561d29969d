"""`make cdn` (devtools/cdn.py): the renditions function's URL, CloudFront in front of the target
bucket and the function, the invoke permissions and the bucket policy. Lambda, IAM and S3 are
the local endpoint (moto server), and so are origin access controls, which moto keeps. For the
whole run CloudFront is botocore's Stubber: moto keeps origin groups but drops origin access
controls from origins and refuses a cache behaviour that targets a group, so its answers would
not say whether the distribution is right; the Stubber checks every request against
CloudFront's service model and the test reads what was asked for."""

from __future__ import annotations

import copy
import io
import json
import urllib.request
import zipfile
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.stub import ANY, Stubber

from devtools import cdn
from devtools.buckets import TLS_ONLY_SID, with_tls_only
from devtools.policy import output_key_patterns
from devtools.stage import stage_environment

STAGE = "dev"
FUNCTION = "thumbnailer-dev-renditions"
DISTRIBUTION_ARN = "arn:aws:cloudfront::123456789012:distribution/E2RENDITIONS"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


@pytest.fixture
def deployed(s3_endpoint):
    """A clean local endpoint with the renditions function as `chalice deploy` leaves it, and
    the target bucket as `make buckets` leaves it (with its TLS-only policy)."""
    urllib.request.urlopen(f"{s3_endpoint}/moto-api/reset", data=b"", timeout=10).close()
    role = boto3.client("iam").create_role(RoleName=f"{FUNCTION}-role",
                                           AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def renditions(event, context):\n    return None\n")
    boto3.client("lambda").create_function(
        FunctionName=FUNCTION, Runtime="python3.13", Role=role, Handler="app.renditions",
        Code={"ZipFile": code.getvalue()})
    target = stage_environment(STAGE)["TARGET_BUCKET"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=target)
    s3.put_bucket_policy(Bucket=target, Policy=json.dumps(with_tls_only(None, target)))
    return target


def cloudfront_first_run(asked: dict) -> tuple:
    """CloudFront as it answers a first run: nothing there yet; what is created."""
    cloudfront = boto3.client("cloudfront")
    stubber = Stubber(cloudfront)
    for name, origin_type, oac_id in (("thumbnailer-dev-target-bucket", "s3", "OACBUCKET"),
                                      ("thumbnailer-dev-renditions", "lambda", "OACFUNCTION")):
        stubber.add_response("list_origin_access_controls", {"OriginAccessControlList": {
            "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 0}})
        stubber.add_response("create_origin_access_control", {"OriginAccessControl": {
            "Id": oac_id, "OriginAccessControlConfig": {
                "Name": name, "SigningProtocol": "sigv4", "SigningBehavior": "always",
                "OriginAccessControlOriginType": origin_type}}},
            {"OriginAccessControlConfig": {
                "Name": name, "Description": ANY, "SigningProtocol": "sigv4",
                "SigningBehavior": "always", "OriginAccessControlOriginType": origin_type}})
    stubber.add_response("list_distributions", {"DistributionList": {
        "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 0}})
    stubber.add_response("create_distribution", {"Distribution": {
        "Id": "E2RENDITIONS", "ARN": DISTRIBUTION_ARN, "Status": "InProgress",
        "LastModifiedTime": "2026-12-05T00:00:00Z", "InProgressInvalidationBatches": 0,
        "DomainName": "d111111abcdef8.cloudfront.net",
        "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
        "DistributionConfig": {"CallerReference": "x", "Comment": "x", "Enabled": True,
                               "Origins": {"Quantity": 1, "Items": [
                                   {"Id": "x", "DomainName": "x.example"}]},
                               "DefaultCacheBehavior": {"TargetOriginId": "x",
                                                        "ViewerProtocolPolicy": "allow-all"}}}},
        {"DistributionConfig": ANY})
    cloudfront.meta.events.register(
        "provide-client-params.cloudfront.CreateDistribution",
        lambda params, **_: asked.update(copy.deepcopy(params)))
    return cloudfront, stubber


def test_make_cdn_puts_the_bucket_first_and_the_function_on_a_miss_then_changes_nothing(
        deployed):
    target = deployed
    asked: dict = {}
    cloudfront, stubber = cloudfront_first_run(asked)
    clients = {"lambda": boto3.client("lambda"), "s3": boto3.client("s3"),
               "cloudfront": cloudfront}
    with stubber:
        statuses = cdn.apply(STAGE, "thumbnailer", clients, report=lambda line: None)
        stubber.assert_no_pending_responses()
    assert set(statuses.values()) == {"created"}

    # The function URL takes signed requests only (CloudFront's OAC signs them).
    url = clients["lambda"].get_function_url_config(FunctionName=FUNCTION)
    assert url["AuthType"] == "AWS_IAM"
    # The distribution: bucket then function, on 403 or 404, GET and HEAD only.
    config = asked["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]["Items"]}
    assert origins[cdn.BUCKET_ORIGIN]["DomainName"] == f"{target}.s3.us-east-1.amazonaws.com"
    assert origins[cdn.BUCKET_ORIGIN]["OriginAccessControlId"] == "OACBUCKET"
    assert origins[cdn.FUNCTION_ORIGIN]["DomainName"] == urlsplit(url["FunctionUrl"]).hostname
    assert origins[cdn.FUNCTION_ORIGIN]["OriginAccessControlId"] == "OACFUNCTION"
    [group] = config["OriginGroups"]["Items"]
    assert [m["OriginId"] for m in group["Members"]["Items"]] == [
        cdn.BUCKET_ORIGIN, cdn.FUNCTION_ORIGIN]
    assert group["FailoverCriteria"]["StatusCodes"]["Items"] == [403, 404]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["TargetOriginId"] == group["Id"]
    assert behaviour["AllowedMethods"]["Items"] == ["GET", "HEAD"]
    # Only that distribution may invoke the function URL: both actions, as function URLs made
    # since October 2025 require; lambda:InvokeFunction only through the URL. (AddPermission's
    # InvokedViaFunctionUrl: AWS writes a Bool condition, the moto server keeps the flag.)
    statements = json.loads(clients["lambda"].get_policy(FunctionName=FUNCTION)["Policy"])[
        "Statement"]
    assert sorted(s["Action"] for s in statements) == [
        "lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]
    for permission in statements:
        assert permission["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert permission["Condition"]["ArnLike"]["AWS:SourceArn"] == DISTRIBUTION_ARN
    [invoke] = [s for s in statements if s["Action"] == "lambda:InvokeFunction"]
    assert cdn._via_function_url(invoke)
    # The bucket policy keeps TLS-only and lets that distribution read the outputs, no more.
    policy = json.loads(clients["s3"].get_bucket_policy(Bucket=target)["Policy"])
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert set(by_sid) == {TLS_ONLY_SID, cdn.BUCKET_POLICY_SID}
    read = by_sid[cdn.BUCKET_POLICY_SID]
    patterns = output_key_patterns(stage_environment(STAGE), sidecar=False)
    assert read["Resource"] == [f"arn:aws:s3:::{target}/{p}" for p in patterns]
    assert f"arn:aws:s3:::{target}/*" not in read["Resource"]  # not the sidecars or reports
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}}

    # Again: CloudFront finds its two OACs and the distribution as made; nothing is changed.
    cloudfront = boto3.client("cloudfront")
    stubber = Stubber(cloudfront)
    listed = [{"Id": oac_id, "Name": name, "Description": "", "SigningProtocol": "sigv4",
               "SigningBehavior": "always", "OriginAccessControlOriginType": kind}
              for oac_id, name, kind in (("OACBUCKET", "thumbnailer-dev-target-bucket", "s3"),
                                         ("OACFUNCTION", "thumbnailer-dev-renditions", "lambda"))]
    for _ in range(2):
        stubber.add_response("list_origin_access_controls", {"OriginAccessControlList": {
            "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 2,
            "Items": listed}})
    stubber.add_response("list_distributions", {"DistributionList": {
        "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 1, "Items": [{
            "Id": "E2RENDITIONS", "ARN": DISTRIBUTION_ARN, "Status": "Deployed",
            "LastModifiedTime": "2026-12-05T00:00:00Z", "Comment": config["Comment"],
            "DomainName": "d111111abcdef8.cloudfront.net", "Aliases": {"Quantity": 0},
            "Origins": config["Origins"], "OriginGroups": config["OriginGroups"],
            "DefaultCacheBehavior": config["DefaultCacheBehavior"],
            "CacheBehaviors": {"Quantity": 0}, "CustomErrorResponses": {"Quantity": 0},
            "PriceClass": "PriceClass_100", "Enabled": True,
            "ViewerCertificate": {}, "Restrictions": {"GeoRestriction": {
                "RestrictionType": "none", "Quantity": 0}},
            "WebACLId": "", "HttpVersion": "http2and3", "IsIPV6Enabled": True,
            "Staging": False}]}})
    stubber.add_response("get_distribution_config",
                         {"DistributionConfig": config, "ETag": "E1"}, {"Id": "E2RENDITIONS"})
    clients["cloudfront"] = cloudfront
    with stubber:  # a create or update call would find no response queued and fail
        again = cdn.apply(STAGE, "thumbnailer", clients, report=lambda line: None)
        stubber.assert_no_pending_responses()
    assert set(again.values()) == {"unchanged"}


def test_package_puts_the_same_wiring_in_terraform():
    """What `make package` adds (devtools/package.py): the same resources, in Terraform."""
    environment = stage_environment(STAGE)
    resources = cdn.terraform_resources(STAGE, "thumbnailer", environment)
    assert resources["aws_lambda_function_url"]["renditions"]["authorization_type"] == "AWS_IAM"
    kinds = {oac["origin_access_control_origin_type"]
             for oac in resources["aws_cloudfront_origin_access_control"].values()}
    assert kinds == {"s3", "lambda"}
    distribution = resources["aws_cloudfront_distribution"]["renditions"]
    [group] = distribution["origin_group"]
    assert group["failover_criteria"]["status_codes"] == [403, 404]
    assert [m["origin_id"] for m in group["member"]] == [cdn.BUCKET_ORIGIN, cdn.FUNCTION_ORIGIN]
    assert distribution["default_cache_behavior"]["target_origin_id"] == group["origin_id"]
    permissions = resources["aws_lambda_permission"].values()
    assert sorted((p["action"], p.get("invoked_via_function_url", False)) for p in permissions) == [
        ("lambda:InvokeFunction", True), ("lambda:InvokeFunctionUrl", False)]
    for permission in permissions:
        assert permission["principal"] == "cloudfront.amazonaws.com"
        assert permission["source_arn"] == "${aws_cloudfront_distribution.renditions.arn}"
    policy = json.loads(resources["aws_s3_bucket_policy"]["renditions_target"]["policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == [
        TLS_ONLY_SID, cdn.BUCKET_POLICY_SID]


def test_origin_access_controls_are_made_once_on_the_local_endpoint(deployed):
    """The moto server keeps origin access controls (not their use in a distribution's
    origins), so ensure_oac runs against it: one per name and type, found again on a rerun."""
    cloudfront = boto3.client("cloudfront")
    wanted = [("thumbnailer-dev-target-bucket", "s3"), ("thumbnailer-dev-renditions", "lambda")]
    first = [cdn.ensure_oac(cloudfront, name, kind) for name, kind in wanted]
    again = [cdn.ensure_oac(cloudfront, name, kind) for name, kind in wanted]
    assert [status for _, status in first] == ["created", "created"]
    assert again == [(oac_id, "unchanged") for oac_id, _ in first]
    listed = cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Items"]
    assert sorted((oac["Name"], oac["OriginAccessControlOriginType"], oac["SigningBehavior"])
                  for oac in listed) == sorted((name, kind, "always") for name, kind in wanted)


def test_a_new_distribution_moves_both_invoke_permissions_to_it(deployed):
    """A distribution made again (a new ARN) takes both permissions over; the old one keeps
    none, and nothing else in the function's policy is touched."""
    lambda_client = boto3.client("lambda")
    lambda_client.add_permission(FunctionName=FUNCTION, StatementId="someone-elses",
                                 Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    old, new = DISTRIBUTION_ARN, DISTRIBUTION_ARN.replace("E2RENDITIONS", "E3RENDITIONS")
    assert set(cdn.ensure_invoke_permissions(lambda_client, FUNCTION, old).values()) == {
        "created"}
    assert set(cdn.ensure_invoke_permissions(lambda_client, FUNCTION, new).values()) == {
        "updated"}
    statements = json.loads(lambda_client.get_policy(FunctionName=FUNCTION)["Policy"])[
        "Statement"]
    by_sid = {statement["Sid"]: statement for statement in statements}
    assert set(by_sid) == {"someone-elses", *cdn.PERMISSIONS}
    for sid, action in cdn.PERMISSIONS.items():
        assert by_sid[sid]["Action"] == action
        assert by_sid[sid]["Condition"]["ArnLike"]["AWS:SourceArn"] == new
    assert cdn._via_function_url(by_sid[cdn.INVOKE_PERMISSION_SID])
    assert set(cdn.ensure_invoke_permissions(lambda_client, FUNCTION, new).values()) == {
        "unchanged"}
