"""``/v1/invoiceitems`` through the stripe SDK: pricing, drafts, updates, deletion, filters, events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import Account, LiveServer


def _one_time(unit_amount: int, currency: str = "usd", name: str = "Setup") -> stripe.Price:
    return stripe.Price.create(unit_amount=unit_amount, currency=currency, product_data={"name": name})


def _events(kind: str) -> list[dict[str, Any]]:
    return [e.to_dict() for e in stripe.Event.list(type=kind, limit=100).data]


def _invalid(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def test_amount_item_is_pending(api: Account) -> None:
    customer = stripe.Customer.create(email="a@example.com")
    item = stripe.InvoiceItem.create(customer=customer.id, amount=1_250, currency="usd", description="Setup fee")
    assert item.to_dict() == stripe.InvoiceItem.retrieve(item.id).to_dict()
    assert (item.amount, item.currency, item.quantity, item.invoice) == (1_250, "usd", 1, None)
    assert item.description == "Setup fee"
    assert item.discountable is True
    assert item.proration is False
    assert item.pricing is None
    start = int(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC).timestamp())
    assert (item.date, item.period.start, item.period.end) == (start, start, start)
    assert [i.id for i in stripe.InvoiceItem.list(customer=customer.id, pending=True).data] == [item.id]


def test_price_times_quantity(api: Account) -> None:
    customer = stripe.Customer.create()
    price = _one_time(1_500)
    item = stripe.InvoiceItem.create(customer=customer.id, pricing={"price": price.id}, quantity=3)
    assert (item.amount, item.currency, item.quantity) == (4_500, "usd", 3)
    pricing = item.to_dict()["pricing"]
    assert pricing == {
        "price_details": {"price": price.id, "product": price.product},
        "type": "price_details",
        "unit_amount_decimal": Decimal(1500),  # the SDK reads decimal strings as Decimal
    }
    # A recurring price can be billed once too.
    monthly = monthly_price(999)
    recurring = stripe.InvoiceItem.create(customer=customer.id, pricing={"price": monthly.id}, quantity=2)
    assert recurring.amount == 1_998


def test_price_data_and_unit_amount_decimal(api: Account) -> None:
    customer = stripe.Customer.create()
    product = stripe.Product.create(name="Consulting")
    inline = stripe.InvoiceItem.create(
        customer=customer.id,
        price_data={"currency": "eur", "product": product.id, "unit_amount": 700},
        quantity=2,
    )
    assert (inline.amount, inline.currency) == (1_400, "eur")
    price_id = inline.to_dict()["pricing"]["price_details"]["price"]
    made = stripe.Price.retrieve(price_id)
    assert (made.active, made.type, made.product) == (False, "one_time", product.id)
    # Decimal unit amounts round half up once, on the total.
    decimal = stripe.InvoiceItem.create(
        customer=customer.id, currency="usd", unit_amount_decimal=Decimal("12.5"), quantity=3
    )
    assert (decimal.amount, decimal.quantity) == (38, 3)


def test_defaults_and_fields(api: Account) -> None:
    customer = stripe.Customer.create()
    credit = stripe.InvoiceItem.create(customer=customer.id, amount=-500, currency="usd")
    assert credit.discountable is False  # negative items are not discounted unless asked
    item = stripe.InvoiceItem.create(
        customer=customer.id,
        amount=100,
        currency="USD",
        discountable=False,
        metadata={"order": "42"},
        period={"start": 1_767_225_600, "end": 1_769_904_000},
    )
    assert item.currency == "usd"
    assert item.discountable is False
    assert item.to_dict()["metadata"] == {"order": "42"}
    assert (item.period.start, item.period.end) == (1_767_225_600, 1_769_904_000)


def test_currency_defaults_to_the_customers(api: Account) -> None:
    blank = stripe.Customer.create()
    assert stripe.InvoiceItem.create(customer=blank.id, amount=100).currency == "usd"  # the account's default
    # A customer's balance fixes their currency.
    euro = stripe.Customer.create()
    stripe.Customer.create_balance_transaction(euro.id, amount=-100, currency="eur")
    assert stripe.InvoiceItem.create(customer=euro.id, amount=100).currency == "eur"


def test_subscription_must_be_the_customers(api: Account) -> None:
    owner = customer_with_card()
    sub = stripe.Subscription.create(customer=owner.id, items=[{"price": monthly_price(1_000).id}])
    item = stripe.InvoiceItem.create(customer=owner.id, amount=300, subscription=sub.id)
    assert item.currency == "usd"
    assert item.to_dict()["parent"] == {
        "subscription_details": {"subscription": sub.id, "subscription_item": None},
        "type": "subscription_details",
    }
    other = stripe.Customer.create()
    error = _invalid(stripe.InvoiceItem.create, customer=other.id, amount=300, currency="usd", subscription=sub.id)
    assert (error.http_status, error.code, error.param) == (400, None, "subscription")
    wrong = _invalid(stripe.InvoiceItem.create, customer=owner.id, amount=1, currency="eur", subscription=sub.id)
    assert wrong.param == "currency"


def test_item_added_to_a_draft_invoice(api: Account) -> None:
    customer = stripe.Customer.create()
    draft = stripe.Invoice.create(customer=customer.id, currency="usd")
    assert draft.total == 0
    first = stripe.InvoiceItem.create(customer=customer.id, amount=1_000, invoice=draft.id)
    second = stripe.InvoiceItem.create(
        customer=customer.id, pricing={"price": _one_time(250).id}, quantity=2, invoice=draft.id
    )
    invoice = stripe.Invoice.retrieve(draft.id)
    assert (invoice.subtotal, invoice.total, invoice.amount_due) == (1_500, 1_500, 1_500)
    lines = invoice.lines.data
    assert [line.amount for line in lines] == [1_000, 500]
    assert [line.to_dict()["parent"]["invoice_item_details"]["invoice_item"] for line in lines] == [first.id, second.id]
    assert first.invoice == draft.id
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []
    assert [i.id for i in stripe.InvoiceItem.list(invoice=draft.id).data] == [second.id, first.id]
    updated = _events("invoice.updated")
    assert [e["data"]["previous_attributes"]["total"] for e in updated] == [1_000, 0]


def test_draft_lines_follow_updates_and_deletes(api: Account) -> None:
    customer = stripe.Customer.create()
    item = stripe.InvoiceItem.create(customer=customer.id, amount=2_000, currency="usd")
    keep = stripe.InvoiceItem.create(customer=customer.id, amount=300, currency="usd")
    draft = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    assert draft.total == 2_300
    stripe.InvoiceItem.modify(item.id, amount=2_500, description="Bigger")
    invoice = stripe.Invoice.retrieve(draft.id)
    assert invoice.total == 2_800
    assert invoice.lines.data[0].description == "Bigger"
    deleted = stripe.InvoiceItem.delete(item.id)
    assert deleted.to_dict() == {"id": item.id, "object": "invoiceitem", "deleted": True}
    invoice = stripe.Invoice.retrieve(draft.id)
    assert invoice.total == 300
    assert [line.amount for line in invoice.lines.data] == [300]
    assert stripe.InvoiceItem.retrieve(keep.id).invoice == draft.id


def test_finalized_items_are_frozen(api: Account) -> None:
    customer = customer_with_card()
    item = stripe.InvoiceItem.create(customer=customer.id, amount=700, currency="usd")
    draft = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    stripe.Invoice.finalize_invoice(draft.id)
    for call, kwargs in [
        (stripe.InvoiceItem.modify, {"amount": 1}),
        (stripe.InvoiceItem.delete, {}),
    ]:
        error = _invalid(call, item.id, **kwargs)
        assert (error.http_status, error.code) == (400, "invoice_not_editable")
    late = _invalid(stripe.InvoiceItem.create, customer=customer.id, amount=1, currency="usd", invoice=draft.id)
    assert (late.code, late.param) == ("invoice_not_editable", "invoice")
    assert stripe.InvoiceItem.retrieve(item.id).amount == 700


def test_update_pending_item(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create()
    price = _one_time(400)
    item = stripe.InvoiceItem.create(customer=customer.id, pricing={"price": price.id}, metadata={"a": "1"})
    assert stripe.InvoiceItem.modify(item.id, quantity=3).amount == 1_200  # the price, three times
    changed = stripe.InvoiceItem.modify(
        item.id,
        description="Three",
        discountable=False,
        metadata={"a": "", "b": "2"},
        period={"start": 1_767_225_600, "end": 1_767_225_600},
    )
    assert (changed.description, changed.discountable) == ("Three", False)
    assert changed.to_dict()["metadata"] == {"b": "2"}
    assert changed.period.start == 1_767_225_600
    flat = stripe.InvoiceItem.modify(item.id, amount=999)
    assert (flat.amount, flat.quantity, flat.pricing) == (999, 1, None)
    assert stripe.InvoiceItem.modify(item.id, quantity=2).amount == 1_998
    decimal = stripe.InvoiceItem.modify(item.id, unit_amount_decimal=Decimal("0.5"), quantity=5)
    assert decimal.amount == 3  # 2.5 rounds half up
    other = _one_time(100, currency="eur")
    error = _invalid(stripe.InvoiceItem.modify, item.id, pricing={"price": other.id})
    assert (error.code, error.param) == (None, "pricing[price]")
    server.clock.advance(dt.timedelta(minutes=1))
    events = _events("invoiceitem.updated")
    assert len(events) == 5
    assert events[-1]["data"]["previous_attributes"] == {
        "amount": 400,
        "net_amount": 400,
        "quantity": 1,
        "quantity_decimal": "1",
    }


def test_delete_pending_item(api: Account) -> None:
    customer = stripe.Customer.create()
    item = stripe.InvoiceItem.create(customer=customer.id, amount=100, currency="usd")
    assert stripe.InvoiceItem.delete(item.id).deleted is True
    for call in (stripe.InvoiceItem.retrieve, stripe.InvoiceItem.delete):
        error = _invalid(call, item.id)
        assert (error.http_status, error.code) == (404, "resource_missing")
    assert stripe.InvoiceItem.list(customer=customer.id).data == []
    assert [e["data"]["object"]["id"] for e in _events("invoiceitem.deleted")] == [item.id]
    assert [e["data"]["object"]["id"] for e in _events("invoiceitem.created")] == [item.id]


def test_list_filters(api: Account, server: LiveServer) -> None:
    alice, bob = stripe.Customer.create(), stripe.Customer.create()
    first = stripe.InvoiceItem.create(customer=alice.id, amount=1, currency="usd")
    server.clock.advance(dt.timedelta(days=1))
    second = stripe.InvoiceItem.create(customer=alice.id, amount=2, currency="usd")
    bobs = stripe.InvoiceItem.create(customer=bob.id, amount=3, currency="usd")
    draft = stripe.Invoice.create(customer=bob.id, pending_invoice_items_behavior="include")

    def ids(**params: Any) -> list[str]:
        return [i.id for i in stripe.InvoiceItem.list(**params).data]

    assert ids() == [bobs.id, second.id, first.id]
    assert ids(customer=alice.id) == [second.id, first.id]
    assert ids(pending=True) == [second.id, first.id]
    assert ids(pending=False) == [bobs.id]
    assert ids(invoice=draft.id) == [bobs.id]
    assert ids(created={"lt": second.date}) == [first.id]
    assert ids(created=first.date) == [first.id]
    assert ids(limit=1, starting_after=bobs.id) == [second.id]
    assert ids(limit=1, ending_before=first.id) == [second.id]
