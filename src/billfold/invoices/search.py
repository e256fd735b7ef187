"""``/v1/invoices/search``: the fields Stripe lets you search invoices by.

``created``, ``currency``, ``customer``, ``metadata['key']``, ``number`` (``~`` for a
substring), ``status``, ``subscription`` and ``total`` (compared as an integer).
"""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Invoice
from billfold.search_query import SearchField, SearchPage, parse_search, search

__all__ = ["search_invoices"]

_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
FIELDS = {
    "created": SearchField("timestamp", lambda _: Invoice.created),
    "currency": SearchField("string", lambda _: Invoice.currency, normalize=str.lower),
    "customer": SearchField("string", lambda _: Invoice.customer_id),
    "metadata": SearchField("metadata", lambda key: Invoice.metadata_[key].as_string()),
    "number": SearchField("string", lambda _: Invoice.number, substring=True),
    "status": SearchField("string", lambda _: Invoice.status, choices=_STATUSES),
    "subscription": SearchField("string", lambda _: Invoice.subscription_id),
    "total": SearchField("number", lambda _: Invoice.total),
}


def search_invoices(ctx: Ctx, query: str, *, limit: int, page: str | None, total_count: bool) -> SearchPage:
    """Invoices of this account matching ``query``, newest first."""
    condition = parse_search(query, FIELDS)
    scope = select(Invoice).where(Invoice.account_id == ctx.account_id)
    return search(
        ctx,
        Invoice,
        scope,
        condition,
        limit=limit,
        page=page,
        total_count=total_count,
        page_prefix="in_search",
    )
