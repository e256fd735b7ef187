"""Reads of customers that several modules need."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, bindparam, select

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Customer, TaxId
from billfold.rows import FastSelect, TableRows

__all__ = ["CUSTOMER_ROWS", "customer_tax_ids", "find_customer", "get_customer", "list_customers_query"]

_TABLE = Customer.__table__
# Customers as rows with the entity's attribute names (serializers read both alike).
CUSTOMER_ROWS = TableRows(_TABLE, "CustomerRow")
# Compiled once per dialect and run on the driver (billfold.rows): the retrieve's hot path.
_BY_ID = FastSelect(
    CUSTOMER_ROWS,
    _TABLE.c.account_id == bindparam("account_id"),
    _TABLE.c.id == bindparam("customer_id"),
)


def get_customer(ctx: Ctx, customer_id: str, *, param: str | None = "id", include_deleted: bool = False) -> Customer:
    """A customer of this account, or 404 naming ``param``; deleted ones only if asked."""
    stmt = select(Customer).where(Customer.account_id == ctx.account_id, Customer.id == customer_id)
    if not include_deleted:
        stmt = stmt.where(Customer.deleted_at.is_(None))
    customer = ctx.session.scalars(stmt).one_or_none()
    if customer is None:
        raise ResourceMissingError("customer", customer_id, param=param)
    return customer


def find_customer(ctx: Ctx, customer_id: str) -> Customer:
    """A read-only customer of this account, deleted ones included (their tombstone), or 404.

    The hot retrieve path: one precompiled statement on the unit's connection, through the
    driver, with no ORM entity and no ``Session`` (see :mod:`billfold.rows`).
    """
    row = _BY_ID.one_or_none(ctx.connection, {"account_id": ctx.account_id, "customer_id": customer_id})
    if row is None:
        raise ResourceMissingError("customer", customer_id, param="id")
    # The row has the Customer's attribute names, so serializers read it like the entity.
    return cast("Customer", row)


def list_customers_query(ctx: Ctx, filters: dict[str, Any]) -> Select[Customer]:
    """Live customers of this account matching the list filters (``created`` is applied by the caller).

    As in Stripe, customers attached to a test clock are listed only when that clock is asked for.
    """
    stmt = select(Customer).where(Customer.account_id == ctx.account_id, Customer.deleted_at.is_(None))
    if filters.get("email") is not None:
        stmt = stmt.where(Customer.email == filters["email"])
    test_clock = filters.get("test_clock")
    return stmt.where(Customer.test_clock_id.is_(None) if test_clock is None else Customer.test_clock_id == test_clock)


def customer_tax_ids(ctx: Ctx, customer_id: str) -> list[TaxId]:
    """A customer's tax IDs, newest first (at most 25 exist, so no paging)."""
    stmt = select(TaxId).where(TaxId.account_id == ctx.account_id, TaxId.customer_id == customer_id)
    return list(ctx.session.scalars(stmt.order_by(TaxId.pk.desc())))
