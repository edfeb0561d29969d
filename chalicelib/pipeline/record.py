"""An upload's outputs made: the created-object flow, step by step.

    plan      which outputs apply to the key, their target keys, what the requests cost
    back up   (BACKUP_BUCKET) a server-side copy of the announced upload, while the rest runs
    fetch     the object under the key now (a stale event renders the newer upload)
    render    every output from one decode (chalicelib/image: pure)
    analyse   (LABELS) Rekognition on a picture of the same render, made first and sent while
              the outputs are encoded; moderation may quarantine
    store     each output as soon as it is encoded (after moderation clears the upload), and the
              labels sidecar and (MANIFEST) the manifest; or, quarantined, delete earlier outputs
    verify    once every write has ended: the upload is still the one rendered; if it was
              replaced, render the newer one

Each step is a small function that returns what it made; `create_outputs` reads them top to
bottom and builds the record's result once. The calls that only wait on AWS run beside the
render (pipeline/background.py) and are all joined before the check that follows the writes, so
newest-wins is exactly as strong as with one call at a time. Announcing and logging follow in
the handler (pipeline/handler.py), for every record alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace

from chalicelib.aws import backup, clients, rekognition, storage
from chalicelib.aws.clients import Clients
from chalicelib.aws.deadline import Deadline
from chalicelib.aws.events import Upload
from chalicelib.config.labels import SIDECAR_TEMPLATE
from chalicelib.config.outputs import fill_key
from chalicelib.config.settings import Settings
from chalicelib.errors import PermanentError
from chalicelib.image import placeholder
from chalicelib.image.render import Limits, OutputRequest, Rendered, RenderedImage, render_outputs
from chalicelib.pipeline import manifest
from chalicelib.pipeline.background import Background
from chalicelib.pipeline.result import Outcome, RecordResult, SourceRead, StoredOutput

MAX_RENDERS_PER_RECORD = 3
# MANIFEST: describing the 32x32 placeholder picture (ThumbHash and the dominant colour, in
# pure Python: about 3 ms on one core here), with room for Lambda's share of a CPU.
PLACEHOLDER_S = 0.02


class SourceKeepsChanging(Exception):
    """Transient: the upload changed under every render; a retry will find it settled."""


@dataclass(frozen=True)
class Plan:
    """What one upload becomes: the render's requests and where each output goes."""

    requests: tuple[OutputRequest, ...]  # (LABELS) Rekognition's picture, then the outputs'
    target_keys: dict[str, str]  # output name -> key in the target bucket
    after_render_s: float  # what the calls after the render are expected to take
    # The keys of the outputs made on request (`when = "request"`): whatever is there was made
    # from an earlier upload under the key, so it goes; the next request makes it again.
    stale_keys: tuple[str, ...] = ()
    # MANIFEST: where the manifest goes ("" for none: off, or one output made on request), and
    # every output it lists (those made on request too).
    manifest_key: str = ""
    listed: tuple = ()

    @property
    def analysed(self) -> bool:
        """Whether Rekognition sees this render (LABELS)."""
        return any(request.name == rekognition.ANALYSIS_NAME for request in self.requests)


def create_outputs(upload: Upload, settings: Settings, aws: Clients) -> RecordResult:
    """WRITTEN, QUARANTINED (moderation), or SKIPPED for a reason about the upload itself.
    Transient failures raise."""
    check_bucket(upload, settings)
    plan = plan_outputs(upload, settings)  # from here on, a skip is about the upload itself
    calls = Background()
    copied = calls.start(back_up, upload, settings, aws) if settings.backup_bucket else None
    try:
        if plan.requests:
            made, _ = make_outputs(upload, plan, settings, aws)
        else:
            made = _made_on_request(plan, settings, aws)
    except PermanentError as never_possible:
        made = RecordResult(Outcome.SKIPPED, reason=never_possible.reason)
    finally:
        calls.wait()
    return replace(made, bucket=upload.bucket, key=upload.key,
                   backup=copied.result() if copied else "", upload_of_stage=True)


def _made_on_request(plan: Plan, settings: Settings, aws: Clients) -> RecordResult:
    """Nothing to render now: every output that applies is made on request."""
    for key in plan.stale_keys:
        storage.delete_output(aws.s3, settings.target_bucket, key)
    return RecordResult(Outcome.SKIPPED, deleted=plan.stale_keys, reason=(
        "every output that applies is made on request (the renditions function); any made "
        "from an earlier upload under this key were deleted"))


def make_outputs(upload: Upload, plan: Plan, settings: Settings,
                 aws: Clients) -> tuple[RecordResult, Rendered | None]:
    """Fetch, render, analyse, store and verify until what was stored is the current upload's;
    the result, and what was rendered last (None when the upload was no renderable image)."""
    if upload.size > settings.max_source_bytes:
        raise PermanentError(
            f"object is {upload.size:,} bytes, over the limit of {settings.max_source_bytes:,}")
    notes: list[str] = []
    render_ms = 0.0
    for attempt in range(MAX_RENDERS_PER_RECORD):
        source = fetch(upload, settings, aws)
        if attempt == 0 and upload.etag not in (None, source.etag):
            notes.append("stale event: the upload was replaced since; rendered the current one")
        try:
            made, rendered = _render_and_store(upload, source, plan, settings, aws)
        except PermanentError as rejected:
            return RecordResult(Outcome.SKIPPED, reason=rejected.reason,
                                source=_read(source), notes=tuple(notes)), None
        render_ms += made.render_ms
        notes.extend(made.notes)
        if verify(upload, source, aws):
            return replace(made, render_ms=render_ms, notes=tuple(notes)), rendered
        notes.append("replaced while rendering; rendered the newer upload")
    raise SourceKeepsChanging(
        f"{upload.key!r} was replaced {MAX_RENDERS_PER_RECORD} times while rendering")


def _render_and_store(upload: Upload, source: storage.SourceObject, plan: Plan,
                      settings: Settings, aws: Clients) -> tuple[RecordResult, Rendered]:
    """Render, analyse and store one read of the upload; every call it started has ended when
    it returns or raises."""
    calls = Background()
    # With moderation nothing may be served before Rekognition clears the upload.
    gated = plan.analysed and settings.labels is not None and settings.labels.moderation
    analysing: list[Future] = []
    writes: list[Future] = []

    def on_image(image: RenderedImage) -> None:
        if image.name == rekognition.ANALYSIS_NAME:
            analysing.append(calls.start(analyse, image.data, settings, aws))
        elif image.name == placeholder.NAME:
            return  # described below, stored in the manifest only
        elif not gated:
            writes.append(calls.start(store, upload, source, plan, image, settings, aws))

    try:
        rendered, render_ms = render(source, plan, settings, aws.deadline, on_image)
        analysis = analysing[0].result() if analysing else None
        quarantined = analysis is not None and bool(analysis.quarantine_reason)
        deleted = plan.stale_keys
        if quarantined:
            deleted = (*plan.target_keys.values(), *plan.stale_keys,
                       *((plan.manifest_key,) if plan.manifest_key else ()))
            writes = [calls.start(quarantine, key, settings, aws) for key in deleted]
        elif gated:
            writes = [calls.start(store, upload, source, plan, image, settings, aws)
                      for image in rendered.images
                      if image.name not in (rekognition.ANALYSIS_NAME, placeholder.NAME)]
        manifest_written = (calls.start(store_manifest, upload, source, plan, rendered,
                                        settings, aws)
                            if plan.manifest_key and not quarantined else None)
        removals = [] if quarantined else [calls.start(quarantine, key, settings, aws)
                                           for key in plan.stale_keys]
        sidecar = (calls.start(store_sidecar, upload, source, analysis, _analysis_picture(rendered),
                               settings, aws) if analysis is not None else None)
    finally:
        calls.wait()
    done = [write.result() for write in writes]  # a failed write or delete raises
    for removal in removals:
        removal.result()
    stored = () if quarantined else tuple(done)
    notes = (f"labels: {analysis.refused}",) if analysis is not None and analysis.refused else ()
    return RecordResult(
        Outcome.QUARANTINED if quarantined else Outcome.WRITTEN,
        reason=analysis.quarantine_reason if quarantined else "",
        source=_read(source, rendered), outputs=stored, deleted=deleted, analysis=analysis,
        labels_key=sidecar.result() if sidecar else "", render_ms=render_ms,
        manifest_key=manifest_written.result() if manifest_written else "",
        notes=(*rendered.notes, *notes)), rendered


def check_bucket(upload: Upload, settings: Settings) -> None:
    if upload.bucket != settings.source_bucket:
        raise PermanentError(
            f"event for bucket {upload.bucket!r}, this function serves {settings.source_bucket!r}")


def applicable_outputs(upload_key: str, settings: Settings) -> list:
    """The stage's outputs whose prefix matches; PermanentError when none does."""
    applying = [output for output in settings.outputs if output.applies_to(upload_key)]
    if not applying:
        raise PermanentError(f"no output of this stage applies to {upload_key!r} (prefixes: "
                             f"{sorted({output.prefix for output in settings.outputs})})")
    return applying


def plan_outputs(upload: Upload, settings: Settings, outputs: list | None = None,
                 analyse: bool = True) -> Plan:
    """What the upload becomes: by default every output of the stage that applies and is made
    on upload (those made on request are stale keys), and with LABELS (unless `analyse` is
    False) Rekognition's picture; or exactly `outputs`."""
    stale: tuple[str, ...] = ()
    whole_stage = outputs is None  # an upload's event, not one output made on request
    applying: list = []
    if outputs is None:
        applying = applicable_outputs(upload.key, settings)
        outputs = [output for output in applying if not output.on_request]
        stale = tuple(output.key_for(upload.key) for output in applying if output.on_request)
    requests = [output.request_for(upload.key) for output in outputs]
    expected = clients.EXPECTED_CALL_S
    after_render = (len(outputs) + 1) * expected["s3"]  # the writes, and the check after them
    if analyse and settings.labels is not None:  # first: Rekognition works while outputs are made
        requests.insert(0, OutputRequest(
            name=rekognition.ANALYSIS_NAME, box=rekognition.ANALYSIS_BOX, pillow_format="JPEG",
            quality=rekognition.ANALYSIS_QUALITY))
        calls = settings.labels.labels + settings.labels.moderation
        after_render += calls * expected["rekognition"] + expected["s3"]  # and the sidecar
    if settings.event_bus is not None:
        after_render += expected["events"]
    manifest_key, listed = "", ()
    if settings.manifest and whole_stage:
        manifest_key = manifest.manifest_key(upload.key)
        listed = tuple(applying)
        requests.append(placeholder.request())
        after_render += expected["s3"] + PLACEHOLDER_S
    return Plan(requests=tuple(requests),
                target_keys={output.name: output.key_for(upload.key) for output in outputs},
                after_render_s=after_render, stale_keys=stale, manifest_key=manifest_key,
                listed=listed)


def back_up(upload: Upload, settings: Settings, aws: Clients) -> str:
    """BACKUP_BUCKET: a server-side copy of the announced upload, started beside the fetch and
    render, so an upload that is no renderable image is kept all the same; "" when off. A
    replaced or deleted upload is a logged skip of the backup only; any other failure fails the
    record once the render is done (its outputs may be written), and the retry does both again
    (idempotent). An upload no event announced (S3 Batch Operations)
    is copied as it is now: one HeadObject names its ETag, and the copy is exactly that."""
    if settings.backup_bucket is None:
        return ""
    etag, size = upload.etag, upload.size
    if etag is None:
        current = storage.current_object(aws.s3, upload.bucket, upload.key)
        if current is None:
            return backup.GONE
        etag, size = current
    return backup.copy_upload(aws, upload.bucket, upload.key, etag, size,
                              settings.backup_bucket, settings.backup_storage_class)


def fetch(upload: Upload, settings: Settings, aws: Clients) -> storage.SourceObject:
    """Whatever is under the key now: a stale event renders the newer upload rather than skip,
    because its own outputs may be the ones left behind (a retry after a write whose check
    failed); the newer upload's event writes the same outputs."""
    return storage.fetch_object(aws.s3, upload.bucket, upload.key, settings.max_source_bytes)


def render(source: storage.SourceObject, plan: Plan, settings: Settings, deadline: Deadline,
           on_image: Callable[[RenderedImage], None] | None = None) -> tuple[Rendered, float]:
    """Every requested picture, and the milliseconds it took; `on_image` gets each one as soon
    as it is encoded. Refused (OutOfTime) when the render, or the calls expected after it,
    cannot finish in the time left."""
    deadline.require(plan.after_render_s, "storing the outputs")
    limits = Limits(max_pixels=settings.max_source_pixels, memory_mb=settings.function_memory_mb,
                    seconds_left=deadline.usable() - plan.after_render_s)
    started = time.perf_counter()
    rendered = render_outputs(source.data, plan.requests, limits, on_image=on_image)
    return rendered, (time.perf_counter() - started) * 1000


def analyse(picture: bytes, settings: Settings, aws: Clients) -> rekognition.Analysis:
    """LABELS: Rekognition's labels and moderation for the picture rendered for it."""
    return rekognition.analyse(aws, picture, settings.labels)


def store(upload: Upload, source: storage.SourceObject, plan: Plan, image: RenderedImage,
          settings: Settings, aws: Clients) -> StoredOutput:
    """One output to its key in the target bucket, with the source it was made from."""
    key = plan.target_keys[image.name]
    storage.store_object(aws.s3, settings.target_bucket, key, image.data,
                         content_type=image.content_type, cache_control=settings.cache_control,
                         metadata=provenance(source, upload))
    return StoredOutput(image.name, key, image.size, image.format, len(image.data),
                        image.quality, image.score)


def quarantine(key: str, settings: Settings, aws: Clients) -> None:
    """None of a quarantined upload's outputs may be served: delete one an earlier upload under
    the key left (the sidecar says why). The upload itself stays for a person to review."""
    storage.delete_output(aws.s3, settings.target_bucket, key)


def store_sidecar(upload: Upload, source: storage.SourceObject, analysis: rekognition.Analysis,
                  picture: RenderedImage, settings: Settings, aws: Clients) -> str:
    """LABELS: Rekognition's answers as `{folder}{stem}-labels.json`; its key."""
    key = fill_key(SIDECAR_TEMPLATE, upload.key, "labels sidecar")
    described = {"bucket": upload.bucket, "key": upload.key, "etag": source.etag,
                 "version_id": source.version_id}
    document = rekognition.sidecar(analysis, described, picture.size)
    storage.store_object(aws.s3, settings.target_bucket, key, document,
                         content_type="application/json", cache_control=settings.cache_control,
                         metadata=provenance(source, upload))
    return key


def store_manifest(upload: Upload, source: storage.SourceObject, plan: Plan, rendered: Rendered,
                   settings: Settings, aws: Clients) -> str:
    """MANIFEST: `{folder}{stem}-manifest.json` (pipeline/manifest.py); its key."""
    made = {image.name: image for image in rendered.images}
    described = placeholder.describe(made[placeholder.NAME].data)
    document = manifest.manifest(upload.key, rendered.source_size, list(plan.listed), made,
                                 described)
    storage.store_object(aws.s3, settings.target_bucket, plan.manifest_key, document,
                         content_type="application/json", cache_control=settings.cache_control,
                         metadata=provenance(source, upload))
    return plan.manifest_key


def verify(upload: Upload, source: storage.SourceObject, aws: Clients) -> bool:
    """Newest wins: False if the upload was replaced while we worked (a newer upload's event
    may already have written its outputs, which ours just overwrote: render the newer one)."""
    return storage.current_etag(aws.s3, upload.bucket, upload.key) in (source.etag, None)


def provenance(source: storage.SourceObject, upload: Upload) -> dict[str, str]:
    """Which upload an output was made from, as S3 user metadata (ASCII only): the ETag and
    version actually rendered, and the event's sequencer only if the event announced them."""
    announced = source.etag == upload.etag and upload.version_id in (None, source.version_id)
    metadata = {
        "source-etag": source.etag,
        "source-version-id": source.version_id,
        "source-sequencer": upload.sequencer if announced else None,
    }
    return {name: value for name, value in metadata.items() if value and value.isascii()}


def _analysis_picture(rendered: Rendered) -> RenderedImage:
    return next(image for image in rendered.images if image.name == rekognition.ANALYSIS_NAME)


def _read(source: storage.SourceObject, rendered: Rendered | None = None) -> SourceRead:
    return SourceRead(etag=source.etag, version_id=source.version_id, bytes=len(source.data),
                      size=rendered.source_size if rendered else None)
