"""Subscriptions, their items, and discounts applied to customers or subscriptions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["Discount", "Subscription", "SubscriptionItem"]


class Subscription(AccountOwned):
    """A customer's recurring purchase (``sub_``)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_account_pk", "account_id", "pk"),
        Index("ix_subscriptions_customer", "customer_id"),
        Index("ix_subscriptions_status_period_end", "status", "current_period_end"),
    )

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    collection_method: Mapped[str] = mapped_column(String(24), default="charge_automatically")
    days_until_due: Mapped[int | None]
    default_payment_method_id: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(500))
    billing_cycle_anchor: Mapped[dt.datetime]
    start_date: Mapped[dt.datetime]
    # The subscription's current period (all items share one interval); the worker's index.
    current_period_start: Mapped[dt.datetime]
    current_period_end: Mapped[dt.datetime]
    cancel_at: Mapped[dt.datetime | None]
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    canceled_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    cancellation_details: Mapped[dict[str, Any] | None]
    trial_start: Mapped[dt.datetime | None]
    trial_end: Mapped[dt.datetime | None]
    trial_settings: Mapped[dict[str, Any] | None]
    pause_collection: Mapped[dict[str, Any] | None]
    latest_invoice_id: Mapped[str | None] = mapped_column(String(64))
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    schedule_id: Mapped[str | None] = mapped_column(String(64))
    test_clock_id: Mapped[str | None] = mapped_column(String(64))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class SubscriptionItem(AccountOwned):
    """One price and quantity on a subscription (``si_``)."""

    __tablename__ = "subscription_items"
    account_checked = False  # see AccountOwned.account_id
    __table_args__ = (Index("ix_subscription_items_subscription", "subscription_id", "pk"),)

    subscription_id: Mapped[str] = mapped_column(String(64), ForeignKey("subscriptions.id", ondelete="CASCADE"))
    price_id: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(default=1)
    current_period_start: Mapped[dt.datetime]
    current_period_end: Mapped[dt.datetime]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
    deleted_at: Mapped[dt.datetime | None]


class Discount(AccountOwned):
    """A coupon applied to a customer, subscription or invoice (``di_``)."""

    __tablename__ = "discounts"
    __table_args__ = (
        Index("ix_discounts_subscription", "subscription_id"),
        Index("ix_discounts_customer", "customer_id"),
    )

    coupon_pk: Mapped[int] = mapped_column(ForeignKey("coupons.pk"))
    promotion_code_id: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    invoice_id: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]
