"""``/v1/subscription_items``, ``/v1/subscriptions/search``, ``resume`` and the list filters, through the SDK.

The clock starts at 2026-01-15 12:00 UTC: the first monthly period is 31 days, so prices
of 3_100 and 6_200 make one day worth exactly 100 and 200.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe
from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Subscription
from billfold.payments import get_gateway
from billfold.subscriptions.renewal import advance_subscription
from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import Account, LiveServer


def _invalid(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _subscribe(*prices: stripe.Price, **params: Any) -> stripe.Subscription:
    customer = customer_with_card()
    return stripe.Subscription.create(customer=customer.id, items=[{"price": p.id} for p in prices], **params)


def _pending(customer: str) -> list[int]:
    return sorted(i.amount for i in stripe.InvoiceItem.list(customer=customer, pending=True).data)


def test_create_item_prorates_like_an_update(api: Account, server: LiveServer) -> None:
    sub = _subscribe(monthly_price(3_100, name="Base"))
    server.clock.advance(dt.timedelta(days=10))  # 21 of 31 days remain
    seats = monthly_price(6_200, name="Seats")
    item = stripe.SubscriptionItem.create(subscription=sub.id, price=seats.id, quantity=2, metadata={"k": "v"})
    assert (item.object, item.subscription, item.quantity, item.price.id) == ("subscription_item", sub.id, 2, seats.id)
    assert item.metadata.to_dict() == {"k": "v"}
    assert item.to_dict() == stripe.SubscriptionItem.retrieve(item.id).to_dict()
    assert _pending(str(sub.customer)) == [2 * 4_200]
    assert len(stripe.Subscription.retrieve(sub.id)["items"].data) == 2
    assert "customer.subscription.updated" in [e.type for e in stripe.Event.list(limit=5).data]


def test_create_item_invoiced_now_or_not_at_all(api: Account, server: LiveServer) -> None:
    sub = _subscribe(monthly_price(3_100))
    server.clock.advance(dt.timedelta(days=10))
    stripe.SubscriptionItem.create(subscription=sub.id, price=monthly_price(3_100).id, proration_behavior="none")
    assert _pending(str(sub.customer)) == []
    stripe.SubscriptionItem.create(
        subscription=sub.id,
        price_data={
            "currency": "usd",
            "product": stripe.Product.create(name="Extra").id,
            "recurring": {"interval": "month"},
            "unit_amount": 6_200,
        },
        proration_behavior="always_invoice",
    )
    latest = stripe.Invoice.retrieve(str(stripe.Subscription.retrieve(sub.id).latest_invoice))
    assert (latest.total, latest.status, latest.billing_reason) == (4_200, "paid", "subscription_update")


def test_proration_date(api: Account, server: LiveServer) -> None:
    sub = _subscribe(monthly_price(3_100))
    server.clock.advance(dt.timedelta(days=10))
    at = int(server.clock.now().timestamp()) + 10 * 86_400  # as if 11 days remained
    stripe.SubscriptionItem.create(subscription=sub.id, price=monthly_price(3_100).id, proration_date=at)
    assert _pending(str(sub.customer)) == [1_100]


def test_update_item(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    sub = _subscribe(basic)
    item = sub["items"].data[0]
    server.clock.advance(dt.timedelta(days=10))
    updated = stripe.SubscriptionItem.modify(item.id, price=pro.id, metadata={"tier": "pro"})
    assert (updated.id, updated.price.id, updated.metadata.to_dict()) == (item.id, pro.id, {"tier": "pro"})
    assert _pending(str(sub.customer)) == [-2_100, 4_200]
    more = stripe.SubscriptionItem.modify(item.id, quantity=3, proration_behavior="none", off_session=True)
    assert more.quantity == 3
    assert _pending(str(sub.customer)) == [-2_100, 4_200]


def test_delete_item(api: Account, server: LiveServer) -> None:
    sub = _subscribe(monthly_price(3_100), monthly_price(6_200))
    first, second = sub["items"].data
    server.clock.advance(dt.timedelta(days=10))
    deleted = stripe.SubscriptionItem.delete(second.id, proration_behavior="create_prorations", clear_usage=True)
    assert deleted.to_dict() == {"id": second.id, "object": "subscription_item", "deleted": True}
    assert _pending(str(sub.customer)) == [-4_200]
    assert [i.id for i in stripe.Subscription.retrieve(sub.id)["items"].data] == [first.id]
    error = _invalid(stripe.SubscriptionItem.retrieve, second.id)
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "item")
    last = _invalid(stripe.SubscriptionItem.delete, first.id)
    assert (last.http_status, last.param) == (400, None)


def test_list_items(api: Account) -> None:
    prices = [monthly_price(100 * n) for n in range(1, 4)]
    sub = _subscribe(*prices)
    listed = stripe.SubscriptionItem.list(subscription=sub.id)
    assert [i.price.id for i in listed.data] == [p.id for p in prices]  # oldest first, as embedded
    assert listed.url == "/v1/subscription_items"
    page = stripe.SubscriptionItem.list(subscription=sub.id, limit=2)
    assert page.has_more is True
    rest = stripe.SubscriptionItem.list(subscription=sub.id, starting_after=page.data[-1].id)
    assert [i.id for i in page.data + rest.data] == [i.id for i in listed.data]
    error = _invalid(stripe.SubscriptionItem.list, subscription="sub_missing")
    assert (error.http_status, error.param) == (404, "subscription")


def test_item_errors_name_this_endpoints_params(api: Account) -> None:
    price = monthly_price(1_000)
    sub = _subscribe(price)
    duplicate = _invalid(stripe.SubscriptionItem.create, subscription=sub.id, price=price.id)
    assert (duplicate.code, duplicate.param) == (None, "price")
    yearly = monthly_price(1_000, interval="year")
    mismatch = _invalid(stripe.SubscriptionItem.create, subscription=sub.id, price=yearly.id)
    assert mismatch.param == "price"
    missing = _invalid(stripe.SubscriptionItem.create, subscription=sub.id)
    assert (missing.code, missing.param) == ("parameter_missing", "price")
    bad_currency = _invalid(
        stripe.SubscriptionItem.create,
        subscription=sub.id,
        price_data={"currency": "xyz", "product": price.product, "recurring": {"interval": "month"}, "unit_amount": 1},
    )
    assert bad_currency.param == "price_data[currency]"
    pending = _invalid(
        stripe.SubscriptionItem.create,
        subscription=sub.id,
        price=monthly_price(5).id,
        payment_behavior="pending_if_incomplete",
    )
    assert pending.param == "payment_behavior"


def _pause(server: LiveServer, account: Account, price: stripe.Price) -> stripe.Subscription:
    """A subscription whose trial ended without a payment method (paused, as the worker leaves it)."""
    customer = stripe.Customer.create(email="later@example.com")
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": price.id}],
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": "pause"}},
    )
    server.clock.advance(dt.timedelta(days=10))
    with server.database.unit_of_work() as session:
        row = session.scalars(select(Subscription).where(Subscription.id == sub.id)).one()
        advance_subscription(Ctx(session, account.id, server.clock, public_base_url=server.url), get_gateway(), row)
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    paused = stripe.Subscription.retrieve(sub.id)
    assert paused.status == "paused"
    return paused


def test_resume_starts_a_new_period(api: Account, server: LiveServer) -> None:
    paused = _pause(server, api, monthly_price(3_100))
    resumed = stripe.Subscription.resume(paused.id)
    now = int(server.clock.now().timestamp())
    assert (resumed.status, resumed.billing_cycle_anchor) == ("active", now)
    assert resumed["items"].data[0].current_period_start == now
    invoice = stripe.Invoice.retrieve(str(resumed.latest_invoice))
    assert (invoice.total, invoice.status) == (3_100, "paid")
    event = stripe.Event.list(type="customer.subscription.resumed").data[0].to_dict()
    assert event["data"]["object"]["status"] == "active"
    assert event["data"]["previous_attributes"]["status"] == "paused"
    again = _invalid(stripe.Subscription.resume, paused.id)
    assert (again.http_status, again.code, again.param) == (400, None, None)


def test_resume_keeping_the_cycle(api: Account, server: LiveServer) -> None:
    paused = _pause(server, api, monthly_price(3_100))
    anchor = paused.billing_cycle_anchor
    resumed = stripe.Subscription.resume(paused.id, billing_cycle_anchor={"type": "unchanged"})
    assert (resumed.status, resumed.billing_cycle_anchor) == ("active", anchor)
    assert resumed["items"].data[0].current_period_start == anchor
    assert _pending(str(paused.customer)) == [2_800]  # 28 of 31 days left in the period from the trial's end


def test_resume_without_prorations_or_invoiced_at_once(api: Account, server: LiveServer) -> None:
    quiet = _pause(server, api, monthly_price(3_100))
    stripe.Subscription.resume(quiet.id, billing_cycle_anchor={"type": "unchanged"}, proration_behavior="none")
    assert _pending(str(quiet.customer)) == []
    server.clock.set(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC))
    billed = _pause(server, api, monthly_price(3_100))
    resumed = stripe.Subscription.resume(
        billed.id,
        billing_cycle_anchor={"type": "unchanged"},
        proration_behavior="always_invoice",
    )
    assert stripe.Invoice.retrieve(str(resumed.latest_invoice)).total == 2_800


def test_resume_on_payment_success_undoes_a_failed_resume(api: Account, server: LiveServer) -> None:
    paused = _pause(server, api, monthly_price(3_100))
    failing = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=str(paused.customer))
    stripe.Customer.modify(str(paused.customer), invoice_settings={"default_payment_method": failing.id})
    with pytest.raises(stripe.CardError):
        stripe.Subscription.resume(paused.id, payment_behavior="resume_on_payment_success")
    assert stripe.Subscription.retrieve(paused.id).status == "paused"
    attempted = stripe.Subscription.resume(paused.id)
    assert attempted.status == "past_due"


def test_search_subscriptions(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000)
    first = _subscribe(price, metadata={"plan": "gold"})
    server.clock.advance(dt.timedelta(days=1))
    second = _subscribe(price, metadata={"plan": "silver"})
    trial = _subscribe(price, trial_period_days=3)
    stripe.Subscription.cancel(second.id)

    def found(query: str, **params: Any) -> list[str]:
        result = stripe.Subscription.search(query=query, **params)
        assert result.to_dict()["object"] == "search_result"
        return [s.id for s in result.data]

    assert found("status:'active'") == [first.id]
    assert found("status:'canceled' OR status:'trialing'") == [trial.id, second.id]
    assert found(f"customer:'{first.customer}'") == [first.id]
    assert found("metadata['plan']:'gold'") == [first.id]
    assert found("-metadata['plan']:'gold'") == [trial.id, second.id]
    assert found(f"created>{first.created} AND -status:'canceled'") == [trial.id]
    page = stripe.Subscription.search(query=f"created>={first.created}", limit=2, expand=["total_count"])
    assert (page.has_more, page.to_dict()["total_count"]) == (True, 3)
    rest = stripe.Subscription.search(query=f"created>={first.created}", limit=2, page=page.next_page)
    assert ([s.id for s in rest.data], rest.has_more) == ([first.id], False)
    assert rest.next_page is None
    walked = stripe.Subscription.search(query=f"created>={first.created}", limit=1).auto_paging_iter()
    assert [s.id for s in walked] == [trial.id, second.id, first.id]


def test_list_by_price_and_status(api: Account) -> None:
    cheap, dear = monthly_price(100), monthly_price(900)
    one, two = _subscribe(cheap), _subscribe(dear)
    gone = _subscribe(cheap)
    stripe.Subscription.cancel(gone.id)

    def ids(**params: Any) -> list[str]:
        return [s.id for s in stripe.Subscription.list(**params).data]

    assert ids() == [two.id, one.id]
    assert ids(price=cheap.id) == [one.id]
    assert ids(price=cheap.id, status="all") == [gone.id, one.id]
    assert ids(status="ended") == [gone.id]
    assert ids(status="canceled") == [gone.id]
    assert ids(status="all") == [gone.id, two.id, one.id]
