"""Reads that turn rows into what the portal policy is told (a few statements per customer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from billfold.billing_portal.policy_types import PortalItem, PortalPrice, PortalSubscription
from billfold.context import Ctx
from billfold.models import Discount, Price, Subscription, SubscriptionItem

__all__ = ["configured_prices", "customer_subscriptions", "portal_price", "portal_subscriptions"]


def portal_price(price: Price) -> PortalPrice:
    """A price as the policy sees it."""
    simple = price.billing_scheme == "per_unit" and price.custom_unit_amount is None
    return PortalPrice(
        id=price.id,
        product=price.product_id,
        currency=price.currency,
        active=price.active and price.deleted_at is None,
        recurring=price.type == "recurring",
        interval=price.recurring_interval or "month",
        interval_count=price.recurring_interval_count or 1,
        usage_type=price.recurring_usage_type or "licensed",
        unit_amount=price.unit_amount if simple else None,
    )


def portal_subscriptions(ctx: Ctx, subscriptions: Iterable[Subscription]) -> list[PortalSubscription]:
    """``subscriptions`` (of this account) with their live items, prices and discounts."""
    subs = list(subscriptions)
    ids = [s.id for s in subs]
    if not ids:
        return []
    items: dict[str, list[PortalItem]] = defaultdict(list)
    rows = ctx.session.execute(
        select(SubscriptionItem, Price)
        .join(Price, (Price.id == SubscriptionItem.price_id) & (Price.account_id == SubscriptionItem.account_id))
        .where(
            SubscriptionItem.account_id == ctx.account_id,
            SubscriptionItem.subscription_id.in_(ids),
            SubscriptionItem.deleted_at.is_(None),
        )
        .order_by(SubscriptionItem.pk),
    )
    for item, price in rows:
        items[item.subscription_id].append(PortalItem(item.id, portal_price(price), item.quantity))
    discounted = set(
        ctx.session.scalars(
            select(Discount.subscription_id).where(
                Discount.account_id == ctx.account_id,
                Discount.subscription_id.in_(ids),
                Discount.deleted_at.is_(None),
            ),
        ),
    )
    return [
        PortalSubscription(
            id=s.id,
            customer=s.customer_id,
            status=s.status,
            currency=s.currency,
            items=tuple(items[s.id]),
            current_period_end=s.current_period_end,
            cancel_at_period_end=s.cancel_at_period_end,
            cancel_at=s.cancel_at,
            trial_end=s.trial_end,
            collection_paused=s.pause_collection is not None,
            schedule=s.schedule_id,
            on_behalf_of=s.on_behalf_of,
            has_discount=s.id in discounted,
        )
        for s in subs
    ]


def customer_subscriptions(ctx: Ctx, customer_id: str) -> list[PortalSubscription]:
    """Every subscription of the customer, newest first (the policy decides which are shown)."""
    subs = ctx.session.scalars(
        select(Subscription)
        .where(Subscription.account_id == ctx.account_id, Subscription.customer_id == customer_id)
        .order_by(Subscription.pk.desc()),
    )
    return portal_subscriptions(ctx, subs)


def configured_prices(ctx: Ctx, features: Mapping[str, Any]) -> dict[str, PortalPrice]:
    """The prices a configuration's ``subscription_update.products`` names, by id."""
    ids = {price for entry in features["subscription_update"]["products"] or [] for price in entry["prices"]}
    if not ids:
        return {}
    prices = ctx.session.scalars(select(Price).where(Price.account_id == ctx.account_id, Price.id.in_(ids)))
    return {price.id: portal_price(price) for price in prices}
