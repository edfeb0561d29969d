"""`make package` after `chalice package --pkg-format terraform`: make build/<stage>/ apply today.

Chalice 1.34 writes `required_version ">= 0.12.26, < 1.4.0"` and the AWS provider `< 5`, so
`terraform init` refuses every Terraform since 1.4 and every AWS provider since 5.0. This rewrites
the constraints to ranges the generated resources were checked against (see docs/deploying.md),
drops Chalice's `null_data_source` when nothing refers to it (it is deprecated in the null
provider 3.x and only there for API Gateway apps), and adds the failure destination that
`make destinations` sets up on the `chalice deploy` route, so both routes end up the same: the
stage's encrypted SQS failure queue, one event invoke config per function (retries, maximum
event age, on-failure destination), `sqs:SendMessage` on that queue for each function's role,
and the alarms on the queue's depth and each function's errors. It refuses a package whose
functions would run in another TRIGGER mode than the one it was made in (TRIGGER set in the
shell, not in the stage). Last, it adds compiled bytecode to both zips (devtools/bytecode.py),
so a cold start compiles none of the package's Python.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from devtools import bytecode, cdn, destinations
from devtools.policy import RENDITIONS_FUNCTION
from devtools.stage import stage_environment

# Terraform 1.x keeps its compatibility promises for the language this file uses (JSON syntax,
# "${...}" templates); checked offline with Terraform 1.11.4.
REQUIRED_VERSION = ">= 1.0.0, < 2.0.0"
# aws_lambda_permission's `invoked_via_function_url` (the lambda:InvokeFunction statement that
# function URLs made since October 2025 need, devtools/cdn.py) is in the AWS provider from
# 6.28.0 (its CHANGELOG, #44858); python3.13 as a runtime has been accepted since about 5.77.
# Provider 6.x deprecates data.aws_region's `name` (still there; cdn.py reads it for the
# bucket's regional domain); nothing this file uses was removed in 6.
AWS_PROVIDER = {"source": "hashicorp/aws", "version": ">= 6.28.0, < 7.0.0"}
NULL_PROVIDER = {"source": "hashicorp/null", "version": ">= 3.0.0, < 4.0.0"}

QUEUE_RESOURCE = "failure_queue"
ROLE_ARN = re.compile(r"^\$\{aws_iam_role\.([^.}]+)\.arn\}$")


def fix_constraints(template: dict) -> dict:
    """The terraform block's constraints set to what current Terraform and providers accept."""
    text = json.dumps({key: value for key, value in template.items() if key != "data"})
    data = dict(template.get("data", {}))
    if "null_data_source" in data and "data.null_data_source." not in text:
        del data["null_data_source"]
    if data:
        template["data"] = data
    else:
        template.pop("data", None)
    providers = {"aws": dict(AWS_PROVIDER)}
    uses_null = "null_data_source" in data or any(
        kind.startswith("null_") for kind in template.get("resource", {}))
    if uses_null:
        providers["null"] = dict(NULL_PROVIDER)
    template["terraform"] = {"required_version": REQUIRED_VERSION, "required_providers": providers}
    return template


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def terraform_alarm(alarm: dict) -> dict:
    """A put_metric_alarm request (what `make destinations` sends) as a Terraform
    aws_cloudwatch_metric_alarm."""
    resource = {}
    for key, value in alarm.items():
        if key == "Dimensions":
            resource["dimensions"] = {d["Name"]: d["Value"] for d in value}
        else:
            resource[_snake(key)] = value
    return resource


def add_failure_destination(template: dict, stage: str, app_name: str,
                            handlers: list[str] | None = None) -> dict:
    """The stage's failure queue, and for every function Chalice generated for `handlers` (the
    asynchronously invoked ones, destinations.handler_names; all when None): its event invoke
    config, its role's permission to send to the queue, and an alarm on its errors."""
    resources = template.setdefault("resource", {})
    functions = {name: function
                 for name, function in resources.get("aws_lambda_function", {}).items()
                 if handlers is None or name in handlers}
    queue_ref = f"aws_sqs_queue.{QUEUE_RESOURCE}"
    resources.setdefault("aws_sqs_queue", {})[QUEUE_RESOURCE] = {
        "name": destinations.queue_name(app_name, stage),
        "sqs_managed_sse_enabled": destinations.QUEUE_ATTRIBUTES["SqsManagedSseEnabled"] == "true",
        "message_retention_seconds": int(destinations.QUEUE_ATTRIBUTES["MessageRetentionPeriod"]),
    }
    policies = resources.setdefault("aws_iam_role_policy", {})
    configs = resources.setdefault("aws_lambda_function_event_invoke_config", {})
    alarms = resources.setdefault("aws_cloudwatch_metric_alarm", {})
    alarms["failure_queue_depth"] = terraform_alarm(
        destinations.queue_depth_alarm(f"${{{queue_ref}.name}}"))
    role_policies: dict[str, str] = {}  # a shared role gets the permission once
    for name, function in functions.items():
        match = ROLE_ARN.match(function.get("role", ""))
        if match:
            role, role_key = f"${{aws_iam_role.{match.group(1)}.id}}", match.group(1)
        else:  # a role given as an ARN (iam_role_arn): attach to it by name
            role = role_key = function["role"].rsplit("/", 1)[-1]
        if role_key not in role_policies:
            policy_resource = f"{re.sub(r'[^A-Za-z0-9_-]', '_', role_key)}_failure_destination"
            policies[policy_resource] = {
                "name": destinations.POLICY_NAME,
                "role": role,
                "policy": json.dumps(destinations.send_policy(f"${{{queue_ref}.arn}}")),
            }
            role_policies[role_key] = policy_resource
        configs[f"{name}_failure_destination"] = {
            "function_name": f"${{aws_lambda_function.{name}.function_name}}",
            "maximum_retry_attempts": destinations.MAXIMUM_RETRY_ATTEMPTS,
            "maximum_event_age_in_seconds": destinations.MAXIMUM_EVENT_AGE_SECONDS,
            "destination_config": {"on_failure": {"destination": f"${{{queue_ref}.arn}}"}},
            # Lambda checks that the role may send to the destination when the config is set.
            "depends_on": [f"aws_iam_role_policy.{role_policies[role_key]}"],
        }
        alarms[f"{name}_errors"] = terraform_alarm(
            destinations.errors_alarm(f"${{aws_lambda_function.{name}.function_name}}"))
    return template


class TriggerMismatch(ValueError):
    """The package's functions would import app.py in another TRIGGER mode than it was made in."""


def check_trigger(template: dict) -> None:
    """Every function's TRIGGER (its environment, as Lambda will import app.py) is the mode the
    package was made in. `TRIGGER=eventbridge chalice package` with a stage that does not set
    TRIGGER packages the EventBridge rule, but Lambda would then import app.py as TRIGGER=s3
    and find no handler app.thumbnail_eventbridge: every event would fail."""
    resources = template.get("resource", {})
    mode = "eventbridge" if resources.get("aws_cloudwatch_event_rule") else "s3"
    for name, function in resources.get("aws_lambda_function", {}).items():
        environment = function.get("environment", {}).get("variables", {})
        if environment.get("TRIGGER", "s3").strip() != mode:
            raise TriggerMismatch(
                f"the package was made with TRIGGER={mode} but function {name} would run with "
                f"TRIGGER={environment.get('TRIGGER', 's3 (unset)')}: set TRIGGER per stage in "
                ".chalice/config.json (stages.<stage>.environment_variables), not in the shell")


def name_rules_per_stage(template: dict, stage: str, app_name: str) -> dict:
    """Chalice's Terraform names an on_cw_event rule after the resource alone
    (`thumbnail_eventbridge-event`), so two stages in one account and region would share, and
    fight over, one rule; `chalice deploy` names it `<app>-<stage>-<resource>`: so does this."""
    for key, rule in template.get("resource", {}).get("aws_cloudwatch_event_rule", {}).items():
        if rule.get("name") == key:
            rule["name"] = f"{app_name}-{stage}-{key}"
    return template


def add_renditions_cdn(template: dict, stage: str, app_name: str) -> dict:
    """Outputs by URL (docs/renditions.md): the renditions function's URL, CloudFront with the
    target bucket then the function, its OACs, permission and the bucket policy, as `make cdn`
    sets them up on the `chalice deploy` route."""
    resources = template.setdefault("resource", {})
    if RENDITIONS_FUNCTION not in resources.get("aws_lambda_function", {}):
        return template
    for kind, entries in cdn.terraform_resources(
            stage, app_name, stage_environment(stage)).items():
        resources.setdefault(kind, {}).update(entries)
    return template


def postprocess(out_dir: Path, stage: str, app_name: str) -> dict:
    path = out_dir / "chalice.tf.json"
    template = json.loads(path.read_text())
    check_trigger(template)
    name_rules_per_stage(template, stage, app_name)
    add_failure_destination(fix_constraints(template), stage, app_name,
                            destinations.handler_names(destinations.load_app(stage)))
    add_renditions_cdn(template, stage, app_name)
    path.write_text(json.dumps(template, indent=2) + "\n")
    return template


# Terraform's version constraints, as far as Chalice and this module write them: comma-separated
# "<op> <version>" terms, all of which must hold.
_TERM = re.compile(r"^\s*(>=|<=|!=|>|<|=|~>)?\s*(\d+(?:\.\d+)*)\s*$")


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(part) for part in text.split("."))
    return parts + (0,) * (3 - len(parts))


def satisfies(version: str, constraint: str) -> bool:
    """Whether `version` meets a Terraform version constraint (">= 1.0.0, < 2.0.0", "~> 5.80")."""
    have = _version(version)
    for term in constraint.split(","):
        match = _TERM.match(term)
        if not match:
            raise ValueError(f"cannot read version constraint term {term!r}")
        op, wanted_text = match.group(1) or "=", match.group(2)
        wanted = _version(wanted_text)
        if op == "~>":  # the rightmost given component may increase
            given = wanted_text.count(".") + 1
            upper = (*wanted[:max(given - 2, 0)], wanted[max(given - 2, 0)] + 1)
            ok = wanted <= have < _version(".".join(map(str, upper)))
        else:
            ok = {">=": have >= wanted, "<=": have <= wanted, ">": have > wanted,
                  "<": have < wanted, "=": have == wanted, "!=": have != wanted}[op]
        if not ok:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("out_dir", type=Path, help="where chalice package wrote chalice.tf.json")
    args = parser.parse_args(argv)
    from devtools.policy import app_name

    try:
        template = postprocess(args.out_dir, args.stage, app_name())
    except TriggerMismatch as mismatch:
        print(f"error: {mismatch}", file=sys.stderr)
        return 2
    terraform = template["terraform"]
    print(f"{args.out_dir / 'chalice.tf.json'}: Terraform {terraform['required_version']}; "
          + "; ".join(f"{name} provider {spec['version']}"
                      for name, spec in terraform["required_providers"].items())
          + f"; failure queue {destinations.queue_name(app_name(), args.stage)}, "
          f"{len(template['resource'].get('aws_lambda_function_event_invoke_config', {}))} "
          "event invoke configs (the S3-triggered functions), "
          f"{len(template['resource'].get('aws_cloudwatch_metric_alarm', {}))} alarms")
    for name, count in bytecode.add_to_package(args.out_dir).items():
        print(f"{args.out_dir / name}: {count} modules compiled (hash-checked .pyc)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
