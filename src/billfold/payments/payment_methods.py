"""Rules for creating, reading and updating card payment methods."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import PaymentMethod
from billfold.objects.payment_method import payment_method_object
from billfold.payments.cards import CardInput, check_expiry, check_preferred_network, from_token, read_card
from billfold.payments.test_cards import card_for_token

__all__ = [
    "create_payment_method",
    "customer_payment_methods_query",
    "get_customer_payment_method",
    "get_payment_method",
    "is_test_payment_method",
    "list_payment_methods_query",
    "mark_verified",
    "resolve_payment_method",
    "update_payment_method",
]


def is_test_payment_method(payment_method_id: str) -> bool:
    """``pm_card_visa`` and friends: ids that stand for a fresh copy of a test card."""
    return payment_method_id.startswith("pm_card_") and card_for_token(payment_method_id) is not None


def get_payment_method(ctx: Ctx, payment_method_id: str, *, param: str | None = "payment_method") -> PaymentMethod:
    """A payment method of this account, or 404 naming ``param``."""
    pm = ctx.session.scalars(
        select(PaymentMethod).where(PaymentMethod.account_id == ctx.account_id, PaymentMethod.id == payment_method_id),
    ).one_or_none()
    if pm is None:
        raise ResourceMissingError("PaymentMethod", payment_method_id, param=param)
    return pm


def resolve_payment_method(ctx: Ctx, payment_method_id: str, *, param: str) -> PaymentMethod:
    """The payment method ``payment_method_id`` names; a test id (``pm_card_visa``) makes a new one.

    Stripe treats those ids as "a new card like this one" wherever a payment method is
    being saved, so attaching ``pm_card_visa`` twice gives two payment methods.
    """
    if is_test_payment_method(payment_method_id):
        return _insert(ctx, from_token(ctx, payment_method_id, param=param), {})
    return get_payment_method(ctx, payment_method_id, param=param)


def create_payment_method(ctx: Ctx, data: dict[str, Any]) -> PaymentMethod:
    """A new, unattached card payment method (the API checks ``type`` is ``card``)."""
    card = data.get("card")
    if card is None:
        raise InvalidRequestError("Missing required param: card.", code="parameter_missing", param="card")
    return _insert(ctx, read_card(ctx, card), data)


def _insert(ctx: Ctx, card: CardInput, data: dict[str, Any]) -> PaymentMethod:
    pm = PaymentMethod(
        id=new_id("pm"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=None,
        type="card",
        card=card.card,
        billing_details=_billing_details({}, data.get("billing_details") or {}),
        allow_redisplay=data.get("allow_redisplay") or "unspecified",
        verify_behavior=card.test_card.verify,
        charge_behavior=card.test_card.charge,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    _refresh_address_checks(pm)
    ctx.session.add(pm)
    ctx.session.flush()
    return pm


def update_payment_method(ctx: Ctx, payment_method_id: str, data: dict[str, Any]) -> PaymentMethod:
    """Apply the given fields to a saved card; emits ``payment_method.updated`` if anything changed."""
    pm = get_payment_method(ctx, payment_method_id)
    if pm.customer_id is None:
        raise InvalidRequestError(
            "You must save this PaymentMethod to a customer before you can update it.", param="payment_method"
        )
    before = payment_method_object(pm)
    if "billing_details" in data:
        pm.billing_details = _billing_details(pm.billing_details, data["billing_details"] or {})
        _refresh_address_checks(pm)
    if "allow_redisplay" in data:
        pm.allow_redisplay = data["allow_redisplay"]
    if "metadata" in data:
        pm.metadata_ = merge_metadata(pm.metadata_, data["metadata"])
    if data.get("card"):
        pm.card = _updated_card(ctx, dict(pm.card or {}), data["card"])
    after = payment_method_object(pm)
    if after != before:
        ctx.session.flush()
        record_event(ctx, "payment_method.updated", after, diff(before, after))
    return pm


def _updated_card(ctx: Ctx, card: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    if "exp_month" in given or "exp_year" in given:
        month, year = check_expiry(
            ctx, given.get("exp_month", card["exp_month"]), given.get("exp_year", card["exp_year"])
        )
        card["exp_month"], card["exp_year"] = month, year
    if "networks" in given and "preferred" in (given["networks"] or {}):
        preferred = given["networks"]["preferred"]
        check_preferred_network(card["brand"], preferred, param="card[networks][preferred]")
        card["networks"] = {**(card.get("networks") or {}), "preferred": preferred}
    return card


def _billing_details(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``current`` with the given fields; an address is merged field by field, ``""`` clears it."""
    merged = dict(current)
    for key, value in given.items():
        if key == "address" and value is not None:
            merged["address"] = {**(merged.get("address") or {}), **value}
        else:
            merged[key] = value
    return merged


def mark_verified(pm: PaymentMethod) -> None:
    """After the gateway accepted the card: the checks it could make have passed."""
    card = dict(pm.card or {})
    checks = dict(card.get("checks") or {})
    card["checks"] = {key: None if value is None else "pass" for key, value in checks.items()}
    pm.card = card


def _refresh_address_checks(pm: PaymentMethod) -> None:
    """An address line or postal code is checked when the card is verified (on a saved card, now)."""
    address = (pm.billing_details or {}).get("address") or {}
    state = "unchecked" if pm.customer_id is None else "pass"
    card = dict(pm.card or {})
    checks = dict(card.get("checks") or {})
    checks["address_line1_check"] = state if address.get("line1") else None
    checks["address_postal_code_check"] = state if address.get("postal_code") else None
    card["checks"] = checks
    pm.card = card


def list_payment_methods_query(ctx: Ctx, filters: dict[str, Any]) -> Select[PaymentMethod]:
    """Payment methods of this account, of one customer when ``customer`` is given."""
    stmt = select(PaymentMethod).where(PaymentMethod.account_id == ctx.account_id)
    if filters.get("customer") is not None:
        customer = get_customer(ctx, filters["customer"], param="customer")
        stmt = stmt.where(PaymentMethod.customer_id == customer.id)
    return _filtered(stmt, filters)


def customer_payment_methods_query(ctx: Ctx, customer_id: str, filters: dict[str, Any]) -> Select[PaymentMethod]:
    """A customer's saved payment methods (404 for a customer of another account)."""
    customer = get_customer(ctx, customer_id, param="customer")
    stmt = select(PaymentMethod).where(
        PaymentMethod.account_id == ctx.account_id, PaymentMethod.customer_id == customer.id
    )
    return _filtered(stmt, filters)


def _filtered(stmt: Select[PaymentMethod], filters: dict[str, Any]) -> Select[PaymentMethod]:
    if filters.get("type") is not None:
        stmt = stmt.where(PaymentMethod.type == filters["type"])
    if filters.get("allow_redisplay") is not None:
        stmt = stmt.where(PaymentMethod.allow_redisplay == filters["allow_redisplay"])
    return stmt


def get_customer_payment_method(ctx: Ctx, customer_id: str, payment_method_id: str) -> PaymentMethod:
    """A payment method saved to this customer, or 404."""
    customer = get_customer(ctx, customer_id, param="customer")
    pm = get_payment_method(ctx, payment_method_id)
    if pm.customer_id != customer.id:
        raise ResourceMissingError("PaymentMethod", payment_method_id, param="payment_method")
    return pm
