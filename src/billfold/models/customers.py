"""Customers, their tax IDs and their balance transactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["Customer", "CustomerBalanceTransaction", "TaxId"]


class Customer(AccountOwned):
    """A customer of a merchant. Deleted customers stay as tombstones (``deleted_at``)."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("account_id", "invoice_prefix", name="uq_customers_invoice_prefix"),
        Index("ix_customers_account_email", "account_id", "email"),
        Index("ix_customers_account_pk", "account_id", "pk"),
    )

    email: Mapped[str | None] = mapped_column(String(512))
    name: Mapped[str | None] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(String(5000))
    phone: Mapped[str | None] = mapped_column(String(20))
    business_name: Mapped[str | None] = mapped_column(String(150))
    individual_name: Mapped[str | None] = mapped_column(String(150))
    address: Mapped[dict[str, Any] | None]
    shipping: Mapped[dict[str, Any] | None]
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    delinquent: Mapped[bool] = mapped_column(default=False)
    invoice_prefix: Mapped[str] = mapped_column(String(12))
    next_invoice_sequence: Mapped[int] = mapped_column(default=1)
    invoice_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    preferred_locales: Mapped[list[str]] = mapped_column(default=list)
    tax_exempt: Mapped[str] = mapped_column(String(16), default="none")
    test_clock_id: Mapped[str | None] = mapped_column(String(64))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]


class TaxId(AccountOwned):
    """A customer's tax ID (``txi_``)."""

    __tablename__ = "tax_ids"
    __table_args__ = (Index("ix_tax_ids_customer_pk", "customer_id", "pk"),)

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    verification_status: Mapped[str] = mapped_column(String(16), default="unverified")


class CustomerBalanceTransaction(AccountOwned):
    """One change of a customer's credit balance (``cbtxn_``); negative amounts are credit."""

    __tablename__ = "customer_balance_transactions"
    __table_args__ = (Index("ix_cbtxn_customer_pk", "customer_id", "pk"),)

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(350))
    ending_balance: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(48))
    invoice_id: Mapped[str | None] = mapped_column(String(64))
    credit_note_id: Mapped[str | None] = mapped_column(String(64))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
