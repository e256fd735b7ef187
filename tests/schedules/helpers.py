"""Driving schedules through time as the worker and test clocks do, and reading the results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import stripe
from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Subscription, SubscriptionSchedule
from billfold.payments import get_gateway
from billfold.schedules import advance_schedule
from billfold.subscriptions.renewal import advance_subscription
from tests.support import Account, LiveServer

UTC = dt.UTC
# The SDK's typed parameters refuse what these tests send (bad input on purpose, and
# ``iterations``, which its current types no longer list), so schedules are driven untyped.
Schedule: Any = stripe.SubscriptionSchedule


def at(text: str) -> dt.datetime:
    """A fixed UTC instant."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def unix(text: str) -> int:
    """Unix seconds of a fixed UTC instant."""
    return int(at(text).timestamp())


def renew(server: LiveServer, account: Account, sub_id: str) -> int:
    """What the worker does for a subscription with a renewal due."""
    with server.database.unit_of_work() as session:
        sub = session.scalars(select(Subscription).where(Subscription.id == sub_id)).one()
        ctx = Ctx(session, account.id, server.clock, public_base_url=server.url)
        return advance_subscription(ctx, get_gateway(), sub)


def advance(server: LiveServer, account: Account, schedule_id: str) -> int:
    """What the worker and test clocks do for a schedule with something due."""
    with server.database.unit_of_work() as session:
        schedule = session.scalars(select(SubscriptionSchedule).where(SubscriptionSchedule.id == schedule_id)).one()
        ctx = Ctx(session, account.id, server.clock, public_base_url=server.url)
        return advance_schedule(ctx, get_gateway(), schedule)


def latest_invoice(sub: stripe.Subscription) -> stripe.Invoice:
    """The subscription's latest invoice."""
    assert isinstance(sub.latest_invoice, str)
    return stripe.Invoice.retrieve(sub.latest_invoice)


def invoice_totals(sub_id: str) -> list[int]:
    """The subscription's invoice totals, oldest first."""
    return [i.total for i in reversed(stripe.Invoice.list(subscription=sub_id, limit=100).data)]


def event_types(object_id: str) -> list[str]:
    """Types of the events about ``object_id``, oldest first."""
    events = stripe.Event.list(limit=100).data
    return [e.type for e in reversed(events) if e.data.object.to_dict().get("id") == object_id]


def fails(call: Callable[[], Any], status: int, code: str | None, param: str | None) -> None:
    """``call`` fails with exactly this status, code and param."""
    with pytest.raises(stripe.InvalidRequestError) as err:
        call()
    assert (err.value.http_status, err.value.code, err.value.param) == (status, code, param), err.value.user_message


def create(customer: str, phases: list[dict[str, Any]], **extra: Any) -> Any:
    """A schedule for ``customer`` starting now (unless ``extra`` says otherwise)."""
    return Schedule.create(customer=customer, phases=phases, **{"start_date": "now", **extra})
