"""EventBridge edge of the processed-image event (EVENT_BUS): put one entry, or raise.

What the event says, and which records send one, is the pipeline's (pipeline/announce.py); this
module knows EventBridge's limits and how it answers. A failed PutEvents, an error or an entry
refused in a 200 answer (FailedEntryCount), raises: the caller fails the record, Lambda retries
the event and redoes the (idempotent) work.
"""

from __future__ import annotations

from typing import Any

# EventBridge's limit on one PutEvents entry: Time (14 bytes), Source, DetailType, Detail and
# each of Resources, in UTF-8 bytes (the EventBusName is not counted).
MAX_ENTRY_BYTES = 256 * 1024


class EventNotSent(Exception):
    """Transient: EventBridge refused the entry; a retry of the event sends it again."""


def entry_bytes(entry: dict[str, Any]) -> int:
    """An entry's size as EventBridge counts it against MAX_ENTRY_BYTES."""
    counted = [entry["Source"], entry["DetailType"], entry["Detail"], *entry["Resources"]]
    return 14 + sum(len(text.encode("utf-8")) for text in counted)


def send(client: Any, entry: dict[str, Any]) -> str:
    """Put one entry on its bus; what the record's log line says it did (`event`)."""
    answer = client.put_events(Entries=[entry])
    [put] = answer.get("Entries") or [{}]
    if answer.get("FailedEntryCount") or "EventId" not in put:
        raise EventNotSent(
            f"EventBridge refused the {entry['DetailType']!r} event on {entry['EventBusName']!r}: "
            f"{put.get('ErrorCode', 'no EventId')}: {put.get('ErrorMessage', '')}".rstrip(": ")
        )
    return f"sent: {entry['DetailType']} ({put['EventId']})"
