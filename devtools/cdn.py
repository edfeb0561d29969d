"""`make cdn` after `chalice deploy`: outputs by URL through CloudFront (issue 20's wiring).

What it sets up, idempotently (a second run changes nothing), and what `make package` puts in
the Terraform (`terraform_resources`):

- the `renditions` function's URL, `AuthType AWS_IAM`: only signed requests reach it;
- two origin access controls (OAC): one of type `s3`, one of type `lambda`, so CloudFront signs
  its requests to the target bucket and to the function URL;
- a CloudFront distribution whose default behaviour targets an origin group: the target bucket
  first, the function URL on a 403 or 404 from it (GET and HEAD only, the managed
  CachingOptimized cache policy);
- `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` (the latter only through the function
  URL, `lambda:InvokedViaFunctionUrl`) for `cloudfront.amazonaws.com`, on that distribution
  only: function URLs created since October 2025 need both, or every request gets a 403;
- the target bucket policy: CloudFront (that distribution only) may `s3:GetObject` the stage's
  output key patterns, nothing else of the bucket (not the labels sidecars, not the batch
  reports); the bucket's other statements, such as `make buckets`' TLS-only one, are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError

from devtools.buckets import tls_only_statement
from devtools.policy import RENDITIONS_FUNCTION, output_key_patterns
from devtools.stage import stage_environment

# AWS's managed cache policy "Managed-CachingOptimized": caches by path, honours the origin's
# Cache-Control (the outputs' CACHE_CONTROL, the function's short negative caching).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
FAILOVER_STATUS_CODES = [403, 404]  # S3 answers 403 for a missing key it may not list
BUCKET_ORIGIN, FUNCTION_ORIGIN = "target-bucket", "renditions-function"
GROUP = "bucket-then-function"
# Function URLs made since October 2025 check both actions (AWS Lambda's "Control access to
# function URLs"): without lambda:InvokeFunction, CloudFront's signed requests get a 403.
PERMISSION_SID = "AllowCloudFrontInvokeFunctionUrl"
INVOKE_PERMISSION_SID = "AllowCloudFrontInvokeFunctionViaUrl"
PERMISSIONS = {PERMISSION_SID: "lambda:InvokeFunctionUrl",
               INVOKE_PERMISSION_SID: "lambda:InvokeFunction"}
BUCKET_POLICY_SID = "CloudFrontReadsOutputs"


def names(app_name: str, stage: str) -> dict[str, str]:
    prefix = f"{app_name}-{stage}"
    return {"function": f"{prefix}-{RENDITIONS_FUNCTION}", "comment": f"{prefix} renditions",
            "bucket_oac": f"{prefix}-target-bucket", "function_oac": f"{prefix}-renditions"}


def bucket_statement(target: str, patterns: list[str], distribution_arn: str) -> dict:
    return {"Sid": BUCKET_POLICY_SID, "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{target}/{pattern}" for pattern in patterns],
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}}}


def distribution_config(comment: str, bucket_domain: str, bucket_oac: str,
                        function_domain: str, function_oac: str, reference: str) -> dict:
    """CreateDistribution's DistributionConfig: the origin group, bucket then function."""
    def items(values: list) -> dict:
        return {"Quantity": len(values), "Items": values}

    get_head = ["GET", "HEAD"]
    return {
        "CallerReference": reference, "Comment": comment, "Enabled": True,
        "PriceClass": "PriceClass_100", "HttpVersion": "http2and3",
        "Origins": items([
            {"Id": BUCKET_ORIGIN, "DomainName": bucket_domain,
             "OriginAccessControlId": bucket_oac, "S3OriginConfig": {"OriginAccessIdentity": ""}},
            {"Id": FUNCTION_ORIGIN, "DomainName": function_domain,
             "OriginAccessControlId": function_oac,
             "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                    "OriginProtocolPolicy": "https-only",
                                    "OriginSslProtocols": items(["TLSv1.2"])}},
        ]),
        "OriginGroups": items([{
            "Id": GROUP,
            "FailoverCriteria": {"StatusCodes": items(FAILOVER_STATUS_CODES)},
            "Members": items([{"OriginId": BUCKET_ORIGIN}, {"OriginId": FUNCTION_ORIGIN}]),
        }]),
        "DefaultCacheBehavior": {
            "TargetOriginId": GROUP, "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_OPTIMIZED, "Compress": False,  # images are compressed
            "AllowedMethods": {**items(get_head), "CachedMethods": items(get_head)},
        },
    }


def _managed(config: dict) -> dict:
    """What this tool decides in a DistributionConfig, to compare a live one with ours."""
    origins = {o["Id"]: (o["DomainName"], o.get("OriginAccessControlId"))
               for o in config.get("Origins", {}).get("Items", [])}
    groups = [(g["Id"], sorted(g["FailoverCriteria"]["StatusCodes"]["Items"]),
               [m["OriginId"] for m in g["Members"]["Items"]])
              for g in config.get("OriginGroups", {}).get("Items", [])]
    behaviour = config.get("DefaultCacheBehavior", {})
    return {"origins": origins, "groups": groups, "enabled": config.get("Enabled"),
            "target": behaviour.get("TargetOriginId"), "cache": behaviour.get("CachePolicyId")}


def ensure_function_url(lambda_client, function: str) -> tuple[str, str]:
    try:
        current = lambda_client.get_function_url_config(FunctionName=function)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        created = lambda_client.create_function_url_config(FunctionName=function,
                                                           AuthType="AWS_IAM")
        return created["FunctionUrl"], "created"
    if current["AuthType"] == "AWS_IAM":
        return current["FunctionUrl"], "unchanged"
    lambda_client.update_function_url_config(FunctionName=function, AuthType="AWS_IAM")
    return current["FunctionUrl"], "updated"


def ensure_oac(cloudfront, name: str, origin_type: str) -> tuple[str, str]:
    listed = cloudfront.list_origin_access_controls().get("OriginAccessControlList", {})
    for item in listed.get("Items", []):
        if item["Name"] == name and item["OriginAccessControlOriginType"] == origin_type:
            return item["Id"], "unchanged"
    created = cloudfront.create_origin_access_control(OriginAccessControlConfig={
        "Name": name, "Description": f"CloudFront signs its requests to the {origin_type} origin",
        "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": origin_type})
    return created["OriginAccessControl"]["Id"], "created"


def ensure_distribution(cloudfront, wanted: dict) -> tuple[str, str, str, str]:
    """(id, ARN, domain name, status) of the distribution whose Comment is ours."""
    listed = cloudfront.list_distributions().get("DistributionList", {})
    for item in listed.get("Items", []):
        if item.get("Comment") != wanted["Comment"]:
            continue
        found = cloudfront.get_distribution_config(Id=item["Id"])
        live = found["DistributionConfig"]
        if _managed(live) == _managed(wanted):
            return item["Id"], item["ARN"], item["DomainName"], "unchanged"
        updated = {**live, **{key: wanted[key] for key in (
            "Origins", "OriginGroups", "DefaultCacheBehavior", "Enabled")}}
        cloudfront.update_distribution(Id=item["Id"], IfMatch=found["ETag"],
                                       DistributionConfig=updated)
        return item["Id"], item["ARN"], item["DomainName"], "updated"
    created = cloudfront.create_distribution(DistributionConfig=wanted)["Distribution"]
    return created["Id"], created["ARN"], created["DomainName"], "created"


def _via_function_url(statement: dict) -> bool:
    """Whether a lambda:InvokeFunction statement holds only through the function URL: the
    `lambda:InvokedViaFunctionUrl` condition AddPermission writes (the moto server keeps the
    request's flag as it came instead)."""
    condition = statement.get("Condition", {}).get("Bool", {})
    return (str(condition.get("lambda:InvokedViaFunctionUrl", "")).lower() == "true"
            or statement.get("InvokedViaFunctionUrl") is True)


def ensure_invoke_permissions(lambda_client, function: str,
                              distribution_arn: str) -> dict[str, str]:
    """Both statements CloudFront needs to call the function URL; {Sid: status}."""
    try:
        policy = json.loads(lambda_client.get_policy(FunctionName=function)["Policy"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        policy = {"Statement": []}
    statuses = {}
    for sid, action in PERMISSIONS.items():
        [ours] = [s for s in policy["Statement"] if s.get("Sid") == sid] or [None]
        via_url = action == "lambda:InvokeFunction"
        if ours is not None:
            source = ours.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
            if (source == distribution_arn and ours.get("Action") == action
                    and (not via_url or _via_function_url(ours))):
                statuses[sid] = "unchanged"
                continue
            lambda_client.remove_permission(FunctionName=function, StatementId=sid)
        lambda_client.add_permission(FunctionName=function, StatementId=sid, Action=action,
                                     Principal="cloudfront.amazonaws.com",
                                     SourceArn=distribution_arn,
                                     **({"InvokedViaFunctionUrl": True} if via_url else {}))
        statuses[sid] = "created" if ours is None else "updated"
    return statuses


def ensure_bucket_policy(s3, target: str, statement: dict) -> str:
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=target)["Policy"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchBucketPolicy":
            raise
        policy = {"Version": "2012-10-17", "Statement": []}
    others = [s for s in policy["Statement"] if s.get("Sid") != BUCKET_POLICY_SID]
    if [s for s in policy["Statement"] if s.get("Sid") == BUCKET_POLICY_SID] == [statement]:
        return "unchanged"
    status = "updated" if len(others) < len(policy["Statement"]) else "created"
    s3.put_bucket_policy(Bucket=target, Policy=json.dumps(
        {**policy, "Statement": [*others, statement]}))
    return status


def apply(stage: str, app_name: str, clients: dict, report=print) -> dict[str, str]:
    """Set everything up; {what: status}, status one of created, updated, unchanged."""
    environment = stage_environment(stage)
    target, named = environment["TARGET_BUCKET"], names(app_name, stage)
    statuses: dict[str, str] = {}

    def note(what: str, status: str) -> None:
        statuses[what] = status
        report(f"{what}: {status}")

    url, status = ensure_function_url(clients["lambda"], named["function"])
    note(f"function URL of {named['function']} (AuthType AWS_IAM) {url}", status)
    bucket_oac, status = ensure_oac(clients["cloudfront"], named["bucket_oac"], "s3")
    note(f"origin access control {named['bucket_oac']} (s3)", status)
    function_oac, status = ensure_oac(clients["cloudfront"], named["function_oac"], "lambda")
    note(f"origin access control {named['function_oac']} (lambda)", status)
    region = clients["s3"].meta.region_name
    wanted = distribution_config(named["comment"], f"{target}.s3.{region}.amazonaws.com",
                                 bucket_oac, urlsplit(url).hostname, function_oac,
                                 reference=f"{named['comment']} {time.time_ns()}")
    _, arn, domain, status = ensure_distribution(clients["cloudfront"], wanted)
    note(f"CloudFront distribution {domain} (the target bucket, then the function on "
         f"{'/'.join(map(str, FAILOVER_STATUS_CODES))})", status)
    for sid, status in ensure_invoke_permissions(clients["lambda"], named["function"],
                                                 arn).items():
        note(f"permission {sid} ({PERMISSIONS[sid]}, that distribution only)", status)
    patterns = output_key_patterns(environment, sidecar=False)
    note(f"bucket policy of {target}: {BUCKET_POLICY_SID} (s3:GetObject on "
         f"{', '.join(patterns)}, that distribution only)",
         ensure_bucket_policy(clients["s3"], target, bucket_statement(target, patterns, arn)))
    report(f"outputs by URL: https://{domain}/<output key>")
    return statuses


def terraform_resources(stage: str, app_name: str, environment: dict[str, str]) -> dict:
    """The same, as resources for `make package`'s chalice.tf.json (Terraform JSON syntax).
    Terraform then owns the target bucket's policy: it holds the TLS-only statement
    `make buckets` sets and CloudFront's read of the outputs."""
    target, named = environment["TARGET_BUCKET"], names(app_name, stage)
    function = f"${{aws_lambda_function.{RENDITIONS_FUNCTION}.function_name}}"
    distribution_arn = "${aws_cloudfront_distribution.renditions.arn}"
    patterns = output_key_patterns(environment, sidecar=False)
    policy = {"Version": "2012-10-17", "Statement": [
        tls_only_statement(target), bucket_statement(target, patterns, distribution_arn)]}
    oac = {"signing_behavior": "always", "signing_protocol": "sigv4"}
    return {
        "aws_lambda_function_url": {"renditions": {
            "function_name": function, "authorization_type": "AWS_IAM"}},
        "aws_cloudfront_origin_access_control": {
            "renditions_bucket": {"name": named["bucket_oac"],
                                  "origin_access_control_origin_type": "s3", **oac},
            "renditions_function": {"name": named["function_oac"],
                                    "origin_access_control_origin_type": "lambda", **oac},
        },
        "aws_cloudfront_distribution": {"renditions": {
            "comment": named["comment"], "enabled": True, "price_class": "PriceClass_100",
            "http_version": "http2and3",
            "origin": [
                {"origin_id": BUCKET_ORIGIN,
                 "domain_name": f"{target}.s3.${{data.aws_region.chalice.name}}.amazonaws.com",
                 "origin_access_control_id":
                     "${aws_cloudfront_origin_access_control.renditions_bucket.id}"},
                {"origin_id": FUNCTION_ORIGIN,
                 # https://<id>.lambda-url.<region>.on.aws/ -> its host name
                 "domain_name":
                     "${split(\"/\", aws_lambda_function_url.renditions.function_url)[2]}",
                 "origin_access_control_id":
                     "${aws_cloudfront_origin_access_control.renditions_function.id}",
                 "custom_origin_config": {"http_port": 80, "https_port": 443,
                                          "origin_protocol_policy": "https-only",
                                          "origin_ssl_protocols": ["TLSv1.2"]}},
            ],
            "origin_group": [{
                "origin_id": GROUP,
                "failover_criteria": {"status_codes": FAILOVER_STATUS_CODES},
                "member": [{"origin_id": BUCKET_ORIGIN}, {"origin_id": FUNCTION_ORIGIN}],
            }],
            "default_cache_behavior": {
                "target_origin_id": GROUP, "viewer_protocol_policy": "redirect-to-https",
                "cache_policy_id": CACHING_OPTIMIZED, "compress": False,
                "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"]},
            "restrictions": {"geo_restriction": {"restriction_type": "none"}},
            "viewer_certificate": {"cloudfront_default_certificate": True},
        }},
        "aws_lambda_permission": {
            "renditions_from_cloudfront": {
                "statement_id": PERMISSION_SID, "action": PERMISSIONS[PERMISSION_SID],
                "function_name": function, "principal": "cloudfront.amazonaws.com",
                "source_arn": distribution_arn},
            # invoked_via_function_url: AWS provider 6.28.0 on (devtools/package.py)
            "renditions_from_cloudfront_via_url": {
                "statement_id": INVOKE_PERMISSION_SID,
                "action": PERMISSIONS[INVOKE_PERMISSION_SID],
                "function_name": function, "principal": "cloudfront.amazonaws.com",
                "source_arn": distribution_arn, "invoked_via_function_url": True}},
        "aws_s3_bucket_policy": {"renditions_target": {
            "bucket": target, "policy": json.dumps(policy)}},
    }


def clients() -> dict:
    return {name: boto3.client(name) for name in ("lambda", "cloudfront", "s3")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    from devtools.policy import app_name

    try:
        statuses = apply(args.stage, app_name(), clients())
    except ClientError as error:
        print(f"error: {error} (has the stage been deployed? `make deploy STAGE={args.stage}` "
              "first)", file=sys.stderr)
        return 1
    changed = sum(status != "unchanged" for status in statuses.values())
    print(f"{changed} changed, {len(statuses) - changed} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
