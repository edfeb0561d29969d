"""Hand a Chalice S3 handler the raw event, even one that Chalice's S3Event cannot parse.

Chalice wraps an `@app.on_s3_event` function in an EventSourceHandler, which builds an S3Event
before calling the function, and S3Event's constructor reads `Records[0].s3.bucket.name` and
`.object.key`. An s3:TestEvent, an empty Records list or a record without `s3` or `object` make
it raise (KeyError, IndexError) before our code runs: an error Lambda retries although no retry
can help. The lenient event class keeps the raw event and leaves `bucket` and `key` empty
instead, and handle_event skips such an event with a logged reason. The function stays
registered as the S3 event source (`chalice deploy`/`package` emit the notification) under the
same handler string, app.<name>.

TRIGGER=eventbridge: `@app.on_cw_event` wraps the function the same way, building a
CloudWatchEvent that reads `version`, `id`, `detail`, ... and raises KeyError on an event
without them; LenientCloudWatchEvent keeps the raw event for handle_event to skip instead.
"""

from __future__ import annotations

from typing import Any

from chalice.app import CloudWatchEvent, EventSourceHandler, S3Event


class LenientS3Event(S3Event):
    """Chalice's S3Event, without the crash on events that carry no S3 record."""

    def _extract_attributes(self, event_dict: Any) -> None:
        try:
            super()._extract_attributes(event_dict)
        except (KeyError, IndexError, TypeError):
            self.bucket = self.key = ""


def tolerate_malformed_events(registered: Any) -> Any:
    """The handler `app.on_s3_event(...)` returned, now building LenientS3Event; same object."""
    if not isinstance(registered, EventSourceHandler) or registered.event_class is not S3Event:
        raise TypeError(
            "expected the EventSourceHandler that Chalice's on_s3_event returns, building an "
            f"S3Event; got {registered!r} (has Chalice changed how it wraps S3 handlers?)"
        )
    registered.event_class = LenientS3Event
    return registered


class LenientCloudWatchEvent(CloudWatchEvent):
    """Chalice's CloudWatchEvent, without the crash on an event that lacks its envelope."""

    def _extract_attributes(self, event_dict: Any) -> None:
        try:
            super()._extract_attributes(event_dict)
        except (KeyError, IndexError, TypeError):
            self.detail = {}


def tolerate_malformed_cw_events(registered: Any) -> Any:
    """The handler `app.on_cw_event(...)` returned, now building LenientCloudWatchEvent."""
    if not isinstance(registered, EventSourceHandler) or registered.event_class is not (
            CloudWatchEvent):
        raise TypeError(
            "expected the EventSourceHandler that Chalice's on_cw_event returns, building a "
            f"CloudWatchEvent; got {registered!r} (has Chalice changed how it wraps them?)"
        )
    registered.event_class = LenientCloudWatchEvent
    return registered
