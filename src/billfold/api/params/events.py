"""Request models for ``/v1/events``."""

from __future__ import annotations

from pydantic import Field

from billfold.api.params.base import Created, Expand, FormList, ListParams, Params, Text

__all__ = ["EventList", "EventRetrieve"]


class EventList(ListParams):
    created: Created | None = None
    # Accepted so the error can say why it is unsupported (there are no webhooks yet).
    delivery_success: bool | None = None
    type: Text | None = None
    types: FormList[Text] | None = Field(default=None, max_length=20)


class EventRetrieve(Params):
    expand: Expand = None
