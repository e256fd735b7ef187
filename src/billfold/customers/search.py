"""Customer search: a parsed query becomes one SQL filter, paged by an opaque cursor.

Metadata goes through SQLAlchemy's JSON indexing, which renders ``json_extract`` on SQLite
and ``->>`` on PostgreSQL's JSONB, so both backends answer the same query.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, or_, select

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.customers.search_syntax import Clause, parse_query
from billfold.errors import InvalidRequestError
from billfold.models import Customer

__all__ = ["SearchPage", "search_customers"]

_PAGE_PREFIX = "cus_search:"


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results, the cursor of the next one, and the count if asked."""

    customers: list[Customer]
    has_more: bool
    next_page: str | None
    total_count: int | None


def _string_column(field: str, key: str | None) -> SQLColumnExpression[str | None]:
    if field == "metadata":
        value: SQLColumnExpression[str | None] = Customer.metadata_[key].as_string()
        return value
    columns: dict[str, SQLColumnExpression[str | None]] = {
        "email": Customer.email,
        "name": Customer.name,
        "phone": Customer.phone,
    }
    return columns[field]


def _created(clause: Clause) -> ColumnElement[bool]:
    at = from_unix(int(clause.value))
    ops = {
        ":": Customer.created == at,
        ">": Customer.created > at,
        ">=": Customer.created >= at,
        "<": Customer.created < at,
        "<=": Customer.created <= at,
    }
    condition = ops[clause.op]
    return ~condition if clause.negated else condition


def _condition(clause: Clause) -> ColumnElement[bool]:
    """The SQL for one clause; a negated string clause also matches customers without the field."""
    if clause.field == "created":
        return _created(clause)
    column = _string_column(clause.field, clause.key)
    value = str(clause.value)
    match = column.icontains(value, autoescape=True) if clause.op == "~" else column == value
    if clause.negated:
        return or_(column.is_(None), ~match)
    return match


def _encode_page(pk: int) -> str:
    return base64.urlsafe_b64encode(f"{_PAGE_PREFIX}{pk}".encode()).decode().rstrip("=")


def _decode_page(page: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(page + "=" * (-len(page) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(_PAGE_PREFIX)
    if not raw.startswith(_PAGE_PREFIX) or not number.isdigit():
        raise InvalidRequestError(
            f"Invalid page: '{page}' is not a page token from a previous search's next_page.",
            param="page",
        )
    return int(number)


def search_customers(ctx: Ctx, query: str, *, limit: int, page: str | None, total_count: bool) -> SearchPage:
    """Live customers of this account matching ``query``, newest first."""
    parsed = parse_query(query)
    conditions = [_condition(clause) for clause in parsed.clauses]
    matched = and_(*conditions) if parsed.conjunction == "AND" else or_(*conditions)
    scope = and_(Customer.account_id == ctx.account_id, Customer.deleted_at.is_(None), matched)
    stmt = select(Customer).where(scope)
    if page is not None:
        stmt = stmt.where(Customer.pk < _decode_page(page))
    rows = list(ctx.session.scalars(stmt.order_by(Customer.pk.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    count = None
    if total_count:
        count = ctx.session.scalar(select(func.count()).select_from(Customer).where(scope))
    return SearchPage(
        customers=rows,
        has_more=has_more,
        next_page=_encode_page(rows[-1].pk) if has_more else None,
        total_count=count,
    )
