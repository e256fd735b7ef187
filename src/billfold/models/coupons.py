"""Coupons and the promotion codes that hand them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billfold.models.base import AccountOwned

__all__ = ["Coupon", "PromotionCode"]


class Coupon(AccountOwned):
    """A discount definition. Ids may be chosen by the caller, so they are unique per account."""

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("account_id", "id", name="uq_coupons_account_id"),
        Index("ix_coupons_account_pk", "account_id", "pk"),
    )

    # Callers may choose coupon ids, so they are unique per account, not globally.
    id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(40))
    amount_off: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # Exact decimal string such as "12.5"; applied with integer arithmetic only.
    percent_off: Mapped[str | None] = mapped_column(String(16))
    duration: Mapped[str] = mapped_column(String(16))
    duration_in_months: Mapped[int | None]
    max_redemptions: Mapped[int | None]
    redeem_by: Mapped[dt.datetime | None]
    times_redeemed: Mapped[int] = mapped_column(default=0)
    applies_to_products: Mapped[list[str] | None]
    currency_options: Mapped[dict[str, Any] | None]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]


class PromotionCode(AccountOwned):
    """A customer-facing code for a coupon (``promo_``); codes are unique per account, any case."""

    __tablename__ = "promotion_codes"
    __table_args__ = (
        UniqueConstraint("account_id", "code_key", name="uq_promotion_codes_account_code"),
        Index("ix_promotion_codes_account_pk", "account_id", "pk"),
    )

    code: Mapped[str] = mapped_column(String(500))
    code_key: Mapped[str] = mapped_column(String(500))  # upper-cased ``code`` for uniqueness
    coupon_pk: Mapped[int] = mapped_column(ForeignKey("coupons.pk"))
    # Loaded explicitly (joinedload) or from the identity map; never lazily.
    coupon: Mapped[Coupon] = relationship(lazy="raise_on_sql")
    active: Mapped[bool] = mapped_column(default=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("customers.id", ondelete="SET NULL"))
    expires_at: Mapped[dt.datetime | None]
    max_redemptions: Mapped[int | None]
    times_redeemed: Mapped[int] = mapped_column(default=0)
    first_time_transaction: Mapped[bool] = mapped_column(default=False)
    minimum_amount: Mapped[int | None] = mapped_column(BigInteger)
    minimum_amount_currency: Mapped[str | None] = mapped_column(String(3))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
