"""Charging an invoice: one recorded attempt per (invoice, attempt number)."""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.ids import new_id
from billfold.models import PaymentAttempt, PaymentMethod
from billfold.payments.interfaces import ChargeResult, PaymentGateway

__all__ = ["charge_invoice_attempt", "invoice_attempt_key"]


def invoice_attempt_key(invoice_id: str, attempt_number: int) -> str:
    """The gateway idempotency key of one attempt, derived from our ids so any retry reuses it."""
    return f"billfold:{invoice_id}:attempt:{attempt_number}"


def charge_invoice_attempt(
    ctx: Ctx,
    gateway: PaymentGateway,
    *,
    invoice_id: str,
    payment_method: PaymentMethod,
    amount: int,
    currency: str,
    attempt_number: int,
) -> ChargeResult:
    """Charge attempt ``attempt_number`` of an invoice and record it as a ``PaymentAttempt``.

    An attempt already recorded is answered from its row without calling the gateway; one
    whose row was rolled back after the gateway charged is answered by the gateway from the
    idempotency key. Either way the card is charged at most once per attempt.
    """
    recorded = ctx.session.scalars(
        select(PaymentAttempt).where(
            PaymentAttempt.account_id == ctx.account_id,
            PaymentAttempt.invoice_id == invoice_id,
            PaymentAttempt.attempt_number == attempt_number,
        ),
    ).one_or_none()
    if recorded is not None:
        return _result(recorded)
    result = gateway.charge(
        payment_method=payment_method,
        amount=amount,
        currency=currency,
        idempotency_key=invoice_attempt_key(invoice_id, attempt_number),
    )
    ctx.session.add(
        PaymentAttempt(
            id=new_id("py"),
            account_id=ctx.account_id,
            created=ctx.clock.now(),
            invoice_id=invoice_id,
            attempt_number=attempt_number,
            payment_method_id=payment_method.id,
            amount=amount,
            currency=currency,
            status="succeeded" if result.succeeded else "failed",
            decline_code=result.decline_code,
            failure_message=result.message,
            charge_id=result.charge_id,
            attempted_at=ctx.clock.now(),
        ),
    )
    ctx.session.flush()
    return result


def _result(attempt: PaymentAttempt) -> ChargeResult:
    return ChargeResult(
        succeeded=attempt.status == "succeeded",
        decline_code=attempt.decline_code,
        message=attempt.failure_message,
        charge_id=attempt.charge_id or "",
    )
