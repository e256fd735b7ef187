"""Payment methods, setup intents and payment attempts (the test gateway's records)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["PaymentAttempt", "PaymentMethod", "SetupIntent"]


class PaymentMethod(AccountOwned):
    """A saved card (``pm_``). ``charge_behavior`` is what the test gateway does when charged."""

    __tablename__ = "payment_methods"
    __table_args__ = (Index("ix_payment_methods_customer_pk", "customer_id", "pk"),)

    customer_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32), default="card")
    card: Mapped[dict[str, Any] | None]
    billing_details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    allow_redisplay: Mapped[str] = mapped_column(String(16), default="unspecified")
    # What the test gateway does: "succeed", or the decline code it answers with
    # when the card is verified (attach, setup) or charged (e.g. "generic_decline").
    verify_behavior: Mapped[str] = mapped_column(String(48), default="succeed")
    charge_behavior: Mapped[str] = mapped_column(String(48), default="succeed")
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class SetupIntent(AccountOwned):
    """Saving a payment method for later (``seti_``)."""

    __tablename__ = "setup_intents"
    __table_args__ = (Index("ix_setup_intents_account_pk", "account_id", "pk"),)

    customer_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    payment_method_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    usage: Mapped[str] = mapped_column(String(16), default="off_session")
    client_secret: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(String(1000))
    payment_method_types: Mapped[list[str]] = mapped_column(default=list)
    last_setup_error: Mapped[dict[str, Any] | None]
    cancellation_reason: Mapped[str | None] = mapped_column(String(32))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class PaymentAttempt(AccountOwned):
    """One charge attempt on an invoice, kept for attempt counts and audit (``py_``)."""

    __tablename__ = "payment_attempts"
    account_checked = False  # see AccountOwned.account_id
    # One row per (invoice, attempt): a retried request finds the attempt instead of charging again.
    __table_args__ = (UniqueConstraint("invoice_id", "attempt_number", name="uq_payment_attempts_invoice_attempt"),)

    invoice_id: Mapped[str] = mapped_column(String(64), ForeignKey("invoices.id", ondelete="CASCADE"))
    attempt_number: Mapped[int]
    charge_id: Mapped[str | None] = mapped_column(String(64))
    payment_method_id: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # succeeded | failed
    decline_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    attempted_at: Mapped[dt.datetime]
