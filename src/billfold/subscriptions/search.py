"""``/v1/subscriptions/search``: ``created``, ``customer``, ``metadata['key']`` and ``status``."""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Subscription
from billfold.search_query import SearchField, SearchPage, parse_search, search

__all__ = ["search_subscriptions"]

_STATUSES = (
    "active",
    "canceled",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
)
FIELDS = {
    "created": SearchField("timestamp", lambda _: Subscription.created),
    "customer": SearchField("string", lambda _: Subscription.customer_id),
    "metadata": SearchField("metadata", lambda key: Subscription.metadata_[key].as_string()),
    "status": SearchField("string", lambda _: Subscription.status, choices=_STATUSES),
}


def search_subscriptions(ctx: Ctx, query: str, *, limit: int, page: str | None, total_count: bool) -> SearchPage:
    """Subscriptions of this account matching ``query`` (every status), newest first."""
    condition = parse_search(query, FIELDS)
    scope = select(Subscription).where(Subscription.account_id == ctx.account_id)
    return search(
        ctx,
        Subscription,
        scope,
        condition,
        limit=limit,
        page=page,
        total_count=total_count,
        page_prefix="sub_search",
    )
