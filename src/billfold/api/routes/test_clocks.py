"""``/v1/test_helpers/test_clocks``."""

from __future__ import annotations

from typing import Any

from billfold.api.listing import paginate
from billfold.api.params.test_clocks import ClockAdvance, ClockCreate, ClockDelete, ClockList, ClockRetrieve
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import TestClock
from billfold.objects import deleted_object
from billfold.objects.test_clock import OBJECT, clock_object
from billfold.payments import get_gateway
from billfold.test_clocks import get_test_clock
from billfold.test_clocks.service import (
    advance_test_clock,
    create_test_clock,
    delete_test_clock,
    list_test_clocks_query,
)

router = ApiRouter("Test clocks")
_BASE = "/v1/test_helpers/test_clocks"


@router.post(_BASE, ClockCreate, "Create a test clock", OBJECT)
def create(ctx: Ctx, params: ClockCreate) -> dict[str, Any]:
    return clock_object(create_test_clock(ctx, params.given()))


@router.get(_BASE, ClockList, "List all test clocks", "list")
def list_(ctx: Ctx, params: ClockList) -> dict[str, Any]:
    return paginate(
        ctx,
        TestClock,
        list_test_clocks_query(ctx),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=clock_object,
        url=_BASE,
        kind="test_clock",
    )


@router.get(_BASE + "/{test_clock}", ClockRetrieve, "Retrieve a test clock", OBJECT)
def retrieve(ctx: Ctx, params: ClockRetrieve, test_clock: str) -> dict[str, Any]:
    return clock_object(get_test_clock(ctx, test_clock))


@router.delete(_BASE + "/{test_clock}", ClockDelete, "Delete a test clock", "deleted_test_clock")
def delete(ctx: Ctx, params: ClockDelete, test_clock: str) -> dict[str, Any]:
    return deleted_object(OBJECT, delete_test_clock(ctx, test_clock))


@router.post(_BASE + "/{test_clock}/advance", ClockAdvance, "Advance a test clock", OBJECT)
def advance(ctx: Ctx, params: ClockAdvance, test_clock: str) -> dict[str, Any]:
    return clock_object(advance_test_clock(ctx, get_gateway(), test_clock, params.frozen_time))
