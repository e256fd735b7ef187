"""The clock of a customer on a test clock, and a context that runs on it.

Objects of a customer created with ``test_clock=clock_…`` live at that clock's
``frozen_time``: creating, updating or cancelling their subscriptions, and everything
the clock's advance runs, read the time from the clock's row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from billfold.clock import Clock
from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Customer, TestClock

__all__ = ["TestClockTime", "clock_for_customer", "get_test_clock", "on_test_clock"]


class TestClockTime:
    """A :class:`~billfold.clock.Clock` that reads a test clock's ``frozen_time`` (as it moves)."""

    __test__ = False  # not a pytest test class, whatever its name
    __slots__ = ("row",)

    def __init__(self, row: TestClock) -> None:
        self.row = row

    def now(self) -> dt.datetime:
        """The clock's frozen time."""
        return self.row.frozen_time


def get_test_clock(ctx: Ctx, clock_id: str, *, param: str | None = "test_clock", for_update: bool = False) -> TestClock:
    """A test clock of this account, or 404 naming ``param``."""
    stmt = select(TestClock).where(TestClock.account_id == ctx.account_id, TestClock.id == clock_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = ctx.session.scalars(stmt).one_or_none()
    if row is None:
        raise ResourceMissingError("test_clock", clock_id, param=param)
    return row


def on_test_clock(ctx: Ctx, clock_id: str | None) -> Ctx:
    """``ctx`` itself, or (for an object on test clock ``clock_id``) a copy whose clock is that test clock."""
    if clock_id is None:
        return ctx
    if isinstance(ctx.clock, TestClockTime) and ctx.clock.row.id == clock_id:
        return ctx
    row = get_test_clock(ctx, clock_id)
    return Ctx(
        ctx.session,
        ctx.account_id,
        TestClockTime(row),
        ctx.request_id,
        ctx.idempotency_key,
        ctx.api_version,
        ctx.public_base_url,
    )


def clock_for_customer(ctx: Ctx, customer: Customer) -> Clock:
    """The clock ``customer``'s objects follow: its test clock's, else ``ctx.clock``."""
    return on_test_clock(ctx, customer.test_clock_id).clock
