"""Reads of subscriptions and their serialised form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Discount, Price, Subscription, SubscriptionItem
from billfold.objects.subscription import subscription_object

__all__ = ["get_subscription", "list_subscriptions_query", "live_items", "subscription_payload"]


def get_subscription(
    ctx: Ctx,
    subscription_id: str,
    *,
    param: str | None = "subscription",
    for_update: bool = False,
) -> Subscription:
    """A subscription of this account, or 404; ``for_update`` locks the row (PostgreSQL)."""
    stmt = select(Subscription).where(Subscription.account_id == ctx.account_id, Subscription.id == subscription_id)
    if for_update:
        stmt = stmt.with_for_update()
    sub = ctx.session.scalars(stmt).one_or_none()
    if sub is None:
        raise ResourceMissingError("subscription", subscription_id, param=param)
    return sub


def live_items(ctx: Ctx, subscription_id: str) -> list[tuple[SubscriptionItem, Price]]:
    """The subscription's current items with their prices, oldest first."""
    rows = ctx.session.execute(
        select(SubscriptionItem, Price)
        .join(Price, (Price.id == SubscriptionItem.price_id) & (Price.account_id == SubscriptionItem.account_id))
        .where(SubscriptionItem.subscription_id == subscription_id, SubscriptionItem.deleted_at.is_(None))
        .order_by(SubscriptionItem.pk),
    )
    return [(item, price) for item, price in rows]


def discount_ids(ctx: Ctx, subscription_id: str) -> list[str]:
    """Ids of the subscription's live discounts."""
    return list(
        ctx.session.scalars(
            select(Discount.id)
            .where(Discount.subscription_id == subscription_id, Discount.deleted_at.is_(None))
            .order_by(Discount.pk),
        ),
    )


def subscription_payload(ctx: Ctx, sub: Subscription) -> dict[str, Any]:
    """The subscription as the API shows it."""
    return subscription_object(sub, live_items(ctx, sub.id), discount_ids(ctx, sub.id))


def list_subscriptions_query(ctx: Ctx, filters: dict[str, Any]) -> Select[Subscription]:
    """Subscriptions matching the list filters; by default every status but canceled/expired."""
    stmt = select(Subscription).where(Subscription.account_id == ctx.account_id)
    status = filters.get("status")
    if status is None:
        stmt = stmt.where(Subscription.status.not_in(["canceled", "incomplete_expired"]))
    elif status == "ended":
        stmt = stmt.where(Subscription.status.in_(["canceled", "incomplete_expired"]))
    elif status != "all":
        stmt = stmt.where(Subscription.status == status)
    if filters.get("customer"):
        stmt = stmt.where(Subscription.customer_id == filters["customer"])
    if filters.get("collection_method"):
        stmt = stmt.where(Subscription.collection_method == filters["collection_method"])
    if filters.get("test_clock"):
        stmt = stmt.where(Subscription.test_clock_id == filters["test_clock"])
    if filters.get("price"):
        stmt = stmt.where(
            exists().where(
                SubscriptionItem.subscription_id == Subscription.id,
                SubscriptionItem.price_id == filters["price"],
                SubscriptionItem.deleted_at.is_(None),
            ),
        )
    return stmt
