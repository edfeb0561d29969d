"""Delete sync: an upload was deleted, so its outputs go too (unless DELETE_OUTPUTS=false).

    check    our bucket, delete sync on, some output applies to the key
    look     is the key still empty? (events arrive late, twice and out of order)
    delete   every output the upload can have, and its labels sidecar
    look     again: an upload that arrived meanwhile gets its outputs rendered again

The event only says "look". If an object is under the key now, its outputs stay when they were
made from it (uploaded again, whichever event comes first; in a versioned bucket, a non-current
version deleted), and are made again when they were not: in a versioned bucket, deleting the
current version makes the previous one current, and removing a delete marker brings one back;
S3 sends no ObjectCreated for either. A delete marker makes the key 404, so its outputs go.
Deleting a missing output is no error, which makes a retried or duplicate event harmless.
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.aws import storage
from chalicelib.aws.clients import Clients
from chalicelib.aws.events import Upload
from chalicelib.config.labels import SIDECAR_TEMPLATE
from chalicelib.config.manifest import MANIFEST_TEMPLATE
from chalicelib.config.outputs import fill_key
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.pipeline.record import applicable_outputs, check_bucket, create_outputs
from chalicelib.pipeline.result import Outcome, RecordResult


def delete_outputs(upload: Upload, settings: Settings, aws: Clients) -> RecordResult:
    """DELETED; SKIPPED when delete sync is off or the key has an object whose outputs were
    made from it; WRITTEN when the key's object is not what its outputs were made from, or it
    was uploaded again while the outputs were being deleted (rendered again)."""
    check_bucket(upload, settings)
    if not settings.delete_outputs:
        raise PermanentError("delete sync is off (DELETE_OUTPUTS=false): the outputs stay")
    keys = output_keys(upload.key, settings)
    notes = (f"event for version {upload.version_id}",) if upload.version_id else ()
    current = storage.current_etag(aws.s3, upload.bucket, upload.key)
    if current is not None:
        made_from = storage.made_from(aws.s3, settings.target_bucket, keys[0]) if keys else None
        if not keys or made_from == current:
            raise PermanentError("re-uploaded since (or only a non-current version was deleted): "
                                 "the key has a current object, whose outputs stay")
        rendered = create_outputs(Upload.current(upload.bucket, upload.key), settings, aws)
        return replace(rendered, notes=(
            *notes, "the key's current object is not what its outputs were made from (its "
                    "current version deleted, or a delete marker removed): rendered it",
            *rendered.notes))
    for key in keys:
        storage.delete_output(aws.s3, settings.target_bucket, key)
    if storage.current_etag(aws.s3, upload.bucket, upload.key) is None:
        return RecordResult(Outcome.DELETED, bucket=upload.bucket, key=upload.key,
                            deleted=tuple(keys), notes=notes)
    rendered = create_outputs(Upload.current(upload.bucket, upload.key), settings, aws)
    return replace(rendered, deleted=tuple(keys), notes=(
        *notes, "re-uploaded while its outputs were deleted; rendered it", *rendered.notes))


def output_keys(upload_key: str, settings: Settings) -> list[str]:
    """Every target key an upload under `upload_key` can have: each output of the stage whose
    prefix matches, whether or not it was written, then with LABELS its sidecar and with
    MANIFEST its manifest."""
    templates = [(output.key, output.name) for output in applicable_outputs(upload_key, settings)]
    if settings.labels is not None:
        templates.append((SIDECAR_TEMPLATE, "labels sidecar"))
    if settings.manifest:
        templates.append((MANIFEST_TEMPLATE, "manifest"))
    keys = []
    for template, name in templates:
        try:
            keys.append(fill_key(template, upload_key, name))
        except PermanentError:
            continue  # a key S3 cannot have (too long): never written, nothing to delete
    return keys

