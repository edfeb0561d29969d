"""The backup copy's bucket (BACKUP_BUCKET) in the tests."""

from __future__ import annotations

BACKUP = "thumbnailer-dev-backup"
