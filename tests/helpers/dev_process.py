"""`make dev` in a process of its own, its console read as a developer reads it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3

from tests.helpers.ports import free_port


class DevProcess:
    """`python -m devtools.dev` in `project`, on a free port, with one worker."""

    def __init__(self, project: Path, *arguments: str, port: int | None = None,
                 choose_renditions_port: bool = False):
        """`choose_renditions_port`: let make dev pick it (port + 1, which may be taken)."""
        self.port = port or free_port()
        if "--renditions-port" not in arguments and not choose_renditions_port:
            arguments = ("--renditions-port", str(free_port()), *arguments)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name in ("AWS_ENDPOINT_URL", "TRIGGER"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.dev", "--port", str(self.port), "--workers", "1",
             *arguments],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout),
                                        daemon=True)
        self._reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        """The index of the first console line from `after` on that contains `text`."""
        deadline = time.monotonic() + timeout
        while True:
            for index, line in enumerate(list(self.lines)[after:], start=after):
                if text in line:
                    return index
            assert self.process.poll() is None, f"make dev ended:\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output}"
            time.sleep(0.1)

    def s3(self):
        return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.port}",
                            aws_access_key_id="local", aws_secret_access_key="local",
                            region_name="us-east-1")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return code
