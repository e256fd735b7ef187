"""``/v1/subscriptions``."""

from __future__ import annotations

from typing import Any

from billfold.api.listing import paginate, range_filter, search_envelope
from billfold.api.params.subscriptions import (
    SubscriptionCancel,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionResume,
    SubscriptionRetrieve,
    SubscriptionSearch,
    SubscriptionUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import Subscription
from billfold.payments import get_gateway
from billfold.subscriptions.cancel import cancel_subscription
from billfold.subscriptions.create import create_subscription
from billfold.subscriptions.queries import get_subscription, list_subscriptions_query, subscription_payload
from billfold.subscriptions.resume import resume_subscription
from billfold.subscriptions.search import search_subscriptions
from billfold.subscriptions.update import update_subscription

router = ApiRouter("Subscriptions")


@router.post("/v1/subscriptions", SubscriptionCreate, "Create a subscription", "subscription")
def create(ctx: Ctx, params: SubscriptionCreate) -> dict[str, Any]:
    sub = create_subscription(ctx, get_gateway(), params.given())
    return subscription_payload(ctx, sub)


@router.get("/v1/subscriptions", SubscriptionList, "List subscriptions", "list")
def list_(ctx: Ctx, params: SubscriptionList) -> dict[str, Any]:
    stmt = list_subscriptions_query(ctx, params.given())
    stmt = range_filter(stmt, Subscription.created, params.created)
    stmt = range_filter(stmt, Subscription.current_period_end, params.current_period_end)
    stmt = range_filter(stmt, Subscription.current_period_start, params.current_period_start)
    return paginate(
        ctx,
        Subscription,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda s: subscription_payload(ctx, s),
        url="/v1/subscriptions",
        kind="subscription",
    )


# Before ``/v1/subscriptions/{subscription}``, or "search" would be taken for an id.
@router.get("/v1/subscriptions/search", SubscriptionSearch, "Search subscriptions", "search_result")
def search(ctx: Ctx, params: SubscriptionSearch) -> dict[str, Any]:
    found = search_subscriptions(
        ctx, params.query, limit=params.limit, page=params.page, total_count=params.total_count
    )
    return search_envelope(found, [subscription_payload(ctx, s) for s in found.rows], "/v1/subscriptions/search")


@router.get("/v1/subscriptions/{subscription}", SubscriptionRetrieve, "Retrieve a subscription", "subscription")
def retrieve(ctx: Ctx, params: SubscriptionRetrieve, subscription: str) -> dict[str, Any]:
    return subscription_payload(ctx, get_subscription(ctx, subscription, param="subscription"))


@router.post("/v1/subscriptions/{subscription}", SubscriptionUpdate, "Update a subscription", "subscription")
def update(ctx: Ctx, params: SubscriptionUpdate, subscription: str) -> dict[str, Any]:
    sub = get_subscription(ctx, subscription, param="subscription", for_update=True)
    result = update_subscription(ctx, get_gateway(), sub, params.given())
    return subscription_payload(ctx, result.subscription)


@router.delete("/v1/subscriptions/{subscription}", SubscriptionCancel, "Cancel a subscription", "subscription")
def cancel(ctx: Ctx, params: SubscriptionCancel, subscription: str) -> dict[str, Any]:
    sub = get_subscription(ctx, subscription, param="subscription", for_update=True)
    return subscription_payload(ctx, cancel_subscription(ctx, get_gateway(), sub, params.given()))


@router.post(
    "/v1/subscriptions/{subscription}/resume",
    SubscriptionResume,
    "Resume a paused subscription",
    "subscription",
)
def resume(ctx: Ctx, params: SubscriptionResume, subscription: str) -> dict[str, Any]:
    sub = get_subscription(ctx, subscription, param="subscription", for_update=True)
    return subscription_payload(ctx, resume_subscription(ctx, get_gateway(), sub, params.given()))
