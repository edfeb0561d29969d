"""devtools/latency.py's LatencyProxy, counting requests by method, in this process or its own.

Why a process of its own: the proxy reads and writes every body (a 5 MB GetObject, four
PutObjects) in Python, so in the interpreter being timed its threads would take the GIL from
the handler; real S3 costs the function only the wait. The child (`main`, given UPSTREAM and
DELAY_S) prints its URL, then answers each line on stdin with its counts as JSON, and stops when
stdin closes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from typing import Self

from devtools.latency import LatencyProxy
from devtools.stage import PROJECT_DIR


class CountingLatencyProxy(LatencyProxy):
    """A LatencyProxy that also counts requests per HTTP method (GET, PUT, HEAD...)."""

    def __init__(self, upstream: str, delay_s: float = 0.03):
        self.by_method: Counter[str] = Counter()
        super().__init__(upstream, delay_s)

    def _handler_class(self):
        forwarding, proxy = super()._handler_class(), self

        class Counting(forwarding):
            def _counted(self):
                with proxy._lock:
                    proxy.by_method[self.command] += 1
                forwarding._handle(self)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _counted

        return Counting

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self.by_method)


class ThreadProxy:
    """The proxy in this process (its threads share this interpreter's GIL)."""

    kind = "thread"

    def __init__(self, upstream: str, delay_s: float):
        self._proxy = CountingLatencyProxy(upstream, delay_s)

    @property
    def url(self) -> str:
        return self._proxy.url

    def counts(self) -> dict[str, int]:
        return self._proxy.counts()

    def __enter__(self) -> Self:
        self._proxy.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._proxy.__exit__(*exc_info)


class ProcessProxy:
    """The proxy in a child process: the same interface as ThreadProxy."""

    kind = "process"

    def __init__(self, upstream: str, delay_s: float):
        self.upstream, self.delay_s = upstream, delay_s
        self.url = ""
        self._process: subprocess.Popen | None = None

    def counts(self) -> dict[str, int]:
        self._process.stdin.write("counts\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD_PROGRAM, self.upstream, str(self.delay_s)],
            cwd=PROJECT_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self._process.kill()
            raise RuntimeError(f"latency proxy process did not start (said {self.url!r})")
        return self

    def __exit__(self, *exc_info) -> None:
        self._process.stdin.close()  # the child's signal to stop
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()


PROXY_KINDS = {"process": ProcessProxy, "thread": ThreadProxy}
# Not `-m devtools.bench.proxy_process`: the package imports this module before runpy would.
_CHILD_PROGRAM = ("import sys; from devtools.bench.proxy_process import main; "
                  "sys.exit(main(sys.argv[1:]))")


def main(argv: list[str]) -> int:
    upstream, delay_s = argv[0], float(argv[1])
    with CountingLatencyProxy(upstream, delay_s) as proxy:
        print(proxy.url, flush=True)
        for _ in sys.stdin:
            print(json.dumps(proxy.counts()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
