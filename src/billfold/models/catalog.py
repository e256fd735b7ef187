"""Products and prices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["Price", "Product"]


class Product(AccountOwned):
    """Something a merchant sells (``prod_``); a product with prices cannot be deleted."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("account_id", "id", name="uq_products_account_id"),
        Index("ix_products_account_pk", "account_id", "pk"),
    )

    # Callers may choose product ids, so they are unique per account, not globally.
    id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(5000))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(40000))
    default_price_id: Mapped[str | None] = mapped_column(String(64))
    images: Mapped[list[str]] = mapped_column(default=list)
    marketing_features: Mapped[list[Any]] = mapped_column(default=list)
    package_dimensions: Mapped[dict[str, Any] | None]
    shippable: Mapped[bool | None]
    statement_descriptor: Mapped[str | None] = mapped_column(String(22))
    tax_code: Mapped[str | None] = mapped_column(String(64))
    unit_label: Mapped[str | None] = mapped_column(String(12))
    url: Mapped[str | None] = mapped_column(String(5000))
    type: Mapped[str] = mapped_column(String(16), default="service")
    updated: Mapped[dt.datetime]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]


class Price(AccountOwned):
    """How much and how often a product costs (``price_``); amounts are minor units."""

    __tablename__ = "prices"
    __table_args__ = (
        Index("ix_prices_account_pk", "account_id", "pk"),
        Index("ix_prices_account_lookup_key", "account_id", "lookup_key", unique=True),
        Index("ix_prices_account_product", "account_id", "product_id"),
    )

    # The product's id on the same account (product ids are unique per account only).
    product_id: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    currency: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(16))  # one_time | recurring
    unit_amount: Mapped[int | None] = mapped_column(BigInteger)
    # Exact decimal string (sub-minor-unit prices), kept as text so no float ever touches it.
    unit_amount_decimal: Mapped[str | None] = mapped_column(String(64))
    billing_scheme: Mapped[str] = mapped_column(String(16), default="per_unit")
    tiers_mode: Mapped[str | None] = mapped_column(String(16))
    tiers: Mapped[list[Any] | None]
    recurring_interval: Mapped[str | None] = mapped_column(String(8))
    recurring_interval_count: Mapped[int | None]
    recurring_usage_type: Mapped[str | None] = mapped_column(String(16))
    recurring_trial_period_days: Mapped[int | None]
    lookup_key: Mapped[str | None] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(5000))
    tax_behavior: Mapped[str | None] = mapped_column(String(16))
    transform_quantity: Mapped[dict[str, Any] | None]
    custom_unit_amount: Mapped[dict[str, Any] | None]
    currency_options: Mapped[dict[str, Any] | None]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]
