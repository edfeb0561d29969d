"""`make policy`: the IAM policy of each stage, generated from its settings.

With `autogen_policy: false`, Chalice gives the functions exactly `.chalice/policy-<stage>.json`.
What goes in is what a record needs and nothing more: read uploads from the source bucket,
write the stage's outputs (only their key patterns) to the target bucket and, with delete sync
on (DELETE_OUTPUTS, the default), delete them under the same patterns; with BACKUP_BUCKET, write
(and only write) copies to the backup bucket, with the uploads' tags; with LABELS, write (and
delete) the labels sidecars and call the Rekognition operations enabled (moderation also deletes
a quarantined upload's outputs); with EVENT_BUS, put events on that bus only; write the
functions' own logs.
TRIGGER does not change it: with TRIGGER=eventbridge the one function does what the six do,
logs under the same <app>-<stage>-* pattern, and EventBridge invokes it through a resource-based
permission on the function (aws_lambda_permission, which Chalice makes), not through its role.

The S3 Batch Operations function (`batch`) gets its own, `.chalice/policy-<stage>-batch.json`
(per-function `iam_policy_file`): the same reads and writes, but DeleteObject only when a
quarantine needs it (Batch never runs delete sync), and only its own log group.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from devtools.stage import PROJECT_DIR, stage_environment


def stage_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    return sorted(config["stages"])


def app_name(project_dir: Path = PROJECT_DIR) -> str:
    return json.loads((project_dir / ".chalice" / "config.json").read_text())["app_name"]


def output_key_patterns(environment: dict[str, str], sidecar: bool = True,
                        when: str | None = None) -> list[str]:
    """The target keys the stage's outputs (those made `when`, upload or request; all when
    None) and, unless `sidecar` is False, labels sidecars can have, as IAM resource patterns;
    with every output (`when` None) and MANIFEST, the manifests too."""
    from chalicelib.config import labels, outputs
    from chalicelib.config.manifest import MANIFEST_TEMPLATE
    from chalicelib.config.settings import labels_features
    from chalicelib.config.settings import manifest as manifest_enabled
    from chalicelib.pipeline.setup import declared_outputs

    selected = outputs.select(declared_outputs(), environment.get("OUTPUTS", "thumbnail"))
    templates = [output.key for output in selected if when in (None, output.when)]
    if sidecar and labels_features(environment):
        templates.append(labels.SIDECAR_TEMPLATE)
    if when in (None, "upload") and manifest_enabled(environment):  # the upload's event writes it
        templates.append(MANIFEST_TEMPLATE)
    return sorted({outputs.resource_pattern(template) for template in templates})


BATCH_FUNCTION = "batch"  # app.py's @app.lambda_function(name=...)


def batch_function_name(stage: str, project_dir: Path = PROJECT_DIR) -> str:
    """The deployed name Chalice gives it: <app>-<stage>-<name>."""
    return f"{app_name(project_dir)}-{stage}-{BATCH_FUNCTION}"


def batch_policy_for(stage: str, project_dir: Path = PROJECT_DIR,
                     overrides: dict[str, str] | None = None) -> dict:
    """The batch function's policy: the event handlers' minus delete sync, its own logs only."""
    return policy_for(stage, project_dir, overrides, batch=True)


def policy_for(stage: str, project_dir: Path = PROJECT_DIR,
               overrides: dict[str, str] | None = None, batch: bool = False) -> dict:
    """`overrides`: settings on top of the stage's (tests: DELETE_OUTPUTS=false).

    `batch`: for the S3 Batch Operations function, which never deletes for delete sync (a
    quarantine still deletes the outputs), and writes only its own log group."""
    from chalicelib.config.settings import backup_bucket, delete_outputs, event_bus, labels_features

    environment = {**stage_environment(stage, project_dir), **(overrides or {})}
    source, target = environment["SOURCE_BUCKET"], environment["TARGET_BUCKET"]
    writes = [f"arn:aws:s3:::{target}/{pattern}"
              for pattern in output_key_patterns(environment, when="upload")]
    # Outputs made on request (the renditions function writes them) are deleted by the upload's
    # event too: made from an earlier upload under the key, they are made again when asked for.
    requested = output_key_patterns(environment, sidecar=False, when="request")
    everything = [f"arn:aws:s3:::{target}/{pattern}"
                  for pattern in output_key_patterns(environment)]
    # Chalice names each function <app>-<stage>-<handler>; Lambda logs to /aws/lambda/<function>.
    log_group = f"arn:aws:logs:*:*:log-group:/aws/lambda/{app_name(project_dir)}-{stage}-*"
    if batch:
        function = batch_function_name(stage, project_dir)
        log_group = f"arn:aws:logs:*:*:log-group:/aws/lambda/{function}"
    features = labels_features(environment)
    sync = delete_outputs(environment) and not batch
    deletes = [{
        # Delete sync, a quarantine's deletes, outputs made on request from an earlier upload:
        # exactly the outputs' and sidecars' keys, so no other object can go.
        "Sid": "DeleteOutputs",
        "Effect": "Allow",
        "Action": ["s3:DeleteObject"],
        "Resource": everything,
    }] if sync or "moderation" in features or requested else []
    provenance = [{
        # Delete sync reads which upload the outputs were made from (the first output's
        # source-etag metadata, one HeadObject) when a removal leaves an object under the key:
        # in a versioned bucket the previous version may have become current. The outputs'
        # keys only (not the labels sidecar), no ListBucket on the target: a missing output
        # answers 403, read as "none".
        "Sid": "ReadOutputProvenance",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{target}/{pattern}"
                     for pattern in output_key_patterns(environment, sidecar=False,
                                                        when="upload")],
    }] if sync else []
    operations = {"labels": "rekognition:DetectLabels",
                  "moderation": "rekognition:DetectModerationLabels"}
    rekognition = [{
        # These two take no resource (they analyse the bytes sent, no stored collection), so
        # IAM accepts only "*" here. The image is sent as bytes: no S3 access for Rekognition.
        "Sid": "AnalyseImages",
        "Effect": "Allow",
        "Action": sorted(operations[feature] for feature in features),
        "Resource": ["*"],
    }] if features else []
    backup = backup_bucket(environment)
    backups = [{
        # CopyObject and the multipart copy (Create/UploadPartCopy/Complete) need only this on
        # the destination (reading the source is ReadUploads), and PutObjectTagging to give the
        # copy the upload's tags (CopyObject's default TaggingDirective COPY; S3 refuses to
        # copy a tagged object without it). No Get, List or Delete: the function cannot read,
        # enumerate or destroy the backups.
        "Sid": "WriteBackups",
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:PutObjectTagging"],
        "Resource": [f"arn:aws:s3:::{backup}/*"],
    }, {
        # The other half of copying a tagged upload: reading its tags. Uploads only.
        "Sid": "ReadUploadTagsForBackups",
        "Effect": "Allow",
        "Action": ["s3:GetObjectTagging"],
        "Resource": [f"arn:aws:s3:::{source}/*"],
    }] if backup else []
    bus = event_bus(environment)
    put_events = [{
        # The processed-image event: PutEvents on that one bus (no other bus, no rules, no
        # targets). A bus given by name gets region and account `*`: .chalice/config.json names
        # neither (the deploy's credentials and region decide them), and PutEvents by name goes
        # to the bus of that name in the function's own account and region; granting a bus of
        # another account would also take that bus's resource policy. Set EVENT_BUS to the
        # bus's ARN to pin both.
        "Sid": "PutProcessedImageEvents",
        "Effect": "Allow",
        "Action": ["events:PutEvents"],
        "Resource": [bus if bus.startswith("arn:") else f"arn:aws:events:*:*:event-bus/{bus}"],
    }] if bus else []
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadUploads",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{source}/*"],
            },
            {
                # Without it S3 answers 403, not 404, for an upload deleted before its event was
                # handled, and that harmless case would be retried and land in the failure
                # destination. Listing keys is all it grants; no object can be read through it.
                "Sid": "Tell404From403OnUploads",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{source}"],
            },
            {
                # Only the keys the stage's outputs can have: "*-thumbnail.*", not "*".
                "Sid": "WriteOutputs",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": writes,
            },
            *deletes,
            *provenance,
            *backups,
            *rekognition,
            *put_events,
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_group, f"{log_group}:log-stream:*"],
            },
        ],
    }


RENDITIONS_FUNCTION = "renditions"  # app.py's @app.lambda_function(name=...)


def renditions_policy_for(stage: str, project_dir: Path = PROJECT_DIR,
                          overrides: dict[str, str] | None = None) -> dict:
    """The renditions function's (outputs made on request): read and find uploads, write the
    outputs made on request and nothing else, read the labels sidecars only with moderation
    (a quarantined upload is served nothing), its own logs."""
    from chalicelib.config.settings import labels_features

    environment = {**stage_environment(stage, project_dir), **(overrides or {})}
    source, target = environment["SOURCE_BUCKET"], environment["TARGET_BUCKET"]
    requested = output_key_patterns(environment, sidecar=False, when="request")
    log_group = (f"arn:aws:logs:*:*:log-group:/aws/lambda/"
                 f"{app_name(project_dir)}-{stage}-{RENDITIONS_FUNCTION}")
    sidecars = [pattern for pattern in output_key_patterns(environment)
                if pattern not in output_key_patterns(environment, sidecar=False)]
    statements = [
        {"Sid": "ReadUploads", "Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": [f"arn:aws:s3:::{source}/*"]},
        # Finding the upload of an output whose key has no extension (one LIST on the prefix);
        # and a 404, not a 403, for an upload that is not there.
        {"Sid": "FindUploads", "Effect": "Allow", "Action": ["s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{source}"]},
    ]
    if requested:
        statements.append({"Sid": "WriteOutputsMadeOnRequest", "Effect": "Allow",
                           "Action": ["s3:PutObject"],
                           "Resource": [f"arn:aws:s3:::{target}/{p}" for p in requested]})
    if "moderation" in labels_features(environment):
        statements.append({"Sid": "ReadModerationVerdicts", "Effect": "Allow",
                           "Action": ["s3:GetObject"],
                           "Resource": [f"arn:aws:s3:::{target}/{p}" for p in sidecars]})
    statements.append({
        "Sid": "WriteOwnLogs", "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [log_group, f"{log_group}:log-stream:*"]})
    return {"Version": "2012-10-17", "Statement": statements}


POLICIES = {"": policy_for, "-batch": batch_policy_for, "-renditions": renditions_policy_for}


def policy_path(stage: str, project_dir: Path = PROJECT_DIR, batch: bool = False,
                kind: str | None = None) -> Path:
    """`kind`: "" (the event functions), "-batch" or "-renditions"."""
    kind = ("-batch" if batch else "") if kind is None else kind
    return project_dir / ".chalice" / f"policy-{stage}{kind}.json"


def render(policy: dict) -> str:
    return json.dumps(policy, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a committed policy differs from what would be generated")
    args = parser.parse_args()
    stale = []
    for stage, kind in [(stage, kind) for stage in stage_names() for kind in POLICIES]:
        path, text = policy_path(stage, kind=kind), render(POLICIES[kind](stage))
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(PROJECT_DIR)}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run `make policy`)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
