"""``/v1/subscription_items``: one item of a subscription, changed as a subscription update."""

from __future__ import annotations

from typing import Any

from billfold.api.listing import paginate
from billfold.api.params.subscription_items import (
    SubscriptionItemCreate,
    SubscriptionItemDelete,
    SubscriptionItemList,
    SubscriptionItemRetrieve,
    SubscriptionItemUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.catalog.prices import get_price
from billfold.context import Ctx
from billfold.models import SubscriptionItem
from billfold.objects import deleted_object
from billfold.objects.subscription import subscription_item_object
from billfold.payments import get_gateway
from billfold.subscriptions.item_service import (
    create_subscription_item,
    delete_subscription_item,
    get_subscription_item,
    list_subscription_items_query,
    update_subscription_item,
)

router = ApiRouter("Subscription items")


def _payload(ctx: Ctx, item: SubscriptionItem) -> dict[str, Any]:
    return subscription_item_object(item, get_price(ctx, item.price_id, param=None))


@router.post("/v1/subscription_items", SubscriptionItemCreate, "Add an item to a subscription", "subscription_item")
def create(ctx: Ctx, params: SubscriptionItemCreate) -> dict[str, Any]:
    return _payload(ctx, create_subscription_item(ctx, get_gateway(), params.given()))


@router.get("/v1/subscription_items", SubscriptionItemList, "List a subscription's items", "list")
def list_(ctx: Ctx, params: SubscriptionItemList) -> dict[str, Any]:
    return paginate(
        ctx,
        SubscriptionItem,
        list_subscription_items_query(ctx, params.subscription),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda item: _payload(ctx, item),
        url="/v1/subscription_items",
        kind="subscription item",
        oldest_first=True,
    )


@router.get(
    "/v1/subscription_items/{item}", SubscriptionItemRetrieve, "Retrieve a subscription item", "subscription_item"
)
def retrieve(ctx: Ctx, params: SubscriptionItemRetrieve, item: str) -> dict[str, Any]:
    found, price = get_subscription_item(ctx, item)
    return subscription_item_object(found, price)


@router.post("/v1/subscription_items/{item}", SubscriptionItemUpdate, "Update a subscription item", "subscription_item")
def update(ctx: Ctx, params: SubscriptionItemUpdate, item: str) -> dict[str, Any]:
    return _payload(ctx, update_subscription_item(ctx, get_gateway(), item, params.given()))


@router.delete(
    "/v1/subscription_items/{item}", SubscriptionItemDelete, "Delete a subscription item", "deleted_subscription_item"
)
def delete(ctx: Ctx, params: SubscriptionItemDelete, item: str) -> dict[str, Any]:
    return deleted_object("subscription_item", delete_subscription_item(ctx, get_gateway(), item, params.given()))
