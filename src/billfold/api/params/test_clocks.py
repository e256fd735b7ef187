"""Request models for ``/v1/test_helpers/test_clocks``."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from billfold.api.params.base import Expand, ListParams, Params, Text, Timestamp

__all__ = ["ClockAdvance", "ClockCreate", "ClockDelete", "ClockList", "ClockRetrieve"]

Text300 = Annotated[Text, StringConstraints(max_length=300)]


class ClockCreate(Params):
    frozen_time: Timestamp
    name: Text300 | None = None
    expand: Expand = None


class ClockAdvance(Params):
    frozen_time: Timestamp
    expand: Expand = None


class ClockRetrieve(Params):
    expand: Expand = None


class ClockDelete(Params):
    pass


class ClockList(ListParams):
    pass
