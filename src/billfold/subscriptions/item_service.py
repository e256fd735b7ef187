"""``/v1/subscription_items``: one item changed through the subscription's own update.

Every change is an ``items[]`` entry handed to
:func:`billfold.subscriptions.update.update_subscription`, so prorations, immediate
invoices and events are exactly those of ``POST /v1/subscriptions/{id}``. Errors that
update names ``items[0][price]`` are renamed to this endpoint's ``price``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, select

from billfold.catalog.prices import get_price
from billfold.context import Ctx
from billfold.errors import BillfoldError, ResourceMissingError
from billfold.models import Price, SubscriptionItem
from billfold.payments import PaymentGateway
from billfold.subscriptions.queries import get_subscription
from billfold.subscriptions.update import update_subscription

__all__ = [
    "create_subscription_item",
    "delete_subscription_item",
    "get_subscription_item",
    "list_subscription_items_query",
    "update_subscription_item",
]

_ITEM_FIELDS = ("price", "plan", "price_data", "quantity", "metadata")
_UPDATE_FIELDS = ("proration_behavior", "proration_date", "payment_behavior")


def get_subscription_item(ctx: Ctx, item_id: str, *, param: str | None = "item") -> tuple[SubscriptionItem, Price]:
    """A live item of this account with its price, or 404."""
    item = ctx.session.scalars(
        select(SubscriptionItem).where(
            SubscriptionItem.account_id == ctx.account_id,
            SubscriptionItem.id == item_id,
            SubscriptionItem.deleted_at.is_(None),
        ),
    ).one_or_none()
    if item is None:
        raise ResourceMissingError("subscription item", item_id, param=param)
    return item, get_price(ctx, item.price_id, param=None)


def list_subscription_items_query(ctx: Ctx, subscription_id: str) -> Select[SubscriptionItem]:
    """The live items of a subscription of this account (404 if the subscription is not)."""
    sub = get_subscription(ctx, subscription_id, param="subscription")
    return select(SubscriptionItem).where(
        SubscriptionItem.account_id == ctx.account_id,
        SubscriptionItem.subscription_id == sub.id,
        SubscriptionItem.deleted_at.is_(None),
    )


def _renamed(param: str | None) -> str | None:
    """``items[0][price_data][currency]`` → ``price_data[currency]``; the list as a whole → None."""
    if param is None or not param.startswith("items"):
        return param
    if not param.startswith("items[0]["):
        return None
    head, _, rest = param.removeprefix("items[0][").partition("]")
    return head + rest


@contextmanager
def _as_item_params() -> Iterator[None]:
    try:
        yield
    except BillfoldError as exc:
        exc.param = _renamed(exc.param)
        raise


def _update_data(data: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {"items": [entry], **{key: data[key] for key in _UPDATE_FIELDS if key in data}}


def create_subscription_item(ctx: Ctx, gateway: PaymentGateway, data: dict[str, Any]) -> SubscriptionItem:
    """Add a price to a subscription (prorated as an update would)."""
    sub = get_subscription(ctx, data["subscription"], param="subscription", for_update=True)
    entry = {key: data[key] for key in _ITEM_FIELDS if key in data}
    with _as_item_params():
        update_subscription(ctx, gateway, sub, _update_data(data, entry))
    return ctx.session.scalars(
        select(SubscriptionItem)
        .where(SubscriptionItem.subscription_id == sub.id, SubscriptionItem.deleted_at.is_(None))
        .order_by(SubscriptionItem.pk.desc())
        .limit(1),
    ).one()


def update_subscription_item(ctx: Ctx, gateway: PaymentGateway, item_id: str, data: dict[str, Any]) -> SubscriptionItem:
    """Change an item's price, quantity or metadata (prorated as an update would)."""
    item, _price = get_subscription_item(ctx, item_id)
    sub = get_subscription(ctx, item.subscription_id, param=None, for_update=True)
    entry = {"id": item.id, **{key: data[key] for key in _ITEM_FIELDS if key in data}}
    with _as_item_params():
        update_subscription(ctx, gateway, sub, _update_data(data, entry))
    return item


def delete_subscription_item(ctx: Ctx, gateway: PaymentGateway, item_id: str, data: dict[str, Any]) -> str:
    """Remove an item (crediting unused time as an update would); the last item cannot go."""
    item, _price = get_subscription_item(ctx, item_id)
    sub = get_subscription(ctx, item.subscription_id, param=None, for_update=True)
    with _as_item_params():
        update_subscription(ctx, gateway, sub, _update_data(data, {"id": item.id, "deleted": True}))
    return item.id
