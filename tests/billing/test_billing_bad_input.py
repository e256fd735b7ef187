"""Every parameter of every billing endpoint: bad input names its exact code and param.

One set of objects is made per module (and backend); no case changes anything, so the
cases share it. ``@name`` in a case stands for that object's id; ``x_`` objects belong
to another account and must be as missing as ids that never existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe

from tests.billing.bad_input_cases import INVOICE_CASES, ITEM_CASES, VALUE, R, bad, missing
from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import LiveServer

World = dict[str, str]


def _objects(prefix: str = "") -> World:
    customer = customer_with_card()
    price, price2 = monthly_price(1_000, name="Main"), monthly_price(2_000, name="Second")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    stripe.InvoiceItem.create(customer=customer.id, amount=100, currency="usd")
    draft = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
    opened = stripe.Invoice.create(customer=customer.id)
    frozen = stripe.InvoiceItem.create(customer=customer.id, amount=100, invoice=opened.id)
    stripe.Invoice.finalize_invoice(opened.id)
    pending = stripe.InvoiceItem.create(customer=customer.id, amount=100, currency="usd")
    ids = {
        "customer": customer.id,
        "price": price.id,
        "price2": price2.id,
        "sub": sub.id,
        "si": sub["items"].data[0].id,
        "ii": pending.id,
        "ii_open": frozen.id,
        "draft": draft.id,
        "open": opened.id,
        "product": str(price.product),
    }
    return {f"{prefix}{key}": value for key, value in ids.items()}


@pytest.fixture(scope="module")
def world(server: LiveServer) -> Iterator[World]:
    stripe.api_base = server.url
    stripe.max_network_retries = 0
    stripe.api_key = server.new_account().key
    objects = _objects("x_")
    stripe.api_key = server.new_account().key
    objects |= _objects()
    second = stripe.Customer.create()
    other_pm = stripe.PaymentMethod.attach("pm_card_visa", customer=second.id)
    archived = monthly_price(300, name="Old")
    stripe.Price.modify(archived.id, active=False)
    objects |= {
        "customer2": second.id,
        "other_pm": other_pm.id,
        "archived": archived.id,
        "draft2": stripe.Invoice.create(customer=second.id).id,
        "one_time": stripe.Price.create(unit_amount=500, currency="usd", product_data={"name": "Once"}).id,
        "eur_price": monthly_price(1_000, currency="eur", name="Euro").id,
    }
    key = stripe.api_key
    yield objects | {"key": key}
    stripe.api_key = None


@pytest.fixture
def on(world: World, server: LiveServer) -> World:
    stripe.api_base = server.url
    stripe.api_key = world["key"]
    return world


def _fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return world[value[1:]]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


Call = Callable[[World, dict[str, Any]], Any]
CALLS: dict[str, Call] = {
    "ii.create": lambda _w, p: stripe.InvoiceItem.create(**p),
    "ii.modify": lambda w, p: stripe.InvoiceItem.modify(p.pop("id", w["ii"]), **p),
    "ii.delete": lambda w, p: stripe.InvoiceItem.delete(p.pop("id", w["ii"]), **p),
    "ii.retrieve": lambda w, p: stripe.InvoiceItem.retrieve(p.pop("id", w["ii"]), **p),
    "ii.list": lambda _w, p: stripe.InvoiceItem.list(**p),
    "in.create": lambda _w, p: stripe.Invoice.create(**p),
    "in.modify": lambda w, p: stripe.Invoice.modify(p.pop("id", w["draft"]), **p),
    "in.delete": lambda w, p: stripe.Invoice.delete(p.pop("id", w["draft"]), **p),
    "in.retrieve": lambda w, p: stripe.Invoice.retrieve(p.pop("id", w["draft"]), **p),
    "in.list": lambda _w, p: stripe.Invoice.list(**p),
    "in.lines": lambda w, p: stripe.Invoice.list_lines(p.pop("id", w["draft"]), **p),
    "in.search": lambda _w, p: stripe.Invoice.search(**p),
    "in.finalize": lambda w, p: stripe.Invoice.finalize_invoice(p.pop("id", w["draft"]), **p),
    "in.pay": lambda w, p: stripe.Invoice.pay(p.pop("id", w["open"]), **p),
    "in.void": lambda w, p: stripe.Invoice.void_invoice(p.pop("id", w["open"]), **p),
    "in.uncollectible": lambda w, p: stripe.Invoice.mark_uncollectible(p.pop("id", w["open"]), **p),
    "in.send": lambda w, p: stripe.Invoice.send_invoice(p.pop("id", w["open"]), **p),
    "si.create": lambda _w, p: stripe.SubscriptionItem.create(**p),
    "si.modify": lambda w, p: stripe.SubscriptionItem.modify(p.pop("id", w["si"]), **p),
    "si.delete": lambda w, p: stripe.SubscriptionItem.delete(p.pop("id", w["si"]), **p),
    "si.retrieve": lambda w, p: stripe.SubscriptionItem.retrieve(p.pop("id", w["si"]), **p),
    "si.list": lambda _w, p: stripe.SubscriptionItem.list(**p),
    "sub.search": lambda _w, p: stripe.Subscription.search(**p),
    "sub.resume": lambda w, p: stripe.Subscription.resume(p.pop("id", w["sub"]), **p),
    "sub.list": lambda _w, p: stripe.Subscription.list(**p),
}

SI = {"subscription": "@sub", "price": "@price2"}
UNSUPPORTED_SI = ["billing_thresholds", "current_trial", "discounts", "tax_rates"]
RECURRING = {"interval": "month"}

SUBSCRIPTION_CASES: list[R] = [
    # -- adding a subscription item --
    bad("si.create", {**SI, "colour": "red"}, "parameter_unknown", "colour"),
    bad("si.create", {**SI, "off_session": True}, "parameter_unknown", "off_session"),
    bad("si.create", {"price": "@price2"}, "parameter_missing", "subscription"),
    bad("si.create", {**SI, "subscription": ""}, "parameter_invalid_empty", "subscription"),
    missing("si.create", {**SI, "subscription": "sub_missing"}, "subscription"),
    missing("si.create", {**SI, "subscription": "@x_sub"}, "subscription"),
    bad("si.create", {"subscription": "@sub"}, "parameter_missing", "price"),
    missing("si.create", {**SI, "price": "price_missing"}, "price"),
    missing("si.create", {**SI, "price": "@x_price"}, "price"),
    bad("si.create", {**SI, "price": "@price"}, None, "price"),
    bad("si.create", {**SI, "price": "@one_time"}, None, "price"),
    bad("si.create", {**SI, "price": "@eur_price"}, None, "price"),
    bad("si.create", {**SI, "price": "@archived"}, None, "price"),
    bad("si.create", {**SI, "price": "p" * 5001}, "parameter_invalid_string_too_long", "price"),
    missing("si.create", {"subscription": "@sub", "plan": "plan_missing"}, "plan"),
    bad("si.create", {**SI, "plan": "@price2"}, "parameters_exclusive", "plan"),
    bad(
        "si.create",
        {"subscription": "@sub", "price_data": {"currency": "usd", "product": "@product"}},
        "parameter_missing",
        "price_data[recurring]",
    ),
    bad(
        "si.create",
        {
            "subscription": "@sub",
            "price_data": {"currency": "usd", "product": "@product", "recurring": {"interval": "fortnight"}},
        },
        "parameter_invalid_enum",
        "price_data[recurring][interval]",
    ),
    bad(
        "si.create",
        {
            "subscription": "@sub",
            "price_data": {"currency": "xyz", "product": "@product", "recurring": RECURRING, "unit_amount": 1},
        },
        None,
        "price_data[currency]",
    ),
    missing(
        "si.create",
        {
            "subscription": "@sub",
            "price_data": {"currency": "usd", "product": "@x_product", "recurring": RECURRING, "unit_amount": 1},
        },
        "price_data[product]",
    ),
    bad("si.create", {**SI, "quantity": "x"}, "parameter_invalid_integer", "quantity"),
    bad("si.create", {**SI, "quantity": -1}, "parameter_invalid_integer", "quantity"),
    bad("si.create", {**SI, "metadata": "x"}, "parameter_invalid_object", "metadata"),
    bad("si.create", {**SI, "proration_behavior": "sometimes"}, "parameter_invalid_enum", "proration_behavior"),
    bad("si.create", {**SI, "proration_date": "x"}, "parameter_invalid_integer", "proration_date"),
    bad("si.create", {**SI, "proration_date": 1}, None, "proration_date"),
    bad("si.create", {**SI, "payment_behavior": "x"}, "parameter_invalid_enum", "payment_behavior"),
    bad("si.create", {**SI, "payment_behavior": "pending_if_incomplete"}, None, "payment_behavior"),
    *[bad("si.create", {**SI, name: VALUE.get(name, {"usage_gte": 1})}, None, name) for name in UNSUPPORTED_SI],
    # -- updating, deleting, retrieving and listing subscription items --
    bad("si.modify", {"colour": "red"}, "parameter_unknown", "colour"),
    bad("si.modify", {"subscription": "@sub"}, "parameter_unknown", "subscription"),
    missing("si.modify", {"price": "price_missing"}, "price"),
    bad("si.modify", {"price": "@one_time"}, None, "price"),
    bad("si.modify", {"quantity": -1}, "parameter_invalid_integer", "quantity"),
    bad("si.modify", {"metadata": "x"}, "parameter_invalid_object", "metadata"),
    bad("si.modify", {"proration_behavior": "x"}, "parameter_invalid_enum", "proration_behavior"),
    bad("si.modify", {"proration_date": "x"}, "parameter_invalid_integer", "proration_date"),
    bad("si.modify", {"payment_behavior": "x"}, "parameter_invalid_enum", "payment_behavior"),
    bad("si.modify", {"off_session": "x"}, "parameter_invalid_boolean", "off_session"),
    *[bad("si.modify", {name: VALUE.get(name, {"usage_gte": 1})}, None, name) for name in UNSUPPORTED_SI],
    missing("si.modify", {"id": "si_missing", "quantity": 2}, "item"),
    missing("si.modify", {"id": "@x_si", "quantity": 2}, "item"),
    bad("si.delete", {"colour": "red"}, "parameter_unknown", "colour"),
    bad("si.delete", {"proration_behavior": "x"}, "parameter_invalid_enum", "proration_behavior"),
    bad("si.delete", {"proration_date": "x"}, "parameter_invalid_integer", "proration_date"),
    bad("si.delete", {"clear_usage": "x"}, "parameter_invalid_boolean", "clear_usage"),
    bad("si.delete", {"payment_behavior": "x"}, "parameter_invalid_enum", "payment_behavior"),
    bad("si.delete", {}, None, None),  # the last item cannot go
    missing("si.delete", {"id": "@x_si"}, "item"),
    bad("si.retrieve", {"colour": "red"}, "parameter_unknown", "colour"),
    missing("si.retrieve", {"id": "si_missing"}, "item"),
    missing("si.retrieve", {"id": "@x_si"}, "item"),
    bad("si.list", {}, "parameter_missing", "subscription"),
    bad("si.list", {"subscription": ""}, "parameter_invalid_empty", "subscription"),
    missing("si.list", {"subscription": "@x_sub"}, "subscription"),
    bad("si.list", {"subscription": "@sub", "limit": 0}, "parameter_invalid_integer", "limit"),
    bad("si.list", {"subscription": "@sub", "colour": "red"}, "parameter_unknown", "colour"),
    # -- subscriptions: search, resume, list filters --
    bad("sub.search", {}, "parameter_missing", "query"),
    bad("sub.search", {"query": "email:'x'"}, None, "query"),
    bad("sub.search", {"query": "status:'gone'"}, None, "query"),
    bad("sub.search", {"query": "created>'x'"}, None, "query"),
    bad("sub.search", {"query": "status~'act'"}, None, "query"),
    bad("sub.search", {"query": "status:'active'", "limit": 101}, "parameter_invalid_integer", "limit"),
    bad("sub.search", {"query": "status:'active'", "page": "junk"}, None, "page"),
    bad("sub.search", {"query": "status:'active'", "colour": "red"}, "parameter_unknown", "colour"),
    bad("sub.resume", {}, None, None),  # active, not paused
    bad("sub.resume", {"colour": "red"}, "parameter_unknown", "colour"),
    bad("sub.resume", {"billing_cycle_anchor": "now"}, "parameter_invalid_object", "billing_cycle_anchor"),
    bad(
        "sub.resume",
        {"billing_cycle_anchor": {"type": "later"}},
        "parameter_invalid_enum",
        "billing_cycle_anchor[type]",
    ),
    bad("sub.resume", {"billing_cycle_anchor": {"kind": "now"}}, "parameter_unknown", "billing_cycle_anchor[kind]"),
    bad("sub.resume", {"proration_behavior": "x"}, "parameter_invalid_enum", "proration_behavior"),
    bad("sub.resume", {"proration_date": "x"}, "parameter_invalid_integer", "proration_date"),
    bad("sub.resume", {"payment_behavior": "allow_incomplete"}, "parameter_invalid_enum", "payment_behavior"),
    missing("sub.resume", {"id": "sub_missing"}, "subscription"),
    missing("sub.resume", {"id": "@x_sub"}, "subscription"),
    bad("sub.list", {"price": ""}, "parameter_invalid_empty", "price"),
    bad("sub.list", {"status": "gone"}, "parameter_invalid_enum", "status"),
]

ALL = ITEM_CASES + INVOICE_CASES + SUBSCRIPTION_CASES


@pytest.mark.parametrize("case", ALL, ids=[f"{c[0]}-{'-'.join(c[1]) or 'none'}-{n}" for n, c in enumerate(ALL)])
def test_bad_input(on: World, case: R) -> None:
    call, params, status, code, param = case
    with pytest.raises(stripe.StripeError) as err:
        CALLS[call](on, _fill(params, on))
    error = err.value
    assert isinstance(error, stripe.InvalidRequestError), error
    assert (error.http_status, error.code, error.param) == (status, code, param), error.user_message
    assert error.user_message
