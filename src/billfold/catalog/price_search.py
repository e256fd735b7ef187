"""``/v1/prices/search``: a small subset of Stripe's search query language.

Supported: ``field:'value'`` clauses on active, currency, lookup_key, product and
type, and ``metadata['key']:'value'``, joined by all-AND or all-OR. Anything else is
a 400 naming ``query``, so callers learn early what the subset cannot do.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, or_, select

from billfold.context import Ctx
from billfold.errors import InvalidRequestError
from billfold.models import Price

__all__ = ["search_prices"]

_CLAUSE = re.compile(
    r"""\s*(?:metadata\[(?:'(?P<k1>[^'\\]*)'|"(?P<k2>[^"\\]*)")\]|(?P<field>[a-z_]+))"""
    r"""\s*:\s*(?:'(?P<v1>(?:\\.|[^'\\])*)'|"(?P<v2>(?:\\.|[^"\\])*)")\s*""",
)
_JOIN = re.compile(r"(AND|OR)\s+")
_ESCAPE = re.compile(r"\\(.)")
_MAX_CLAUSES = 10


def _bad(message: str) -> InvalidRequestError:
    return InvalidRequestError(f"Invalid search query: {message}", param="query")


def _condition(field: str, value: str) -> ColumnElement[bool]:
    if field == "active":
        if value not in {"true", "false"}:
            raise _bad("active must be 'true' or 'false'.")
        return Price.active.is_(value == "true")
    if field == "type":
        if value not in {"one_time", "recurring"}:
            raise _bad("type must be 'one_time' or 'recurring'.")
        return Price.type == value
    if field == "currency":
        return Price.currency == value.lower()
    if field == "lookup_key":
        return Price.lookup_key == value
    if field == "product":
        return Price.product_id == value
    supported = "active, currency, lookup_key, metadata['key'], product, type"
    raise _bad(f"prices cannot be searched by '{field}' here (supported: {supported}).")


def parse_query(query: str) -> ColumnElement[bool]:
    """One SQL condition for ``query``."""
    conditions: list[ColumnElement[bool]] = []
    joins: set[str] = set()
    position = 0
    while True:
        match = _CLAUSE.match(query, position)
        if match is None:
            raise _bad(f"expected field:'value' at character {position}.")
        value = _ESCAPE.sub(r"\1", match["v1"] if match["v1"] is not None else match["v2"])
        key = match["k1"] if match["k1"] is not None else match["k2"]
        if key is not None:
            conditions.append(Price.metadata_[key].as_string() == value)
        else:
            conditions.append(_condition(match["field"], value))
        position = match.end()
        if position == len(query):
            break
        join = _JOIN.match(query, position)
        if join is None:
            raise _bad(f"expected AND or OR at character {position}.")
        joins.add(join[1])
        position = join.end()
    if len(joins) > 1:
        raise _bad("AND and OR cannot be combined in one query.")
    if len(conditions) > _MAX_CLAUSES:
        raise _bad(f"at most {_MAX_CLAUSES} clauses are allowed.")
    return or_(*conditions) if joins == {"OR"} else and_(*conditions)


def search_prices(ctx: Ctx, query: str, *, limit: int, page: str | None) -> tuple[list[Price], str | None]:
    """One page of matching prices, newest first, and the token of the next page (or None)."""
    stmt = select(Price).where(Price.account_id == ctx.account_id, Price.deleted_at.is_(None), parse_query(query))
    if page is not None:
        after = ctx.session.scalar(select(Price.pk).where(Price.account_id == ctx.account_id, Price.id == page))
        if after is None:
            raise InvalidRequestError(
                f"Invalid page: '{page[:40]}'. Use next_page from a previous search.", param="page"
            )
        stmt = stmt.where(Price.pk < after)
    rows = list(ctx.session.scalars(stmt.order_by(Price.pk.desc()).limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None
