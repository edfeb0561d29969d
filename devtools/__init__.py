"""Tooling that runs on a developer's machine (local S3 loop, demo). Never deployed."""
