"""Rules for customers' tax IDs.

The value is stored as the caller sent it, only stripped of surrounding whitespace:
invoices then show the number the way the customer writes it (``DE 123 456 789`` stays
so), and the check in :mod:`billfold.customers.tax_id_formats` decides validity on a
compacted copy.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.customers.tax_id_formats import FORMATS, country_of
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import record_event
from billfold.ids import new_id
from billfold.models import Customer, TaxId
from billfold.objects.tax_id import tax_id_object

__all__ = ["MAX_TAX_IDS", "create_tax_id", "delete_tax_id", "get_tax_id", "list_tax_ids_query"]

# Stripe's limit of tax IDs per customer.
MAX_TAX_IDS = 25
# The column's width; no tax ID format comes near it.
_MAX_VALUE_LENGTH = 64


def _name(param_prefix: str | None, field: str) -> str:
    return f"{param_prefix}[{field}]" if param_prefix else field


def _customer(ctx: Ctx, customer: Customer | str) -> Customer:
    return customer if isinstance(customer, Customer) else get_customer(ctx, customer, param="customer")


def _checked_value(type_: str, value: str, param_prefix: str | None) -> str:
    fmt = FORMATS.get(type_)
    if fmt is None:
        param = _name(param_prefix, "type")
        raise InvalidRequestError(
            f"Invalid {param}: must be one of the supported tax ID types", code="parameter_invalid_enum", param=param
        )
    value = value.strip()
    if not value or len(value) > _MAX_VALUE_LENGTH or not fmt.check(value):
        raise InvalidRequestError(
            f"Invalid value for {type_}: expected a number in the format {fmt.example}.",
            code="tax_id_invalid",
            param=_name(param_prefix, "value"),
        )
    return value


def create_tax_id(
    ctx: Ctx,
    customer: Customer | str,
    type_: str,
    value: str,
    *,
    param_prefix: str | None = None,
) -> TaxId:
    """Add a checked tax ID to a customer (a row or an id); errors name ``param_prefix[...]``."""
    owner = _customer(ctx, customer)
    value = _checked_value(type_, value, param_prefix)
    count = ctx.session.scalar(
        select(func.count()).select_from(TaxId).where(TaxId.account_id == ctx.account_id, TaxId.customer_id == owner.id)
    )
    if (count or 0) >= MAX_TAX_IDS:
        raise InvalidRequestError(
            f"A customer can have at most {MAX_TAX_IDS} tax IDs; delete one before adding another.",
        )
    tax_id = TaxId(
        id=new_id("txi"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=owner.id,
        type=type_,
        value=value,
        country=country_of(type_, value),
        # Nothing is checked against government registries, so nothing is ever "verified".
        verification_status="unverified",
    )
    ctx.session.add(tax_id)
    ctx.session.flush()
    record_event(ctx, "customer.tax_id.created", tax_id_object(tax_id))
    return tax_id


def get_tax_id(ctx: Ctx, customer_id: str, tax_id: str) -> TaxId:
    """A tax ID of this customer, or 404 (also when it belongs to another customer)."""
    owner = get_customer(ctx, customer_id, param="customer")
    found = ctx.session.scalars(
        select(TaxId).where(TaxId.account_id == ctx.account_id, TaxId.customer_id == owner.id, TaxId.id == tax_id),
    ).one_or_none()
    if found is None:
        raise ResourceMissingError("tax ID", tax_id, param="id")
    return found


def delete_tax_id(ctx: Ctx, customer_id: str, tax_id: str) -> str:
    """Remove a tax ID; returns its id."""
    found = get_tax_id(ctx, customer_id, tax_id)
    record_event(ctx, "customer.tax_id.deleted", tax_id_object(found))
    ctx.session.delete(found)
    ctx.session.flush()
    return found.id


def list_tax_ids_query(ctx: Ctx, customer_id: str) -> Select[TaxId]:
    """A customer's tax IDs (404 if the customer is not this account's)."""
    owner = get_customer(ctx, customer_id, param="customer")
    return select(TaxId).where(TaxId.account_id == ctx.account_id, TaxId.customer_id == owner.id)
