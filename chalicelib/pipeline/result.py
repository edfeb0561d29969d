"""What happened to one record: its outcome, and what the pipeline's steps made of it.

Built once per record from what the steps returned (pipeline/record.py, pipeline/delete.py),
then announced (pipeline/announce.py) and logged as one JSON line (pipeline/log.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.aws.rekognition import Analysis


class Outcome(StrEnum):
    WRITTEN = "written"  # every output of the upload stored
    QUARANTINED = "quarantined"  # moderation (LABELS): no outputs, earlier ones deleted
    SKIPPED = "skipped"  # nothing to do, or never possible: the reason says which
    DELETED = "deleted"  # delete sync: the upload is gone, so are its outputs
    FAILED = "failed"  # transient: the handler raises and Lambda retries the event


# The handler returns a count of each (quarantined only when there was one).
COUNTED = (Outcome.WRITTEN, Outcome.SKIPPED, Outcome.DELETED)


@dataclass(frozen=True)
class StoredOutput:
    """One output written to the target bucket."""

    name: str
    key: str
    size: tuple[int, int]
    format: str  # jpeg, png, webp or avif
    bytes: int
    quality: int | None = None  # the encoder quality used (None: PNG)
    score: float | None = None  # the perceptual score reached, when a target chose the quality

    def summary(self) -> dict:
        """As the processed-image event carries it."""
        return {"name": self.name, "key": self.key, "size": "{}x{}".format(*self.size),
                "format": self.format, "bytes": self.bytes}

    def log_summary(self) -> dict:
        """As the log line carries it: the summary, the quality used and the score reached."""
        summary = self.summary()
        if self.quality is not None:
            summary["quality"] = self.quality
        if self.score is not None:
            summary["score"] = round(self.score, 4)
        return summary


@dataclass(frozen=True)
class SourceRead:
    """The upload as it was actually read (which may be newer than the event's)."""

    etag: str
    version_id: str | None
    bytes: int
    size: tuple[int, int] | None = None  # as displayed; None when the bytes were no image


@dataclass(frozen=True)
class RecordResult:
    """One record's outcome; logged as one JSON line (`log_fields`)."""

    outcome: Outcome
    bucket: str = ""
    key: str = ""
    reason: str = ""
    source: SourceRead | None = None
    outputs: tuple[StoredOutput, ...] = ()
    deleted: tuple[str, ...] = ()  # every output key deleted (delete sync, quarantine)
    backup: str = ""  # what the backup copy did (BACKUP_BUCKET); absent when off
    analysis: Analysis | None = None  # Rekognition's answers (LABELS)
    labels_key: str = ""  # the sidecar written (LABELS)
    manifest_key: str = ""  # the manifest written (MANIFEST)
    event: str = ""  # what the processed-image event did (EVENT_BUS); absent when off
    # Set once the record is known to be an upload of this stage (our source bucket, an output
    # applies): from there a skip is about the upload itself, which the event announces.
    upload_of_stage: bool = False
    render_ms: float = 0.0
    ms: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def bytes_out(self) -> int:
        return sum(output.bytes for output in self.outputs)

    @property
    def labels_summary(self) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
        """Labels and moderation labels, name and confidence each, as logged and announced."""
        return self.analysis.summary() if self.analysis else ((), ())

    def log_fields(self) -> dict:
        """The log line's fields; empty texts and lists are left out, numbers never."""
        first = self.outputs[0] if self.outputs else None
        labels, moderation_labels = self.labels_summary
        fields = {
            "bucket": self.bucket,
            "key": self.key,
            "outcome": str(self.outcome),
            "reason": self.reason,
            "thumbnail_key": first.key if first else "",
            "source_size": "{}x{}".format(*self.source.size) if self.source and self.source.size
            else "",
            "thumbnail_size": "{}x{}".format(*first.size) if first else "",
            "outputs": [output.log_summary() for output in self.outputs],
            "deleted": list(self.deleted),
            "backup": self.backup,
            "labels": list(labels),
            "moderation_labels": list(moderation_labels),
            "labels_key": self.labels_key,
            "manifest_key": self.manifest_key,
            "event": self.event,
            "bytes_in": self.source.bytes if self.source else 0,
            "bytes_out": self.bytes_out,
            "ms": self.ms,
            "notes": list(self.notes),
        }
        return {name: value for name, value in fields.items() if value not in ("", [])}
