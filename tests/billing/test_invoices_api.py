"""``/v1/invoices`` through the stripe SDK: drafts made by hand, their lifecycle, balances, lines, filters."""

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

DAY = 86_400


def _invalid(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _types() -> list[str]:
    return [e.type for e in stripe.Event.list(limit=100).data]


def _draft(customer: stripe.Customer, *amounts: int, **params: Any) -> stripe.Invoice:
    """A draft holding one item per amount."""
    invoice = stripe.Invoice.create(customer=customer.id, **params)
    for amount in amounts:
        stripe.InvoiceItem.create(customer=customer.id, amount=amount, currency=invoice.currency, invoice=invoice.id)
    return stripe.Invoice.retrieve(invoice.id)


def test_create_draft_defaults(api: Account) -> None:
    customer = stripe.Customer.create(invoice_settings={"footer": "Thanks!"})
    pending = stripe.InvoiceItem.create(customer=customer.id, amount=500, currency="usd")
    draft = stripe.Invoice.create(customer=customer.id)
    assert draft.to_dict() == stripe.Invoice.retrieve(draft.id).to_dict()
    assert (draft.status, draft.billing_reason, draft.collection_method) == ("draft", "manual", "charge_automatically")
    assert (draft.auto_advance, draft.number, draft.currency, draft.footer) == (False, None, "usd", "Thanks!")
    assert (draft.total, draft.lines.data, draft.due_date) == (0, [], None)
    assert draft.hosted_invoice_url is None
    assert stripe.InvoiceItem.retrieve(pending.id).invoice is None  # excluded by default
    included = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    assert included.total == 500
    assert stripe.InvoiceItem.retrieve(pending.id).invoice == included.id
    assert _types().count("invoice.created") == 2


def test_create_with_options(api: Account) -> None:
    customer = customer_with_card()
    method = customer.invoice_settings.default_payment_method if customer.invoice_settings else None
    assert isinstance(method, str)
    draft = stripe.Invoice.create(
        customer=customer.id,
        auto_advance=True,
        collection_method="send_invoice",
        days_until_due=14,
        description="January work",
        footer="Pay within two weeks",
        metadata={"job": "7"},
        currency="eur",
        default_payment_method=method,
    )
    assert (draft.auto_advance, draft.collection_method, draft.currency) == (True, "send_invoice", "eur")
    assert draft.due_date == draft.created + 14 * DAY
    assert (draft.description, draft.footer, draft.default_payment_method) == (
        "January work",
        "Pay within two weeks",
        method,
    )
    assert draft.to_dict()["metadata"] == {"job": "7"}
    due = stripe.Invoice.create(customer=customer.id, collection_method="send_invoice", due_date=draft.created + DAY)
    assert due.due_date == draft.created + DAY


def test_create_for_a_subscription(api: Account) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000, "gbp").id}])
    stripe.InvoiceItem.create(customer=customer.id, amount=250, subscription=sub.id)
    draft = stripe.Invoice.create(customer=customer.id, subscription=sub.id, pending_invoice_items_behavior="include")
    assert (draft.currency, draft.total, draft.billing_reason) == ("gbp", 250, "manual")
    assert draft.to_dict()["parent"]["subscription_details"]["subscription"] == sub.id
    assert [i.id for i in stripe.Invoice.list(subscription=sub.id, status="draft").data] == [draft.id]
    other = stripe.Customer.create()
    error = _invalid(stripe.Invoice.create, customer=other.id, subscription=sub.id)
    assert (error.http_status, error.param) == (400, "subscription")


def test_update_draft(api: Account) -> None:
    customer = customer_with_card()
    draft = _draft(customer, 1_000)
    method = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    updated = stripe.Invoice.modify(
        draft.id,
        description="Fixed",
        footer="Bye",
        metadata={"a": "1"},
        auto_advance=True,
        default_payment_method=method.id,
        collection_method="send_invoice",
        days_until_due=10,
    )
    assert (updated.description, updated.footer, updated.auto_advance) == ("Fixed", "Bye", True)
    assert (updated.collection_method, updated.due_date) == ("send_invoice", draft.created + 10 * DAY)
    assert updated.default_payment_method == method.id
    assert stripe.Invoice.modify(draft.id, due_date=draft.created + 3 * DAY).due_date == draft.created + 3 * DAY
    back = stripe.Invoice.modify(draft.id, collection_method="charge_automatically")
    assert (back.collection_method, back.due_date) == ("charge_automatically", None)
    event = stripe.Event.list(type="invoice.updated", limit=1).data[0].to_dict()
    assert event["data"]["previous_attributes"] == {
        "collection_method": "send_invoice",
        "due_date": draft.created + 3 * DAY,
    }


def test_update_after_finalizing(api: Account) -> None:
    customer = customer_with_card()
    draft = _draft(customer, 1_000, collection_method="send_invoice", days_until_due=30)
    stripe.Invoice.finalize_invoice(draft.id)
    changed = stripe.Invoice.modify(draft.id, description="Still editable", metadata={"k": "v"}, auto_advance=True)
    assert (changed.description, changed.auto_advance) == ("Still editable", True)
    for field, value in [("collection_method", "charge_automatically"), ("days_until_due", 3), ("due_date", 2**31)]:
        error = _invalid(stripe.Invoice.modify, draft.id, **{field: value})
        assert (error.http_status, error.code, error.param) == (400, "invoice_not_editable", field)
    stripe.Invoice.void_invoice(draft.id)
    error = _invalid(stripe.Invoice.modify, draft.id, auto_advance=False)
    assert (error.code, error.param) == ("invoice_not_editable", "auto_advance")
    assert stripe.Invoice.modify(draft.id, footer="void but noted").footer == "void but noted"


def test_delete_draft(api: Account) -> None:
    customer = stripe.Customer.create()
    item = stripe.InvoiceItem.create(customer=customer.id, amount=400, currency="usd")
    draft = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    deleted = stripe.Invoice.delete(draft.id)
    assert deleted.to_dict() == {"id": draft.id, "object": "invoice", "deleted": True}
    assert stripe.InvoiceItem.retrieve(item.id).invoice is None  # back to pending
    for call in (stripe.Invoice.retrieve, stripe.Invoice.delete):
        error = _invalid(call, draft.id)
        assert (error.http_status, error.code) == (404, "resource_missing")
    assert stripe.Invoice.list(customer=customer.id).data == []
    assert "invoice.deleted" in _types()


def test_only_manual_drafts_can_be_deleted(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    finalized = _draft(customer, 100)
    stripe.Invoice.finalize_invoice(finalized.id)
    error = _invalid(stripe.Invoice.delete, finalized.id)
    assert (error.http_status, error.code, error.param) == (400, "invoice_not_editable", None)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    stripe.Subscription.modify(sub.id, pause_collection={"behavior": "keep_as_draft"})
    server.clock.advance(dt.timedelta(days=32))
    with server.database.unit_of_work() as session:
        row = session.scalars(select(Subscription).where(Subscription.id == sub.id)).one()
        advance_subscription(Ctx(session, api.id, server.clock, public_base_url=server.url), get_gateway(), row)
    cycle = stripe.Invoice.list(subscription=sub.id, status="draft").data[0]
    error = _invalid(stripe.Invoice.delete, cycle.id)
    assert (error.code, error.param) == ("invoice_not_editable", None)


def test_numbering_per_customer_without_gaps(api: Account) -> None:
    alice = customer_with_card(invoice_prefix="ALICE")
    bob = customer_with_card(invoice_prefix="BOBBY")
    first = _draft(alice, 100)
    stripe.Invoice.delete(_draft(alice, 200).id)  # a deleted draft takes no number
    second = _draft(alice, 300)
    bobs = _draft(bob, 400)
    numbers = [stripe.Invoice.finalize_invoice(i.id).number for i in (second, bobs, first)]
    assert numbers == ["ALICE-0001", "BOBBY-0001", "ALICE-0002"]
    events = stripe.Event.list(type="invoice.finalized").data
    assert len(events) == 3


def test_pay_success_and_decline(api: Account) -> None:
    customer = customer_with_card("pm_card_chargeCustomerFail")
    invoice = stripe.Invoice.finalize_invoice(_draft(customer, 2_500).id)
    assert (invoice.status, invoice.amount_due, invoice.attempt_count) == ("open", 2_500, 0)
    with pytest.raises(stripe.CardError) as err:
        stripe.Invoice.pay(invoice.id)
    assert (err.value.http_status, err.value.code) == (402, "card_declined")
    assert err.value.error is not None
    assert err.value.error.decline_code == "generic_decline"
    failed = stripe.Invoice.retrieve(invoice.id)
    assert (failed.status, failed.attempt_count, failed.attempted) == ("open", 1, True)
    assert "invoice.payment_failed" in _types()  # kept although the request failed
    good = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    paid = stripe.Invoice.pay(invoice.id, payment_method=good.id)
    assert (paid.status, paid.amount_paid, paid.amount_remaining, paid.attempt_count) == ("paid", 2_500, 0, 2)
    assert {"invoice.paid", "invoice.payment_succeeded"} <= set(_types())
    again = _invalid(stripe.Invoice.pay, invoice.id)
    assert again.code == "status_transition_invalid"


def test_paid_out_of_band(api: Account) -> None:
    customer = stripe.Customer.create()
    invoice = stripe.Invoice.finalize_invoice(_draft(customer, 900).id)
    paid = stripe.Invoice.pay(invoice.id, paid_out_of_band=True)
    assert (paid.status, paid.amount_paid, paid.attempted) == ("paid", 900, False)


def test_void_uncollectible_and_send(api: Account) -> None:
    customer = stripe.Customer.create()
    voided = stripe.Invoice.void_invoice(stripe.Invoice.finalize_invoice(_draft(customer, 100).id).id)
    assert voided.status == "void"
    assert voided.status_transitions.voided_at is not None
    bad = stripe.Invoice.create(customer=customer.id, collection_method="send_invoice", days_until_due=5)
    stripe.InvoiceItem.create(customer=customer.id, amount=700, currency="usd", invoice=bad.id)
    opened = stripe.Invoice.finalize_invoice(bad.id)
    assert opened.due_date == opened.created + 5 * DAY
    assert stripe.Invoice.send_invoice(bad.id).status == "open"
    assert "invoice.sent" in _types()
    lost = stripe.Invoice.mark_uncollectible(bad.id)
    assert lost.status == "uncollectible"
    assert stripe.Invoice.pay(bad.id, paid_out_of_band=True).status == "paid"
    auto = stripe.Invoice.finalize_invoice(_draft(customer, 100).id)
    error = _invalid(stripe.Invoice.send_invoice, auto.id)
    assert error.param == "collection_method"
    assert _invalid(stripe.Invoice.void_invoice, voided.id).code == "status_transition_invalid"


def test_credit_larger_than_the_invoice(api: Account) -> None:
    customer = stripe.Customer.create()
    stripe.Customer.create_balance_transaction(customer.id, amount=-5_000, currency="usd")
    invoice = stripe.Invoice.finalize_invoice(_draft(customer, 2_000).id)
    assert (invoice.total, invoice.amount_due, invoice.status) == (2_000, 0, "paid")
    assert (invoice.starting_balance, invoice.ending_balance) == (-5_000, -3_000)
    assert stripe.Customer.retrieve(customer.id).balance == -3_000
    applied = stripe.Customer.list_balance_transactions(customer.id, limit=1).data[0]
    assert (applied.type, applied.amount, applied.invoice) == ("applied_to_invoice", 2_000, invoice.id)


def test_balance_owed_is_added(api: Account) -> None:
    customer = customer_with_card()
    stripe.Customer.create_balance_transaction(customer.id, amount=500, currency="usd")
    invoice = stripe.Invoice.finalize_invoice(_draft(customer, 1_000).id)
    assert (invoice.total, invoice.amount_due, invoice.amount_remaining) == (1_000, 1_500, 1_500)
    assert (invoice.starting_balance, invoice.ending_balance) == (500, 0)
    assert stripe.Invoice.pay(invoice.id).amount_paid == 1_500
    assert stripe.Customer.retrieve(customer.id).balance == 0


def test_lines_pagination(api: Account) -> None:
    customer = stripe.Customer.create()
    invoice = _draft(customer, *range(1, 16))
    assert [line.amount for line in invoice.lines.data] == list(range(1, 11))
    assert (invoice.lines.has_more, invoice.lines.url) == (True, f"/v1/invoices/{invoice.id}/lines")
    page = stripe.Invoice.list_lines(invoice.id, limit=5)
    pages = [[line.amount for line in page.data]]
    while page.has_more:
        page = stripe.Invoice.list_lines(invoice.id, limit=5, starting_after=page.data[-1].id)
        pages.append([line.amount for line in page.data])
    assert pages == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]]
    last = stripe.Invoice.list_lines(invoice.id, limit=100).data
    back = stripe.Invoice.list_lines(invoice.id, limit=5, ending_before=last[10].id)
    assert ([line.amount for line in back.data], back.has_more) == ([6, 7, 8, 9, 10], True)
    first = stripe.Invoice.list_lines(invoice.id, limit=5, ending_before=last[5].id)
    assert ([line.amount for line in first.data], first.has_more) == ([1, 2, 3, 4, 5], False)
    walked = [line.amount for line in stripe.Invoice.list_lines(invoice.id, limit=4).auto_paging_iter()]
    assert walked == list(range(1, 16))


def test_list_filters(api: Account, server: LiveServer) -> None:
    alice, bob = stripe.Customer.create(), stripe.Customer.create()
    a1 = _draft(alice, 100)
    server.clock.advance(dt.timedelta(days=1))
    a2 = stripe.Invoice.finalize_invoice(_draft(alice, 200, collection_method="send_invoice", days_until_due=3).id)
    b1 = _draft(bob, 300)

    def ids(**params: Any) -> list[str]:
        return [i.id for i in stripe.Invoice.list(**params).data]

    assert ids() == [b1.id, a2.id, a1.id]
    assert ids(customer=alice.id) == [a2.id, a1.id]
    assert ids(status="draft") == [b1.id, a1.id]
    assert ids(collection_method="send_invoice") == [a2.id]
    assert ids(created={"lt": a2.created}) == [a1.id]
    assert ids(due_date={"gt": 0}) == [a2.id]
    assert ids(limit=1, starting_after=b1.id) == [a2.id]


def test_search_invoices(api: Account, server: LiveServer) -> None:
    alice = customer_with_card(invoice_prefix="SRCH")
    bob = stripe.Customer.create()
    small = stripe.Invoice.finalize_invoice(_draft(alice, 500, metadata={"region": "north"}).id)
    server.clock.advance(dt.timedelta(days=1))
    big = _draft(alice, 5_000, metadata={"region": "south"}, currency="eur")
    sub = stripe.Subscription.create(
        customer=bob.id, items=[{"price": monthly_price(1_000).id}], collection_method="send_invoice", days_until_due=3
    )
    first = str(sub.latest_invoice)

    def found(query: str) -> list[str]:
        result = stripe.Invoice.search(query=query)
        assert result.to_dict()["object"] == "search_result"
        return [i.id for i in result.data]

    assert found(f"customer:'{alice.id}'") == [big.id, small.id]
    assert found("status:'draft'") == [big.id]
    assert found("status:'open' OR status:'draft'") == [first, big.id, small.id]
    assert found(f"subscription:'{sub.id}'") == [first]
    assert found("total>1000") == [big.id]
    assert found("total>=500 AND total<=1000") == [first, small.id]
    assert found("-total:1000") == [big.id, small.id]
    assert found("number:'SRCH-0001'") == [small.id]
    assert found("number~'RCH-0'") == [small.id]
    assert found("metadata['region']:'north'") == [small.id]
    assert found("-metadata['region']:'north'") == [first, big.id]
    assert found("currency:'EUR'") == [big.id]
    assert found(f"created<{big.created} AND status:'open'") == [small.id]
    page = stripe.Invoice.search(query="total>0", limit=2, expand=["total_count"])
    assert (page.has_more, page.to_dict()["total_count"]) == (True, 3)
    rest = stripe.Invoice.search(query="total>0", limit=2, page=page.next_page)
    assert [i.id for i in page.data + rest.data] == [first, big.id, small.id]
    assert rest.next_page is None
