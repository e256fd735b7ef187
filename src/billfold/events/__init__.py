"""Events: every state change writes one, in the same transaction as the change."""

from billfold.events.service import diff, record_event

__all__ = ["diff", "record_event"]
