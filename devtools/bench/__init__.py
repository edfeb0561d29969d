"""`make bench`: our renderer against the AWS-tutorial Pillow code and libvips, side by side.

Why: chalicelib/image/render.py does more than the tutorial most users start from (orientation,
colour profiles, odd modes, shrink-on-load), and it should not pay for that in time, memory or
quality; libvips is the fast reference point. One run measures all three on the same images, the
same box (1280x720) and the same JPEG quality (85):

- render time: a warm-up round, then interleaved rounds; median ms per image and MP/s;
- peak memory: a fresh process per (method, image): VmHWM growth over the VmRSS before rendering;
- quality: output bytes, and the mean absolute error against a full-resolution Lanczos reference;
- a whole S3 event through the handler on the embedded local S3, and its overhead over rendering;
- whole events at a real S3 round-trip time (latency_case.py): every S3 request delayed by each
  RTT of --rtt (0, 30 and 80 ms; 30 with --quick) beside loopback, one thumbnail and four outputs
  per event, ours (the real handler) against libvips and the tutorial-style code making their
  own requests; p50/p95, where the time goes, ours' peak memory per event, billed GB-s;
- cold start: `import app` against `import boto3; boto3.client("s3")` in fresh interpreters.

Results go to a printed table, JSON (build/bench/results.json) and charts. Only a full run on
the generated set replaces the committed charts, docs/bench.png, bench-outputs.png and
bench-latency.png; a run on --images DIR writes its charts beside its JSON unless --chart names a
path. `--quick` is the CI smoke mode: small images,
one round, every part still exercised, everything under build/bench/quick/.
"""

from devtools.bench.cli import METHODS, main, parse_args

__all__ = ["METHODS", "main", "parse_args"]
