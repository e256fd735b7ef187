"""Events: every state change writes one, in the same transaction as the change."""

from billfold.events.service import (
    EVENT_COLUMNS,
    RecordedEvent,
    diff,
    event_row,
    record_event,
    replace_event_object,
)

__all__ = ["EVENT_COLUMNS", "RecordedEvent", "diff", "event_row", "record_event", "replace_event_object"]
