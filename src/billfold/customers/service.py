"""Rules for creating, updating and deleting customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, select

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.customers.tax_ids import create_tax_id
from billfold.customers.validation import check_email, check_phone, random_invoice_prefix
from billfold.errors import ApiError, InvalidRequestError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Customer
from billfold.objects.customer import ADDRESS_FIELDS, customer_object
from billfold.rows import FastQuery
from billfold.test_clocks.clock import on_test_clock

__all__ = ["create_customer", "delete_customer", "update_customer"]

# Fields stored as given; ``None`` means "unset".
_SIMPLE = ("description", "name", "business_name", "individual_name", "balance", "next_invoice_sequence")
_PREFIX_ATTEMPTS = 10


def create_customer(ctx: Ctx, data: dict[str, Any]) -> Customer:
    """A new customer (and its tax IDs from ``tax_id_data``); emits ``customer.created``."""
    ctx = on_test_clock(ctx, data.get("test_clock"))  # 404 if the clock is not this account's
    customer = Customer(
        id=new_id("cus", 14),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        balance=0,
        delinquent=False,
        next_invoice_sequence=1,
        invoice_settings={},
        preferred_locales=[],
        tax_exempt="none",
        metadata_={},
        test_clock_id=data.get("test_clock"),
    )
    _apply(ctx, customer, data)
    if customer.invoice_prefix is None:
        customer.invoice_prefix = _unused_prefix(ctx)
    ctx.session.add(customer)
    ctx.session.flush()
    record_event(ctx, "customer.created", customer_object(customer))
    for index, item in enumerate(data.get("tax_id_data") or []):
        create_tax_id(ctx, customer, item["type"], item["value"], param_prefix=f"tax_id_data[{index}]")
    return customer


def update_customer(ctx: Ctx, customer_id: str, data: dict[str, Any]) -> Customer:
    """Apply the given fields; emits ``customer.updated`` with what changed, if anything did."""
    customer = get_customer(ctx, customer_id)
    before = customer_object(customer)
    _apply(ctx, customer, data)
    after = customer_object(customer)
    if after != before:
        ctx.session.flush()
        record_event(ctx, "customer.updated", after, diff(before, after))
    new_method = after["invoice_settings"]["default_payment_method"]
    if new_method and new_method != before["invoice_settings"]["default_payment_method"]:
        from billfold.jobs.dunning import pay_after_new_payment_method  # jobs imports customers

        pay_after_new_payment_method(ctx, customer_id=customer.id)
    return customer


def delete_customer(ctx: Ctx, customer_id: str) -> str:
    """Mark a live customer deleted (Stripe keeps a tombstone); emits ``customer.deleted``."""
    customer = get_customer(ctx, customer_id)
    record_event(ctx, "customer.deleted", customer_object(customer))
    customer.deleted_at = ctx.clock.now()
    ctx.session.flush()
    return customer.id


def _apply(ctx: Ctx, customer: Customer, data: dict[str, Any]) -> None:
    """Set every field ``data`` names, checking the rules that need more than the request."""
    for field in _SIMPLE:
        if field in data:
            setattr(customer, field, data[field])
    _apply_contact(customer, data)
    if "preferred_locales" in data:
        customer.preferred_locales = list(data["preferred_locales"] or [])
    if "tax_exempt" in data:
        customer.tax_exempt = data["tax_exempt"] or "none"
    if "invoice_settings" in data:
        settings = data["invoice_settings"] or {}
        if settings.get("default_payment_method"):
            from billfold.payments import require_attached_payment_method  # payments imports customers

            require_attached_payment_method(
                ctx,
                customer.id,
                settings["default_payment_method"],
                param="invoice_settings[default_payment_method]",
            )
        customer.invoice_settings = {**(customer.invoice_settings or {}), **settings}
    if "metadata" in data:
        customer.metadata_ = merge_metadata(customer.metadata_, data["metadata"])
    if data.get("invoice_prefix") is not None and data["invoice_prefix"] != customer.invoice_prefix:
        customer.invoice_prefix = _free_prefix(ctx, data["invoice_prefix"])


def _apply_contact(customer: Customer, data: dict[str, Any]) -> None:
    """Email, addresses and phone; the phone is read in the country of the (new) address."""
    if "email" in data:
        customer.email = None if data["email"] is None else check_email(data["email"])
    if "address" in data:
        customer.address = _address(data["address"])
    if "shipping" in data:
        customer.shipping = _shipping(data["shipping"])
    if "phone" in data:
        phone = data["phone"]
        country = (customer.address or {}).get("country")
        customer.phone = None if phone is None else check_phone(phone, country)


def _address(given: dict[str, Any] | None) -> dict[str, Any] | None:
    """The whole address is replaced: fields not sent become null, as on Stripe."""
    if given is None:
        return None
    return {key: given.get(key) for key in ADDRESS_FIELDS}


def _shipping(given: dict[str, Any] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    return {"address": _address(given["address"]), "name": given["name"], "phone": given.get("phone")}


# Deleted customers keep their prefix: their invoices still carry it. Compiled once and run
# on the driver (billfold.rows): every create runs it.
_PREFIX_TAKEN = FastQuery(
    select(
        exists().where(Customer.account_id == bindparam("account_id"), Customer.invoice_prefix == bindparam("prefix"))
    )
)


def _prefix_taken(ctx: Ctx, prefix: str) -> bool:
    return bool(_PREFIX_TAKEN.scalar(ctx.connection, {"account_id": ctx.account_id, "prefix": prefix}))


def _free_prefix(ctx: Ctx, prefix: str) -> str:
    """``prefix`` if no other customer of this account uses it."""
    if _prefix_taken(ctx, prefix):
        raise InvalidRequestError(
            f"The invoice prefix '{prefix}' is already used by another customer; choose another one.",
            param="invoice_prefix",
        )
    return prefix


def _unused_prefix(ctx: Ctx) -> str:
    """A generated prefix no customer of this account has (collisions are rare: 36^8 values)."""
    for _ in range(_PREFIX_ATTEMPTS):
        prefix = random_invoice_prefix()
        if not _prefix_taken(ctx, prefix):
            return prefix
    raise ApiError("Could not generate a unique invoice prefix; please retry.")
