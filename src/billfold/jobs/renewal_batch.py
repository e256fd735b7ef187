"""What a batch of renewals needs, and which of its subscriptions renew plainly.

Loaded with one query per kind of row, as light rows (:class:`~billfold.rows.TableRows`:
named tuples with the entities' attribute names, which the serializers read alike) rather
than ORM entities: building, tracking and expiring a batch's two thousand entities was
about a quarter of the worker's time. The fast path is :mod:`billfold.jobs.bulk`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, any_, bindparam, cast, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from billfold.customers.queries import CUSTOMER_ROWS
from billfold.jobs.bulk_write import array_literal
from billfold.models import (
    Account,
    Customer,
    Discount,
    Invoice,
    InvoiceItem,
    PaymentMethod,
    Price,
    Product,
    Subscription,
    SubscriptionItem,
    TaxId,
)
from billfold.payments import is_test_payment_method
from billfold.rows import TableRows
from billfold.subscriptions.periods import step
from billfold.subscriptions.renewal import renewal_key

__all__ = ["Batch", "Items", "Row", "among", "load_batch", "load_subscriptions", "looks_plain", "plain_terms"]

# A row of a table as TableRows reads it (a named tuple with the entity's attribute names).
Row = Any
# Rows, not entities: a (subscription item, price) pair of rows.
Items = list[tuple[Row, Row]]


_SUBSCRIPTIONS = TableRows(Subscription.__table__, "SubscriptionRow")
_ITEMS = TableRows(SubscriptionItem.__table__, "SubscriptionItemRow")
_PRICES = TableRows(Price.__table__, "PriceRow")
_METHODS = TableRows(PaymentMethod.__table__, "PaymentMethodRow")


@dataclass(slots=True)
class Batch:
    """What the batch's subscriptions need, loaded with one query per kind of row."""

    items: dict[str, Items]
    names: dict[str, str]
    customers: dict[str, Row]  # a renewal replaces its customer's with the next invoice number's
    tax_ids: dict[str, list[dict[str, str]]]
    methods: dict[str, Row]
    accounts: dict[str, tuple[str | None, str | None]]
    busy: set[str]  # subscriptions or customers with discounts or pending items
    billed: set[str]  # renewal keys that already have their invoice


def load_subscriptions(session: Session, pks: Iterable[int]) -> list[Row]:
    """The subscriptions ``pks`` (claimed and locked already) as rows, in (customer, id) order."""
    rows = _SUBSCRIPTIONS.all(session.connection(), select(Subscription).where(among(session, Subscription.pk, pks)))
    return sorted(rows, key=lambda s: (s.customer_id, s.id))


def looks_plain(sub: Row, now: dt.datetime) -> bool:
    return (
        sub.status == "active"
        and sub.collection_method == "charge_automatically"
        and sub.schedule_id is None
        and sub.test_clock_id is None
        and sub.cancel_at is None
        and not sub.cancel_at_period_end
        and not sub.pause_collection
        and sub.current_period_end <= now
    )


def among(session: Session, column: InstrumentedAttribute[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``, one parameter however many values.

    psycopg rewrites the placeholders of a long statement anew at each execution (it caches
    short ones only), which with a batch's 500-value lists cost about 5 % of the worker. The
    array goes as the text of one (:func:`~billfold.jobs.bulk_write.array_literal`).
    """
    if session.get_bind().dialect.name == "postgresql":
        literal = bindparam(None, array_literal(values), type_=Text)
        return column == any_(cast(literal, ARRAY(column.type)))
    return column.in_(list(values))


def load_batch(session: Session, subs: list[Row]) -> Batch:
    """Everything the renewals of ``subs`` (rows) read, with one query per kind of row."""
    conn = session.connection()
    sub_ids = [s.id for s in subs]
    customer_ids = sorted({s.customer_id for s in subs})
    live = _ITEMS.all(
        conn,
        select(SubscriptionItem)
        .where(among(session, SubscriptionItem.subscription_id, sub_ids), SubscriptionItem.deleted_at.is_(None))
        .order_by(SubscriptionItem.pk),
    )
    # Prices apart: a batch's items share a few prices, each read (and its JSON decoded) once.
    prices = {
        p.id: p for p in _PRICES.all(conn, select(Price).where(among(session, Price.id, {i.price_id for i in live})))
    }
    items: dict[str, Items] = defaultdict(list)
    for item in live:
        price = prices.get(item.price_id)
        if price is not None and price.account_id == item.account_id:
            items[item.subscription_id].append((item, price))
    product_ids = {price.product_id for pairs in items.values() for _, price in pairs}
    names = dict(session.execute(select(Product.id, Product.name).where(among(session, Product.id, product_ids))).all())
    # Locked in id order, as the general path locks each customer when it numbers an invoice.
    customers = {
        c.id: c
        for c in CUSTOMER_ROWS.all(
            conn,
            select(Customer).where(among(session, Customer.id, customer_ids)).order_by(Customer.id).with_for_update(),
        )
    }
    tax_ids: dict[str, list[dict[str, str]]] = defaultdict(list)
    for customer_id, kind, value in session.execute(
        select(TaxId.customer_id, TaxId.type, TaxId.value)
        .where(among(session, TaxId.customer_id, customer_ids))
        .order_by(TaxId.pk),
    ):
        tax_ids[customer_id].append({"type": kind, "value": value})
    wanted = {s.default_payment_method_id for s in subs} | {
        (c.invoice_settings or {}).get("default_payment_method") for c in customers.values()
    }
    wanted_methods = select(PaymentMethod).where(among(session, PaymentMethod.id, [w for w in wanted if w]))
    methods = {pm.id: pm for pm in _METHODS.all(conn, wanted_methods)}
    busy: set[str | None] = set(
        session.scalars(
            select(Discount.subscription_id).where(
                among(session, Discount.subscription_id, sub_ids), Discount.deleted_at.is_(None)
            ),
        ),
    )
    busy |= set(
        session.scalars(
            select(Discount.customer_id).where(
                among(session, Discount.customer_id, customer_ids), Discount.deleted_at.is_(None)
            ),
        ),
    )
    busy |= set(
        session.scalars(
            select(InvoiceItem.customer_id).where(
                among(session, InvoiceItem.customer_id, customer_ids),
                InvoiceItem.invoice_id.is_(None),
                InvoiceItem.deleted_at.is_(None),
            ),
        ),
    )
    billed = _billed(session, [renewal_key(s, s.current_period_end) for s in subs])
    accounts: dict[str, tuple[str | None, str | None]] = {
        account_id: (name, country)
        for account_id, name, country in session.execute(
            select(Account.id, Account.business_name, Account.country).where(
                among(session, Account.id, {s.account_id for s in subs}),
            ),
        )
    }
    return Batch(dict(items), names, customers, dict(tax_ids), methods, accounts, {b for b in busy if b}, billed)


_BILLED_POSTGRESQL = text(
    "SELECT billed.renewal_key FROM unnest(CAST(:keys AS varchar[])) AS k(key), "
    "LATERAL (SELECT renewal_key FROM invoices WHERE renewal_key = k.key LIMIT 1) AS billed"
)


def _billed(session: Session, keys: list[str]) -> set[str]:
    """The renewal keys among ``keys`` that already have their cycle invoice.

    On PostgreSQL one index probe per key: with an ``IN`` list the planner, whose statistics
    of the growing ``invoices`` table lag (autovacuum may be late or off), chose a
    sequential scan of every invoice for each batch, which made a large run quadratic.
    """
    if session.get_bind().dialect.name != "postgresql":
        return {k for k in session.scalars(select(Invoice.renewal_key).where(Invoice.renewal_key.in_(keys))) if k}
    found = session.scalars(_BILLED_POSTGRESQL, {"keys": array_literal(keys)})
    return {k for k in found if k}


def _method(batch: Batch, sub: Row, customer: Row) -> Row:
    """The card the general path would charge (subscription's default, else the customer's), if valid."""
    pm_id = sub.default_payment_method_id or (customer.invoice_settings or {}).get("default_payment_method")
    if not pm_id or is_test_payment_method(pm_id):
        return None
    pm = batch.methods.get(pm_id)
    if pm is None or pm.account_id != sub.account_id or pm.customer_id != customer.id:
        return None
    return pm


def plain_terms(batch: Batch, sub: Row, now: dt.datetime) -> tuple[Items, dt.datetime, Row] | None:
    """The items, the new period's end and the card, if ``sub`` renews plainly now."""
    items = batch.items.get(sub.id)
    customer = batch.customers.get(sub.customer_id)
    if not items or customer is None or customer.balance != 0:
        return None
    if sub.id in batch.busy or sub.customer_id in batch.busy:
        return None
    if renewal_key(sub, sub.current_period_end) in batch.billed:
        return None
    price = items[0][1]
    new_end = step(
        sub.current_period_end,
        sub.billing_cycle_anchor,
        price.recurring_interval or "month",
        price.recurring_interval_count or 1,
    )
    method = _method(batch, sub, customer)
    if new_end <= now or method is None:
        return None
    return items, new_end, method
