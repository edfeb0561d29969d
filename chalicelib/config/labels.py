"""What the LABELS setting turns on, and where its answers go: config, read by settings.py
(the environment), outputs.py (no output may take the sidecar's key) and aws/rekognition.py."""

from __future__ import annotations

from dataclasses import dataclass

FEATURES = ("labels", "moderation")
# Rekognition's answers for an upload, next to its outputs in the target bucket.
SIDECAR_TEMPLATE = "{folder}{stem}-labels.json"


@dataclass(frozen=True)
class LabelSettings:
    labels: bool  # DetectLabels
    moderation: bool  # DetectModerationLabels, and quarantine
    max_labels: int = 20  # LABELS_MAX
    min_confidence: float = 70.0  # LABELS_MIN_CONFIDENCE
    moderation_min_confidence: float = 60.0  # MODERATION_MIN_CONFIDENCE: quarantine from here
