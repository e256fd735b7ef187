"""Setup intents: verifying a card and saving it to a customer for later charges.

``requires_payment_method`` → (payment method given) ``requires_confirmation`` →
(confirm) ``succeeded``; a declined card goes back to ``requires_payment_method`` with
``last_setup_error``. Any state but ``succeeded`` can be canceled.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import CardError, CommittedError, InvalidRequestError, ResourceMissingError
from billfold.events import record_event
from billfold.ids import new_id, random_token
from billfold.metadata import merge_metadata
from billfold.models import PaymentMethod, SetupIntent
from billfold.objects.payment_method import payment_method_object
from billfold.objects.setup_intent import setup_intent_object
from billfold.payments.attach import verify_and_save
from billfold.payments.interfaces import PaymentGateway
from billfold.payments.payment_methods import get_payment_method, resolve_payment_method

__all__ = [
    "cancel_setup_intent",
    "confirm_setup_intent",
    "create_setup_intent",
    "get_setup_intent",
    "list_setup_intents_query",
]

_CANCELABLE = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})
_FINAL = frozenset({"succeeded", "canceled"})


def get_setup_intent(ctx: Ctx, intent_id: str, *, client_secret: str | None = None) -> SetupIntent:
    """A setup intent of this account, or 404; a given ``client_secret`` must be its own."""
    si = ctx.session.scalars(
        select(SetupIntent).where(SetupIntent.account_id == ctx.account_id, SetupIntent.id == intent_id),
    ).one_or_none()
    if si is None:
        raise ResourceMissingError("setupintent", intent_id, param="intent")
    if client_secret is not None and client_secret != si.client_secret:
        raise InvalidRequestError(
            "The client_secret provided does not match the client_secret associated with the SetupIntent.",
            param="client_secret",
        )
    return si


def create_setup_intent(ctx: Ctx, gateway: PaymentGateway, data: dict[str, Any]) -> SetupIntent:
    """A new setup intent; emits ``setup_intent.created`` and, with ``confirm``, confirms it."""
    customer_id = get_customer(ctx, data["customer"], param="customer").id if data.get("customer") else None
    intent_id = new_id("seti")
    si = SetupIntent(
        id=intent_id,
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=customer_id,
        payment_method_id=None,
        status="requires_payment_method",
        usage=data.get("usage") or "off_session",
        client_secret=f"{intent_id}_secret_{random_token(32)}",
        description=data.get("description"),
        payment_method_types=list(dict.fromkeys(data.get("payment_method_types") or ["card"])),
        last_setup_error=None,
        cancellation_reason=None,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    if data.get("payment_method"):
        _use_payment_method(ctx, si, data["payment_method"])
    ctx.session.add(si)
    ctx.session.flush()
    record_event(ctx, "setup_intent.created", setup_intent_object(si))
    if data.get("confirm"):
        _confirm(ctx, gateway, si)
    return si


def confirm_setup_intent(ctx: Ctx, gateway: PaymentGateway, intent_id: str, data: dict[str, Any]) -> SetupIntent:
    """Verify the card and save it to the intent's customer.

    A decline answers 402 but keeps what happened (the intent's ``last_setup_error`` and
    the ``setup_intent.setup_failed`` event), as Stripe does.
    """
    si = get_setup_intent(ctx, intent_id)
    if si.status in _FINAL:
        raise _unexpected_state(si, "confirm")
    if data.get("payment_method"):
        _use_payment_method(ctx, si, data["payment_method"])
    _confirm(ctx, gateway, si)
    return si


def cancel_setup_intent(ctx: Ctx, intent_id: str, data: dict[str, Any]) -> SetupIntent:
    """Cancel an unfinished setup intent; emits ``setup_intent.canceled``."""
    si = get_setup_intent(ctx, intent_id)
    if si.status not in _CANCELABLE:
        raise _unexpected_state(si, "cancel")
    si.status = "canceled"
    si.cancellation_reason = data.get("cancellation_reason")
    ctx.session.flush()
    record_event(ctx, "setup_intent.canceled", setup_intent_object(si))
    return si


def list_setup_intents_query(ctx: Ctx, filters: dict[str, Any]) -> Select[SetupIntent]:
    """Setup intents of this account matching the list filters (``created`` is applied by the caller)."""
    stmt = select(SetupIntent).where(SetupIntent.account_id == ctx.account_id)
    if filters.get("customer") is not None:
        stmt = stmt.where(SetupIntent.customer_id == filters["customer"])
    if filters.get("payment_method") is not None:
        stmt = stmt.where(SetupIntent.payment_method_id == filters["payment_method"])
    return stmt


def _unexpected_state(si: SetupIntent, action: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"You cannot {action} this SetupIntent because it has a status of {si.status}.",
        code="setup_intent_unexpected_state",
    )


def _use_payment_method(ctx: Ctx, si: SetupIntent, payment_method_id: str) -> None:
    """Set the card to confirm with; one saved to a customer can only be set up for that customer."""
    pm = resolve_payment_method(ctx, payment_method_id, param="payment_method")
    if pm.customer_id is not None and pm.customer_id != si.customer_id:
        raise InvalidRequestError(
            f"The payment method {pm.id} is attached to customer {pm.customer_id}; "
            "a setup intent can only use it for that same customer.",
            param="payment_method",
        )
    si.payment_method_id = pm.id
    si.status = "requires_confirmation"


def _confirm(ctx: Ctx, gateway: PaymentGateway, si: SetupIntent) -> None:
    if si.payment_method_id is None:
        raise InvalidRequestError(
            "You cannot confirm this SetupIntent because it has no payment method; pass `payment_method` to set one.",
            code="setup_intent_unexpected_state",
            param="payment_method",
        )
    pm = get_payment_method(ctx, si.payment_method_id)
    try:
        verify_and_save(ctx, gateway, pm, si.customer_id)
    except CardError as exc:
        raise _failed(ctx, si, pm, exc) from None
    si.status = "succeeded"
    si.last_setup_error = None
    ctx.session.flush()
    record_event(ctx, "setup_intent.succeeded", setup_intent_object(si))


def _failed(ctx: Ctx, si: SetupIntent, pm: PaymentMethod, exc: CardError) -> CommittedError:
    """Record the decline on the intent; the 402 is answered after these changes are committed."""
    pm_object = payment_method_object(pm)
    si.last_setup_error = {**exc.to_dict(), "payment_method": pm_object}
    si.payment_method_id = None
    si.status = "requires_payment_method"
    ctx.session.flush()
    si_object = setup_intent_object(si)
    record_event(ctx, "setup_intent.setup_failed", si_object)
    extra = {"payment_method": pm_object, "setup_intent": si_object}
    return CommittedError(CardError(exc.message, code=exc.code, decline_code=exc.decline_code, extra=extra))
