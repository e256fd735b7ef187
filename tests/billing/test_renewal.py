"""Renewals driven by the clock, through the domain function the worker will call.

The subscription is made through the stripe SDK; time is moved on the server's clock
and ``advance_subscription`` is run as the worker would run it.
"""

from __future__ import annotations

import datetime as dt

import stripe
from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Subscription
from billfold.payments import get_gateway
from billfold.subscriptions.renewal import advance_subscription
from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import Account, LiveServer

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def run_due(server: LiveServer, account: Account, sub_id: str) -> int:
    with server.database.unit_of_work() as session:
        sub = session.scalars(select(Subscription).where(Subscription.id == sub_id)).one()
        ctx = Ctx(session, account.id, server.clock, public_base_url=server.url)
        return advance_subscription(ctx, get_gateway(), sub)


def cycle_totals(sub_id: str) -> list[int]:
    invoices = stripe.Invoice.list(subscription=sub_id, limit=100).data
    return [i.total for i in reversed(invoices)]


def test_month_end_anchor_renews_through_february(api: Account, server: LiveServer) -> None:
    server.clock.set(at("2024-01-31T10:00:00"))
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(3_000).id}])
    server.clock.set(at("2024-02-29T10:00:00"))  # clamped to February's last day
    assert run_due(server, api, sub.id) == 1
    server.clock.set(at("2024-03-31T10:00:00"))  # and back to the 31st
    assert run_due(server, api, sub.id) == 1
    item = stripe.Subscription.retrieve(sub.id)["items"].data[0]
    assert (item.current_period_start, item.current_period_end) == (
        int(at("2024-03-31T10:00:00").timestamp()),
        int(at("2024-04-30T10:00:00").timestamp()),
    )
    assert cycle_totals(sub.id) == [3_000, 3_000, 3_000]
    assert run_due(server, api, sub.id) == 0  # nothing more is due: a rerun bills nothing


def test_catching_up_several_periods_bills_each_once(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    server.clock.advance(dt.timedelta(days=95))  # three boundaries passed
    assert run_due(server, api, sub.id) == 3
    assert cycle_totals(sub.id) == [1_000] * 4
    reasons = [i.billing_reason for i in stripe.Invoice.list(subscription=sub.id).data]
    assert reasons.count("subscription_cycle") == 3


def test_cancel_at_period_end_ends_instead_of_renewing(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    stripe.Subscription.modify(sub.id, cancel_at_period_end=True)
    server.clock.advance(dt.timedelta(days=40))
    run_due(server, api, sub.id)
    ended = stripe.Subscription.retrieve(sub.id)
    assert ended.status == "canceled"
    assert ended.ended_at == sub["items"].data[0].current_period_end
    assert cycle_totals(sub.id) == [1_000]


def test_trial_converts_and_bills(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": monthly_price(1_000).id}],
        trial_period_days=7,
    )
    server.clock.advance(dt.timedelta(days=7))
    run_due(server, api, sub.id)
    after = stripe.Subscription.retrieve(sub.id)
    assert after.status == "active"
    assert cycle_totals(sub.id) == [0, 1_000]


def test_trial_without_payment_method_pauses_when_asked(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create(email="nocard@example.com")
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": monthly_price(1_000).id}],
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": "pause"}},
    )
    server.clock.advance(dt.timedelta(days=8))
    run_due(server, api, sub.id)
    assert stripe.Subscription.retrieve(sub.id).status == "paused"


def test_failed_renewal_makes_past_due(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    failing = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=customer.id)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    server.clock.advance(dt.timedelta(days=31))
    run_due(server, api, sub.id)
    assert stripe.Subscription.retrieve(sub.id).status == "past_due"


def test_incomplete_expires_after_23_hours(api: Account, server: LiveServer) -> None:
    customer = customer_with_card("pm_card_chargeCustomerFail")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    assert sub.status == "incomplete"
    server.clock.advance(dt.timedelta(hours=22))
    run_due(server, api, sub.id)
    assert stripe.Subscription.retrieve(sub.id).status == "incomplete"
    server.clock.advance(dt.timedelta(hours=1))
    run_due(server, api, sub.id)
    expired = stripe.Subscription.retrieve(sub.id)
    assert expired.status == "incomplete_expired"
    assert stripe.Invoice.retrieve(str(expired.latest_invoice)).status == "void"
