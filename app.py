"""Chalice wiring only: one Lambda function per upload suffix, all running the same code.

S3 suffix filters are literal and case-sensitive, and Chalice takes one suffix per decorator,
so .jpg, .jpeg, .png and their upper-case forms each get a function. Lambda finds a handler as
`app.<function __name__>`, so each one is also a module attribute under that name. Each gets
the raw event even when Chalice could not parse it (see chalicelib/chalice_s3.py).
Each also subscribes to ObjectRemoved and LifecycleExpiration (delete sync) unless
DELETE_OUTPUTS=false: read at import, like SOURCE_BUCKET, because the event types are part of
the S3 notification.
TRIGGER=eventbridge (read at import too) registers instead ONE function, thumbnail_eventbridge,
on an EventBridge rule matching S3's Object Created (and Deleted) events for every extension the
pipeline reads, in any letter case (chalicelib/events.py eventbridge_pattern); the source bucket
must send its events to EventBridge (`make buckets` turns that on).
`batch` is the S3 Batch Operations function (`make batch-backfill`): same pipeline, its own
policy (.chalice/policy-<stage>-batch.json).
"""

from chalice import Chalice

from chalicelib.pipeline.batch import handle_batch
from chalicelib.aws.chalice_events import tolerate_malformed_cw_events, tolerate_malformed_events
from chalicelib.aws.events import eventbridge_pattern
from chalicelib.config.keys import supported_extensions, upload_suffixes
from chalicelib.config.settings import delete_outputs, source_bucket, trigger
from chalicelib.pipeline.record import handle_event

app = Chalice(app_name="thumbnailer")
# Lifecycle expirations are not ObjectRemoved events: a family of their own, subscribed too.
EVENTS = ["s3:ObjectCreated:*",
          *(["s3:ObjectRemoved:*", "s3:LifecycleExpiration:*"] if delete_outputs() else [])]


def handler_name(suffix: str) -> str:
    """.jpg -> thumbnail_jpg, .JPG -> thumbnail_jpg_upper (IAM role names ignore case)."""
    extension = suffix.lstrip(".")
    return f"thumbnail_{extension.lower()}" + ("_upper" if extension.isupper() else "")


def _register(suffix: str):
    def handler(event):
        return handle_event(event.to_dict(), event.context)

    handler.__name__ = handler.__qualname__ = handler_name(suffix)
    return tolerate_malformed_events(app.on_s3_event(
        bucket=source_bucket(), events=list(EVENTS), suffix=suffix
    )(handler))


EVENTBRIDGE_HANDLER = "thumbnail_eventbridge"

if trigger() == "eventbridge":
    def _on_eventbridge(event):
        return handle_event(event.to_dict(), event.context)

    _on_eventbridge.__name__ = _on_eventbridge.__qualname__ = EVENTBRIDGE_HANDLER
    globals()[EVENTBRIDGE_HANDLER] = tolerate_malformed_cw_events(app.on_cw_event(
        eventbridge_pattern(source_bucket(), supported_extensions(), delete_outputs()),
        name=EVENTBRIDGE_HANDLER,
    )(_on_eventbridge))
else:
    for _suffix in upload_suffixes():
        globals()[handler_name(_suffix)] = _register(_suffix)


@app.lambda_function(name="batch")
def batch(event, context):
    return handle_batch(event, context)
