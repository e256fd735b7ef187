"""The worker's fast path for plain renewals writes exactly what ``advance_subscription`` writes.

Three identical customers each get an identical subscription through the SDK. At the
period's end one is renewed by the general path (``run_subscription``), the others by the
fast path (``renew_plain``); every row and every event of each is compared after
replacing each side's ids (and invoice number, token, charge) by the same placeholders,
including which columns are SQL NULL (the fast path writes with COPY on PostgreSQL, where
a JSON column's None must stay JSON ``null`` as the ORM writes it). A richer customer
(address, tax ID, invoice footer, two items) exercises the snapshots the fast path derives
by patching the first serialisation instead of serialising again. The fast path renews its
two in one batch (they share its price objects and line templates), and the
comparison keeps the order of every object's fields (payloads are stored as written).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import stripe
from sqlalchemy import inspect, select, text

from billfold.clock import FrozenClock
from billfold.context import Ctx
from billfold.jobs.bulk import renew_plain
from billfold.jobs.bulk_write import array_literal
from billfold.jobs.due import run_subscription
from billfold.models import Event, Invoice, InvoiceLine, Job, PaymentAttempt, Subscription, SubscriptionItem
from billfold.packed_json import is_packed
from billfold.payments import get_gateway
from tests.support import Account, LiveServer
from tests.time.helpers import customer_with_card, monthly_price

_SKIP = {"pk", "created", "attempted_at"}


def _row(obj: object) -> dict[str, Any]:
    table = type(obj).__table__  # type: ignore[attr-defined]
    row = {c.key: getattr(obj, c.key) for c in table.columns if c.key not in _SKIP}
    # SQL NULL and JSON null both read as None: ask the database which columns are NULL.
    session = inspect(obj).session
    flags = session.execute(select(*(c.is_(None) for c in table.columns)).where(table.c.pk == obj.pk)).one()  # type: ignore[attr-defined]
    row["sql_null"] = sorted(c.key for c, null in zip(table.columns, flags, strict=True) if null)
    return row


def _placeholders(session: Any, sub_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Everything the renewal wrote for ``sub_id``, and each of its own ids mapped to a placeholder."""
    sub = session.scalars(select(Subscription).where(Subscription.id == sub_id)).one()
    items = list(session.scalars(select(SubscriptionItem).where(SubscriptionItem.subscription_id == sub_id)))
    invoice = session.scalars(
        select(Invoice).where(Invoice.subscription_id == sub_id, Invoice.billing_reason == "subscription_cycle"),
    ).one()
    lines = list(session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)))
    attempts = list(session.scalars(select(PaymentAttempt).where(PaymentAttempt.invoice_id == invoice.id)))
    jobs = list(session.scalars(select(Job).where(Job.subject_id.in_([sub_id, invoice.id]))))
    events = [
        {"type": e.type, "data": e.data, "created": e.created}
        for e in session.scalars(select(Event).order_by(Event.pk))
        if e.data["object"].get("id") in {sub_id, invoice.id} and e.created >= invoice.created
    ]
    names = {
        sub.id: "SUB",
        sub.customer_id: "CUS",
        invoice.id: "INV",
        invoice.access_token: "TOKEN",
        str(invoice.number): "NUMBER",
        str(sub.default_payment_method_id): "PM",
    }
    first = session.scalars(
        select(Invoice.id).where(Invoice.subscription_id == sub_id, Invoice.billing_reason == "subscription_create"),
    ).one()
    names[first] = "FIRST"
    names.update({item.id: f"SI{i}" for i, item in enumerate(items)})
    names.update({line.id: f"IL{i}" for i, line in enumerate(lines)})
    for i, attempt in enumerate(attempts):
        names.update({attempt.id: f"PY{i}", str(attempt.charge_id): f"CH{i}", str(attempt.payment_method_id): "PM"})
    written = {
        "subscription": _row(sub),
        "items": [_row(i) for i in items],
        "invoice": _row(invoice),
        "lines": [_row(line) for line in lines],
        "attempts": [_row(a) for a in attempts],
        "jobs": [
            {"kind": j.kind, "key": j.key, "run_at": j.run_at, "payload": j.payload, "done": j.done_at is not None}
            for j in jobs
        ],
        "events": events,
    }
    return written, names


def _normalized(written: dict[str, Any], names: dict[str, str]) -> str:
    text = json.dumps(written, default=str)  # in order: the payloads must match as written
    for real, placeholder in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(real, placeholder)
    return text


def _customer(card: str, rich: bool) -> stripe.Customer:
    if not rich:
        return customer_with_card(None, card)
    customer = customer_with_card(
        None,
        card,
        address={"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        phone="+4930123456",
        invoice_settings={"footer": "Thank you — Lumen Labs"},
        metadata={"tier": "gold"},
    )
    stripe.Customer.create_tax_id(customer.id, type="eu_vat", value="DE136695976")
    return customer


@pytest.mark.parametrize("rich", [False, True], ids=["simple", "rich"])
@pytest.mark.parametrize("card", ["pm_card_visa", "pm_card_chargeCustomerFail"])
def test_fast_path_writes_what_the_general_path_writes(
    api: Account, server: LiveServer, card: str, rich: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = [monthly_price(2_500, name="Team")]
    if rich:
        prices.append(monthly_price(1_234, name='Seats \\ "extra"\tplan'))  # escapes in the JSON and COPY
    subs = []
    for _ in range(3):  # one renewed by the general path, two together by the fast path
        customer = _customer(card, rich)
        items: Any = [{"price": price.id, "quantity": 3 + i} for i, price in enumerate(prices)]
        subs.append(
            stripe.Subscription.create(customer=customer.id, items=items, metadata={"plan": "x"} if rich else {})
        )
    due = dt.datetime.fromtimestamp(subs[0]["items"].data[0].current_period_end, dt.UTC) + dt.timedelta(hours=1)
    if card != "pm_card_visa":  # a failing card: the first invoice failed too; make both active to renew
        with server.database.unit_of_work() as session:
            for sub in subs:
                session.scalars(select(Subscription).where(Subscription.id == sub.id)).one().status = "active"
    with server.database.unit_of_work() as session:
        ctx = Ctx(session, api.id, FrozenClock(due), public_base_url=server.url)
        general = session.scalars(select(Subscription).where(Subscription.id == subs[0].id)).one()
        fast = set(session.scalars(select(Subscription.pk).where(Subscription.id.in_([s.id for s in subs[1:]]))))
        assert run_subscription(ctx, get_gateway(), general) == 1
        # Two in one batch: they share the batch's price objects and line templates, each with its own ids.
        assert renew_plain(session, lambda _account: ctx, fast, get_gateway()) == set()
    with server.database.unit_of_work() as session:
        created = session.scalars(text("SELECT data FROM events WHERE type = 'invoice.created' ORDER BY pk"))
        # The general path stores a payload as JSON, the fast path packs it; both read back the same (below).
        assert [is_packed(bytes(data)) for data in created][-3:] == [False, True, True]
    with server.database.unit_of_work() as session:
        one, two, three = (_placeholders(session, sub.id) for sub in subs)
    paid = ["invoice.payment_succeeded", "invoice.paid"]
    failed = ["invoice.payment_failed", "customer.subscription.updated"]  # past_due
    expected = [
        "invoice.created",
        "invoice.finalized",
        *(paid if card == "pm_card_visa" else failed),
        "customer.subscription.updated",
    ]
    assert [e["type"] for e in one[0]["events"]] == expected
    assert [j["kind"] for j in one[0]["jobs"]] == ([] if card == "pm_card_visa" else ["invoice.retry"])
    assert len(one[0]["lines"]) == len(prices)
    if rich:
        assert one[0]["invoice"]["customer_snapshot"]["tax_ids"] == [{"type": "eu_vat", "value": "DE136695976"}]
    assert _normalized(*one) == _normalized(*two) == _normalized(*three)


def test_array_literals_round_trip(server: LiveServer) -> None:
    """The arrays the fast path sends as text (``array_literal``) read back as the values given."""
    texts = ['a"b', "c\\d", "", "NULL", "{x,y}", " spaced ", "é€", "tab\there", "in_0Sx8Yb2Q"]
    moments = [
        dt.datetime(2026, 1, 31, 23, 59, 59, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(2026, 1, 31, 23, 59, 59, 123456, tzinfo=dt.UTC),
    ]
    cases: list[tuple[str, list[Any]]] = [
        ("text[]", texts),
        ("varchar[]", ["sub_1", "sub_2"]),
        ("text[]", ["a", None]),
        ("bigint[]", [1, -2, 10**15]),
        ("int[]", []),
        ("boolean[]", [True, False]),
        ("timestamptz[]", moments),
    ]
    with server.database.unit_of_work() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("array literals are for PostgreSQL")
        for kind, values in cases:
            got = session.execute(text(f"SELECT CAST(:a AS {kind})"), {"a": array_literal(values)}).scalar()
            assert got == values, kind
