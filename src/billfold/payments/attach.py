"""Saving payment methods to customers, removing them, and checking they are saved."""

from __future__ import annotations

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.models import PaymentMethod
from billfold.objects.customer import customer_object
from billfold.objects.payment_method import payment_method_object
from billfold.payments.interfaces import PaymentGateway
from billfold.payments.payment_methods import (
    get_payment_method,
    is_test_payment_method,
    mark_verified,
    resolve_payment_method,
)

__all__ = [
    "attach_payment_method",
    "detach_payment_method",
    "require_attached_payment_method",
    "verify_and_save",
]


def attach_payment_method(ctx: Ctx, gateway: PaymentGateway, payment_method_id: str, customer_id: str) -> PaymentMethod:
    """Save a card to a customer after the gateway verified it; a test id saves a new copy.

    Attaching again to the same customer changes nothing, as on Stripe.
    """
    customer = get_customer(ctx, customer_id, param="customer")
    pm = resolve_payment_method(ctx, payment_method_id, param="payment_method")
    if pm.customer_id == customer.id:
        return pm
    if pm.customer_id is not None:
        raise InvalidRequestError(
            "The payment method you provided has already been attached to a customer.", param="payment_method"
        )
    verify_and_save(ctx, gateway, pm, customer.id)
    return pm


def verify_and_save(ctx: Ctx, gateway: PaymentGateway, pm: PaymentMethod, customer_id: str | None) -> None:
    """Verify the card (``CardError`` on a decline), then attach it to ``customer_id`` if given."""
    gateway.verify_card(pm)
    mark_verified(pm)
    if customer_id is None or pm.customer_id == customer_id:
        ctx.session.flush()
        return
    pm.customer_id = customer_id
    ctx.session.flush()
    record_event(ctx, "payment_method.attached", payment_method_object(pm))


def detach_payment_method(ctx: Ctx, payment_method_id: str) -> PaymentMethod:
    """Remove a card from its customer; if it was their default, the customer has none after."""
    pm = get_payment_method(ctx, payment_method_id)
    customer_id = pm.customer_id
    if customer_id is None:
        raise InvalidRequestError(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
            param="payment_method",
        )
    before = payment_method_object(pm)
    pm.customer_id = None
    ctx.session.flush()
    after = payment_method_object(pm)
    record_event(ctx, "payment_method.detached", after, diff(before, after))
    _forget_default(ctx, customer_id, pm.id)
    return pm


def _forget_default(ctx: Ctx, customer_id: str, payment_method_id: str) -> None:
    customer = get_customer(ctx, customer_id, include_deleted=True)
    settings = customer.invoice_settings or {}
    if settings.get("default_payment_method") != payment_method_id:
        return
    before = customer_object(customer)
    customer.invoice_settings = {**settings, "default_payment_method": None}
    ctx.session.flush()
    if customer.deleted_at is None:
        after = customer_object(customer)
        record_event(ctx, "customer.updated", after, diff(before, after))


def require_attached_payment_method(ctx: Ctx, customer_id: str, payment_method_id: str, *, param: str) -> PaymentMethod:
    """The payment method, which must be saved to this customer (for ``default_payment_method``).

    404 if it does not exist on this account; 400 if it is not attached to ``customer_id``
    (a test id such as ``pm_card_visa`` never is: attach it first).
    """
    if not is_test_payment_method(payment_method_id):
        pm = get_payment_method(ctx, payment_method_id, param=param)
        if pm.customer_id == customer_id:
            return pm
    raise InvalidRequestError(
        f"The customer does not have a payment method with the ID {payment_method_id}. "
        "The payment method must be attached to the customer.",
        param=param,
    )
