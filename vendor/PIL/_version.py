# Master version for Pillow
from __future__ import annotations

__version__ = "13.0.0"
