"""Events: every state change writes one, in the same transaction as the change."""

from billfold.events.service import RecordedEvent, diff, record_event, replace_event_object

__all__ = ["RecordedEvent", "diff", "record_event", "replace_event_object"]
