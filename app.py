"""Chalice wiring only: which Lambda functions exist, on which events, calling which code.

TRIGGER=s3 (the default): S3 suffix filters are literal and case-sensitive, and Chalice takes
one suffix per decorator, so .jpg, .jpeg, .png and their upper-case forms each get a function
(HANDLERS below), all running the same code, each subscribed to ObjectCreated and, with delete
sync (DELETE_OUTPUTS, on by default), ObjectRemoved and LifecycleExpiration (S3 counts
lifecycle expirations apart). Lambda finds a handler as `app.<function __name__>`, so each is
also a module attribute under that name.
TRIGGER=eventbridge: ONE function, thumbnail_eventbridge, on an EventBridge rule matching S3's
Object Created (and Deleted) events for every extension the pipeline reads, in any letter case
(chalicelib/aws/events.py eventbridge_pattern); the source bucket must send its events to
EventBridge (`make buckets` turns that on).
`batch` is the S3 Batch Operations function (`make batch-backfill`): same pipeline, its own
policy (.chalice/policy-<stage>-batch.json). `renditions` makes outputs declared with
`when = "request"` behind a function URL (docs/renditions.md), with its own policy
(.chalice/policy-<stage>-renditions.json).

SOURCE_BUCKET, DELETE_OUTPUTS and TRIGGER are read at import: they shape the event sources.
`chalice deploy` and Lambda set them; a test that imports this module with nothing set gets the
dev stage's from .chalice/config.json (chalicelib/config/stage.py). Each handler gets the raw
event even when Chalice could not parse it (chalicelib/aws/chalice_events.py).
"""

import os
from pathlib import Path

from chalice import Chalice

from chalicelib.aws.chalice_events import tolerate_malformed_cw_events, tolerate_malformed_events
from chalicelib.aws.events import eventbridge_pattern
from chalicelib.config.keys import supported_extensions, upload_suffixes
from chalicelib.config.settings import delete_outputs, source_bucket, trigger
from chalicelib.config.stage import import_environment
from chalicelib.pipeline.batch import handle_batch
from chalicelib.pipeline.handler import handle_event
from chalicelib.pipeline.renditions import handle_request

app = Chalice(app_name="thumbnailer")
_environment = import_environment(Path(__file__).resolve().parent, os.environ)
# Lifecycle expirations are not ObjectRemoved events: a family of their own, subscribed too.
EVENTS = ["s3:ObjectCreated:*",
          *(["s3:ObjectRemoved:*", "s3:LifecycleExpiration:*"] if delete_outputs(_environment)
            else [])]

# TRIGGER=s3: the function for each suffix, by name (IAM role names ignore case, hence _upper).
HANDLERS = {
    ".jpg": "thumbnail_jpg",
    ".jpeg": "thumbnail_jpeg",
    ".png": "thumbnail_png",
    ".JPG": "thumbnail_jpg_upper",
    ".JPEG": "thumbnail_jpeg_upper",
    ".PNG": "thumbnail_png_upper",
}
if set(HANDLERS) != set(upload_suffixes()):
    raise RuntimeError(f"HANDLERS names {sorted(HANDLERS)}, the S3 mode reads "
                       f"{sorted(upload_suffixes())}: give every suffix a function")
EVENTBRIDGE_HANDLER = "thumbnail_eventbridge"


def _on_s3_event(name: str, suffix: str):
    def handler(event):
        return handle_event(event.to_dict(), event.context)

    handler.__name__ = handler.__qualname__ = name
    return tolerate_malformed_events(app.on_s3_event(
        bucket=source_bucket(_environment), events=list(EVENTS), suffix=suffix)(handler))


def _on_eventbridge_event(name: str):
    def handler(event):
        return handle_event(event.to_dict(), event.context)

    handler.__name__ = handler.__qualname__ = name
    pattern = eventbridge_pattern(source_bucket(_environment), supported_extensions(),
                                  delete_outputs(_environment))
    return tolerate_malformed_cw_events(app.on_cw_event(pattern, name=name)(handler))


if trigger(_environment) == "eventbridge":
    globals()[EVENTBRIDGE_HANDLER] = _on_eventbridge_event(EVENTBRIDGE_HANDLER)
else:
    for _suffix, _name in HANDLERS.items():
        globals()[_name] = _on_s3_event(_name, _suffix)


@app.lambda_function(name="batch")
def batch(event, context):
    return handle_batch(event, context)


@app.lambda_function(name="renditions")
def renditions(event, context):
    return handle_request(event, context)
