"""Invoices, their line items, and invoice items waiting for the next invoice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["Invoice", "InvoiceItem", "InvoiceLine"]


class Invoice(AccountOwned):
    """A bill (``in_``): draft → open → paid | uncollectible | void.

    ``(subscription_id, period_start, billing_reason)`` is unique for cycle invoices so a
    renewal that runs twice bills once.
    """

    __tablename__ = "invoices"
    account_checked = False  # see AccountOwned.account_id
    __table_args__ = (
        Index("ix_invoices_account_pk", "account_id", "pk"),
        Index("ix_invoices_customer", "customer_id", "pk"),
        Index("ix_invoices_subscription", "subscription_id", "pk"),
        UniqueConstraint("account_id", "number", name="uq_invoices_account_number"),
        UniqueConstraint("renewal_key", name="uq_invoices_renewal_key"),
    )

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    billing_reason: Mapped[str | None] = mapped_column(String(48))
    collection_method: Mapped[str] = mapped_column(String(24), default="charge_automatically")
    description: Mapped[str | None] = mapped_column(String(1500))
    footer: Mapped[str | None] = mapped_column(String(5000))
    due_date: Mapped[dt.datetime | None]
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    total_discount_amounts: Mapped[list[Any]] = mapped_column(default=list)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    starting_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    ending_balance: Mapped[int | None] = mapped_column(BigInteger)
    amount_due: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_remaining: Mapped[int] = mapped_column(BigInteger, default=0)
    attempt_count: Mapped[int] = mapped_column(default=0)
    attempted: Mapped[bool] = mapped_column(default=False)
    auto_advance: Mapped[bool] = mapped_column(default=True)
    next_payment_attempt: Mapped[dt.datetime | None]
    default_payment_method_id: Mapped[str | None] = mapped_column(String(64))
    finalized_at: Mapped[dt.datetime | None]
    paid_at: Mapped[dt.datetime | None]
    voided_at: Mapped[dt.datetime | None]
    marked_uncollectible_at: Mapped[dt.datetime | None]
    # The customer as billed, frozen at finalisation.
    customer_snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_finalization_error: Mapped[dict[str, Any] | None]
    last_payment_error: Mapped[dict[str, Any] | None]
    # Unguessable token for the hosted page and PDF URLs.
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    renewal_key: Mapped[str | None] = mapped_column(String(200))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class InvoiceLine(AccountOwned):
    """A line of an invoice (``il_``); amounts are before invoice-level discounts."""

    __tablename__ = "invoice_lines"
    account_checked = False  # see AccountOwned.account_id
    __table_args__ = (Index("ix_invoice_lines_invoice", "invoice_id", "position"),)

    invoice_id: Mapped[str] = mapped_column(String(64), ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int]
    invoice_item_id: Mapped[str | None] = mapped_column(String(64))
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    subscription_item_id: Mapped[str | None] = mapped_column(String(64))
    price_id: Mapped[str | None] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(5000))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[int | None]
    unit_amount_decimal: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    proration: Mapped[bool] = mapped_column(default=False)
    discountable: Mapped[bool] = mapped_column(default=True)
    discount_amounts: Mapped[list[Any]] = mapped_column(default=list)
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class InvoiceItem(AccountOwned):
    """A charge or credit waiting for the customer's next invoice (``ii_``)."""

    __tablename__ = "invoice_items"
    __table_args__ = (
        Index("ix_invoice_items_account_pk", "account_id", "pk"),
        Index("ix_invoice_items_customer_pending", "customer_id", "invoice_id"),
    )

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    invoice_id: Mapped[str | None] = mapped_column(String(64))
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    subscription_item_id: Mapped[str | None] = mapped_column(String(64))
    price_id: Mapped[str | None] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(5000))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_amount_decimal: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    proration: Mapped[bool] = mapped_column(default=False)
    discountable: Mapped[bool] = mapped_column(default=True)
    date: Mapped[dt.datetime]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]
