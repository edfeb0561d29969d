"""Machine-learning labels and moderation (LABELS): Amazon Rekognition on an image we rendered.

Rekognition gets the bytes of a JPEG rendered in the same pass as the outputs (at most
ANALYSIS_BOX, well under its 5 MB limit), not the S3 object: any upload size or format works,
and Rekognition needs no access to the bucket. DetectLabels is asked for general labels only
(no image properties, which cost extra). The answers go to a JSON sidecar next to the outputs;
a moderation label at or over MODERATION_MIN_CONFIDENCE quarantines the upload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.config.labels import LabelSettings
from chalicelib.errors import PermanentError

# The picture sent to Rekognition. Its name is no valid output name, so it never meets one.
ANALYSIS_NAME = "rekognition:analysis"
ANALYSIS_BOX = (1280, 1280)
ANALYSIS_QUALITY = 85
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # Rekognition's limit for image bytes in a request
# Answers about the image we sent, which a retry would send again unchanged.
_REFUSALS = ("InvalidImageFormatException", "ImageTooLargeException",
             "InvalidParameterException")


@dataclass(frozen=True)
class Analysis:
    labels: tuple[dict, ...] = ()  # name, confidence, parents, categories
    moderation_labels: tuple[dict, ...] = ()  # name, parent, level, confidence
    model_versions: dict[str, str] | None = None
    quarantine_reason: str = ""  # set when a moderation label reached the threshold
    refused: str = ""  # Rekognition refused the image (labels only: the outputs are written)

    def summary(self) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
        """The labels and moderation labels as the log line and the event carry them."""
        return (tuple({"name": label["name"], "confidence": round(label["confidence"], 1)}
                      for label in self.labels),
                tuple({"name": label["name"], "confidence": round(label["confidence"], 1)}
                      for label in self.moderation_labels))


def analyse(clients: Any, image: bytes, settings: LabelSettings) -> Analysis:
    """Ask Rekognition what `image` shows and whether it breaks the moderation threshold.

    `clients`: the invocation's aws.clients.Clients (its `rekognition` client per call).

    Throttling and service errors raise (retried by the client, then by Lambda). An image
    Rekognition refuses is permanent: with moderation on, the upload cannot be cleared, so it
    is a PermanentError; with labels only, the refusal is returned and the outputs still go out.
    """
    if len(image) > MAX_IMAGE_BYTES:  # cannot happen at ANALYSIS_BOX; never send it if it does
        return _refused(settings, f"the analysis image is {len(image):,} bytes, over 5 MB")
    labels: tuple[dict, ...] = ()
    moderation: tuple[dict, ...] = ()
    versions: dict[str, str] = {}
    try:
        if settings.labels:
            answer = clients.rekognition.detect_labels(
                Image={"Bytes": image}, MaxLabels=settings.max_labels,
                MinConfidence=settings.min_confidence, Features=["GENERAL_LABELS"])
            labels = tuple(_label(label) for label in answer.get("Labels", ()))
            versions["labels"] = answer.get("LabelModelVersion", "")
        if settings.moderation:
            answer = clients.rekognition.detect_moderation_labels(
                Image={"Bytes": image}, MinConfidence=settings.moderation_min_confidence)
            moderation = tuple(_moderation_label(label)
                               for label in answer.get("ModerationLabels", ()))
            versions["moderation"] = answer.get("ModerationModelVersion", "")
    except ClientError as error:
        details = error.response.get("Error", {})
        if details.get("Code") not in _REFUSALS:
            raise
        return _refused(settings, f"Rekognition refused the image: {details.get('Code')}: "
                                  f"{details.get('Message', '')}")
    flagged = [label for label in moderation
               if label["confidence"] >= settings.moderation_min_confidence]
    reason = ""
    if flagged:
        reason = "moderation: " + ", ".join(
            f"{label['name']} ({label['confidence']:.1f}%)" for label in flagged
        ) + f" at or over MODERATION_MIN_CONFIDENCE {settings.moderation_min_confidence:g}"
    return Analysis(labels=labels, moderation_labels=moderation, model_versions=versions,
                    quarantine_reason=reason)


def sidecar(analysis: Analysis, source: dict[str, str | None],
            analysed_size: tuple[int, int]) -> bytes:
    """The JSON written to `{folder}{stem}-labels.json`."""
    document: dict[str, Any] = {
        "source": {name: value for name, value in source.items() if value},
        "analysed_image": {"size": "{}x{}".format(*analysed_size), "format": "jpeg"},
        "quarantined": bool(analysis.quarantine_reason),
    }
    if analysis.quarantine_reason:
        document["reason"] = analysis.quarantine_reason
    if analysis.refused:
        document["refused"] = analysis.refused
    if analysis.model_versions:
        document["model_versions"] = analysis.model_versions
        if "labels" in analysis.model_versions:
            document["labels"] = list(analysis.labels)
        if "moderation" in analysis.model_versions:
            document["moderation_labels"] = list(analysis.moderation_labels)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _refused(settings: LabelSettings, reason: str) -> Analysis:
    if settings.moderation:
        raise PermanentError(f"{reason}; moderation cannot clear the upload, so no outputs")
    return Analysis(refused=reason)


def _label(label: dict) -> dict:
    return {"name": label.get("Name", ""), "confidence": label.get("Confidence", 0.0),
            "parents": [parent.get("Name", "") for parent in label.get("Parents", ())],
            "categories": [category.get("Name", "") for category in label.get("Categories", ())]}


def _moderation_label(label: dict) -> dict:
    return {"name": label.get("Name", ""), "parent": label.get("ParentName", ""),
            "level": label.get("TaxonomyLevel", 0),
            "confidence": label.get("Confidence", 0.0)}
