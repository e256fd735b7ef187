"""``/v1/prices/search``: the fields Stripe lets you search prices by.

``active`` (``'true'`` or ``'false'``), ``currency``, ``lookup_key``, ``metadata['key']``,
``product`` and ``type`` (``one_time`` or ``recurring``). Deleted prices are never found.
"""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Price
from billfold.search_query import SearchField, parse_search, search

__all__ = ["search_prices"]

FIELDS = {
    "active": SearchField("boolean", lambda _: Price.active),
    "currency": SearchField("string", lambda _: Price.currency, normalize=str.lower),
    "lookup_key": SearchField("string", lambda _: Price.lookup_key),
    "metadata": SearchField("metadata", lambda key: Price.metadata_[key].as_string()),
    "product": SearchField("string", lambda _: Price.product_id),
    "type": SearchField("string", lambda _: Price.type, choices=("one_time", "recurring")),
}


def search_prices(ctx: Ctx, query: str, *, limit: int, page: str | None) -> tuple[list[Price], str | None]:
    """One page of matching prices, newest first, and the token of the next page (or None)."""
    condition = parse_search(query, FIELDS)
    scope = select(Price).where(Price.account_id == ctx.account_id, Price.deleted_at.is_(None))
    found = search(ctx, Price, scope, condition, limit=limit, page=page, total_count=False, page_prefix="price_search")
    return found.rows, found.next_page
