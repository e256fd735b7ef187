"""Billing objects have Stripe's current shapes, and every registered ``expand[]`` field expands.

Shapes are checked on the raw JSON the server sends (the SDK turns decimal strings
into ``Decimal``), for objects in the states that fill different fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import stripe

from tests.api.http import client
from tests.billing.helpers import customer_with_card, monthly_price
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _get(http: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _scenario(server: LiveServer) -> dict[str, str]:
    """A discounted subscription changed mid-period, plus a manual draft: every kind of billing object."""
    customer = customer_with_card()
    stripe.Customer.create_balance_transaction(customer.id, amount=-100, currency="usd")  # used by the first invoice
    coupon = stripe.Coupon.create(percent_off=10, duration="forever")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="TENOFF")
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": basic.id}],
        discounts=[{"promotion_code": promo.id}],
    )
    server.clock.advance(dt.timedelta(days=10))
    stripe.Subscription.modify(
        sub.id,
        items=[{"id": sub["items"].data[0].id, "price": pro.id}],
        proration_behavior="always_invoice",
    )
    stripe.Subscription.modify(sub.id, items=[{"id": sub["items"].data[0].id, "quantity": 2}])  # pending prorations
    trialing = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}], trial_period_days=5)
    stripe.Subscription.cancel(trialing.id)
    item = stripe.InvoiceItem.create(customer=customer.id, amount=-300, currency="usd", subscription=sub.id)
    priced = stripe.InvoiceItem.create(customer=customer.id, pricing={"price": pro.id}, quantity=2)
    draft = stripe.Invoice.create(
        customer=customer.id,
        pending_invoice_items_behavior="include",
        collection_method="send_invoice",
        days_until_due=7,
    )
    return {
        "customer": customer.id,
        "sub": sub.id,
        "canceled": trialing.id,
        "item": item.id,
        "priced": priced.id,
        "draft": draft.id,
        "coupon": coupon.id,
        "promo": promo.id,
        "pro": pro.id,
        "pm": str(customer.invoice_settings.default_payment_method if customer.invoice_settings else ""),
    }


def test_every_billing_object_has_stripes_shape(server: LiveServer, api: Account) -> None:
    ids = _scenario(server)
    with client(server, api) as http:
        subs = [_get(http, f"/v1/subscriptions/{ids[k]}") for k in ("sub", "canceled")]
        invoices = _get(http, "/v1/invoices", customer=ids["customer"], limit=100)["data"]
        assert {i["billing_reason"] for i in invoices} == {"subscription_create", "subscription_update", "manual"}
        lines = [line for i in invoices for line in _get(http, f"/v1/invoices/{i['id']}/lines", limit=100)["data"]]
        items = _get(http, "/v1/invoiceitems", customer=ids["customer"], limit=100)["data"]
        discounts = _get(http, f"/v1/subscriptions/{ids['sub']}", **{"expand[]": "discounts"})["discounts"]
        checked: list[tuple[dict[str, Any], str]] = [
            *[(s, "Subscription") for s in subs],
            *[(i, "SubscriptionItem") for s in subs for i in s["items"]["data"]],
            *[(i, "Invoice") for i in invoices],
            *[(line, "InvoiceLineItem") for line in lines],
            *[(i, "InvoiceItem") for i in items],
            *[(d, "Discount") for d in discounts],
            (_get(http, f"/v1/payment_methods/{ids['pm']}"), "PaymentMethod"),
        ]
    kinds = {line["parent"]["type"] for line in lines}
    assert kinds == {"invoice_item_details", "subscription_item_details"}
    assert any(
        line["parent"]["subscription_item_details"]["proration"]
        for line in lines
        if line["parent"]["subscription_item_details"]
    )
    assert {i["proration"] for i in items} == {True, False}
    assert discounts
    for obj, shape in checked:
        assert shape_problems(obj, shape) == [], (shape, obj["id"])


def test_deleted_and_search_shapes(api: Account) -> None:
    customer = stripe.Customer.create()
    item = stripe.InvoiceItem.create(customer=customer.id, amount=1, currency="usd")
    assert stripe.InvoiceItem.delete(item.id).to_dict() == {"id": item.id, "object": "invoiceitem", "deleted": True}
    draft = stripe.Invoice.create(customer=customer.id)
    result = stripe.Invoice.search(query=f"customer:'{customer.id}'").to_dict()
    assert set(result) == {"object", "data", "has_more", "next_page", "url"}
    assert (result["object"], result["url"], result["data"][0]["id"]) == (
        "search_result",
        "/v1/invoices/search",
        draft.id,
    )


def _expanded(obj: stripe.StripeObject) -> dict[str, Any]:
    return obj.to_dict()


def test_expand_subscription_fields(server: LiveServer, api: Account) -> None:
    ids = _scenario(server)
    sub = _expanded(
        stripe.Subscription.retrieve(
            ids["sub"],
            expand=[
                "customer",
                "latest_invoice",
                "default_payment_method",
                "discounts.source.coupon",
                "discounts.promotion_code",
                "discounts.customer",
                "items.data.price.product",
            ],
        )
    )
    assert sub["customer"]["id"] == ids["customer"]
    assert sub["latest_invoice"]["object"] == "invoice"
    assert sub["default_payment_method"] is None  # null stays null
    discount = sub["discounts"][0]
    assert discount["object"] == "discount"
    assert discount["source"]["coupon"]["id"] == ids["coupon"]
    assert discount["promotion_code"]["id"] == ids["promo"]
    assert discount["customer"]["id"] == ids["customer"]
    assert sub["items"]["data"][0]["price"]["product"]["object"] == "product"
    with_pm = stripe.Subscription.modify(
        ids["sub"], default_payment_method=ids["pm"], expand=["default_payment_method"]
    )
    assert _expanded(with_pm)["default_payment_method"]["id"] == ids["pm"]
    listed = _expanded(stripe.Subscription.list(customer=ids["customer"], expand=["data.customer"]))
    assert {s["customer"]["id"] for s in listed["data"]} == {ids["customer"]}
    found = _expanded(stripe.Subscription.search(query="status:'active'", expand=["data.latest_invoice"]))
    assert found["data"][0]["latest_invoice"]["object"] == "invoice"


def test_expand_invoice_fields(server: LiveServer, api: Account) -> None:
    ids = _scenario(server)
    paid = stripe.Invoice.list(subscription=ids["sub"], limit=1).data[0]
    invoice = _expanded(
        stripe.Invoice.retrieve(
            paid.id,
            expand=[
                "customer",
                "default_payment_method",
                "discounts.source.coupon",
                "parent.subscription_details.subscription",
            ],
        )
    )
    assert invoice["customer"]["id"] == ids["customer"]
    assert invoice["default_payment_method"] is None
    assert invoice["discounts"][0]["source"]["coupon"]["id"] == ids["coupon"]
    assert invoice["parent"]["subscription_details"]["subscription"]["id"] == ids["sub"]
    lines = _expanded(
        stripe.Invoice.list_lines(
            paid.id,
            expand=[
                "data.pricing.price_details.price",
                "data.subscription",
                "data.discounts",
            ],
        )
    )
    line = lines["data"][0]
    assert line["pricing"]["price_details"]["price"]["object"] == "price"
    assert line["subscription"]["id"] == ids["sub"]
    assert line["discounts"][0]["object"] == "discount"
    draft = stripe.Invoice.modify(ids["draft"], default_payment_method=ids["pm"], expand=["default_payment_method"])
    assert _expanded(draft)["default_payment_method"]["id"] == ids["pm"]
    found = _expanded(stripe.Invoice.search(query="status:'draft'", expand=["data.customer"]))
    assert found["data"][0]["customer"]["id"] == ids["customer"]


def test_expand_invoice_item_and_other_fields(server: LiveServer, api: Account) -> None:
    ids = _scenario(server)
    item = _expanded(
        stripe.InvoiceItem.retrieve(
            ids["priced"],
            expand=[
                "customer",
                "invoice",
                "pricing.price_details.price",
            ],
        )
    )
    assert item["customer"]["id"] == ids["customer"]
    assert item["invoice"]["id"] == ids["draft"]
    assert item["pricing"]["price_details"]["price"]["id"] == ids["pro"]
    listed = _expanded(stripe.InvoiceItem.list(invoice=ids["draft"], expand=["data.invoice"]))
    assert {i["invoice"]["id"] for i in listed["data"]} == {ids["draft"]}
    transactions = _expanded(stripe.Customer.list_balance_transactions(ids["customer"], expand=["data.invoice"]))
    applied = [t for t in transactions["data"] if t["invoice"] is not None]
    assert applied
    assert all(t["invoice"]["object"] == "invoice" for t in applied)
    customer = _expanded(stripe.Customer.retrieve(ids["customer"], expand=["invoice_settings.default_payment_method"]))
    assert customer["invoice_settings"]["default_payment_method"]["id"] == ids["pm"]
    si = stripe.Subscription.retrieve(ids["sub"])["items"].data[0]
    item_expanded = _expanded(stripe.SubscriptionItem.retrieve(si.id, expand=["price.product"]))
    assert item_expanded["price"]["product"]["object"] == "product"


def test_expansion_stays_inside_the_account(server: LiveServer, api: Account) -> None:
    ids = _scenario(server)
    other = server.new_account()
    with client(server) as http:
        response = http.get(f"/v1/invoiceitems/{ids['item']}", headers={"Authorization": f"Bearer {other.key}"})
    assert response.status_code == 404
    bad = stripe.InvoiceItem.retrieve(ids["item"], expand=["customer"])
    assert bad.to_dict()["customer"]["id"] == ids["customer"]
