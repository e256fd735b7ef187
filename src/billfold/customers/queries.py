"""Reads of customers that several modules need."""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Customer

__all__ = ["get_customer"]


def get_customer(ctx: Ctx, customer_id: str, *, param: str | None = "id", include_deleted: bool = False) -> Customer:
    """A customer of this account, or 404 naming ``param``; deleted ones only if asked."""
    stmt = select(Customer).where(Customer.account_id == ctx.account_id, Customer.id == customer_id)
    if not include_deleted:
        stmt = stmt.where(Customer.deleted_at.is_(None))
    customer = ctx.session.scalars(stmt).one_or_none()
    if customer is None:
        raise ResourceMissingError("customer", customer_id, param=param)
    return customer
