"""``/v1/customers/search``: the fields Stripe lets you search customers by.

``created``, ``email``, ``metadata['key']``, ``name`` and ``phone`` (the last three take
``~`` for a case-insensitive substring). Deleted customers are never found.
"""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Customer
from billfold.search_query import SearchField, SearchPage, parse_search, search

__all__ = ["SearchPage", "search_customers"]

FIELDS = {
    "created": SearchField("timestamp", lambda _: Customer.created),
    "email": SearchField("string", lambda _: Customer.email, substring=True),
    "metadata": SearchField("metadata", lambda key: Customer.metadata_[key].as_string()),
    "name": SearchField("string", lambda _: Customer.name, substring=True),
    "phone": SearchField("string", lambda _: Customer.phone, substring=True),
}


def search_customers(ctx: Ctx, query: str, *, limit: int, page: str | None, total_count: bool) -> SearchPage:
    """Live customers of this account matching ``query``, newest first."""
    condition = parse_search(query, FIELDS)
    scope = select(Customer).where(Customer.account_id == ctx.account_id, Customer.deleted_at.is_(None))
    return search(
        ctx,
        Customer,
        scope,
        condition,
        limit=limit,
        page=page,
        total_count=total_count,
        page_prefix="cus_search",
    )
