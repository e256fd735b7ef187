"""Stripe's list envelope and cursor pagination (newest first, ``pk`` as the cursor)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select

from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.models.base import AccountOwned
from billfold.rows import TableRows
from billfold.search_query import SearchPage

__all__ = ["list_envelope", "paginate", "range_filter", "search_envelope"]

M = TypeVar("M", bound=AccountOwned)


def list_envelope(data: Sequence[dict[str, Any]], url: str, *, has_more: bool) -> dict[str, Any]:
    """``{"object": "list", ...}``."""
    return {"object": "list", "data": list(data), "has_more": has_more, "url": url}


def _cursor(ctx: Ctx, model: type[M], object_id: str, param: str, kind: str) -> int:
    pk = ctx.connection.execute(
        select(model.pk).where(model.account_id == ctx.account_id, model.id == object_id),
    ).scalar_one_or_none()
    if pk is None:
        raise ResourceMissingError(kind, object_id, param=param)
    return pk


def search_envelope(page: SearchPage, data: Sequence[dict[str, Any]], url: str) -> dict[str, Any]:
    """``{"object": "search_result", ...}``; ``total_count`` only when it was asked for."""
    result: dict[str, Any] = {
        "object": "search_result",
        "data": list(data),
        "has_more": page.has_more,
        "next_page": page.next_page,
        "url": url,
    }
    if page.total_count is not None:
        result["total_count"] = page.total_count
    return result


def paginate(
    ctx: Ctx,
    model: type[M],
    stmt: Select[M],
    *,
    limit: int,
    starting_after: str | None,
    ending_before: str | None,
    serialize: Callable[[M], dict[str, Any]],
    url: str,
    kind: str,
    oldest_first: bool = False,
    rows: TableRows | None = None,
) -> dict[str, Any]:
    """One page of ``stmt`` (already filtered to the account) in Stripe's list shape.

    Lists are newest first; ``oldest_first`` is for ordered parts such as invoice lines.
    With ``rows`` (the model's :class:`~billfold.rows.TableRows`) the page is read as light
    rows instead of ORM entities, for serializers that read only columns: a page of 100
    then costs a fraction as much.
    """

    def fetch(page: Select[M]) -> list[M]:
        if rows is None:
            return list(ctx.session.scalars(page))
        return rows.all(ctx.connection, page)

    if starting_after and ending_before:
        raise InvalidRequestError(
            "You may only specify one of these parameters: starting_after, ending_before.",
            code="parameters_exclusive",
            param="starting_after",
        )
    forward, backward = (model.pk.asc(), model.pk.desc()) if oldest_first else (model.pk.desc(), model.pk.asc())
    if ending_before:
        pk = _cursor(ctx, model, ending_before, "ending_before", kind)
        before = model.pk < pk if oldest_first else model.pk > pk
        found = fetch(stmt.where(before).order_by(backward).limit(limit + 1))
        has_more = len(found) > limit
        found = list(reversed(found[:limit]))
    else:
        if starting_after:
            pk = _cursor(ctx, model, starting_after, "starting_after", kind)
            stmt = stmt.where(model.pk > pk if oldest_first else model.pk < pk)
        found = fetch(stmt.order_by(forward).limit(limit + 1))
        has_more = len(found) > limit
        found = found[:limit]
    return list_envelope([serialize(item) for item in found], url, has_more=has_more)


def range_filter(stmt: Select[M], column: Any, value: Any) -> Select[M]:  # noqa: ANN401
    """Apply ``created=…`` or ``created[gte]=…`` (unix seconds) to ``column``."""
    from billfold.clock import from_unix

    if value is None:
        return stmt
    if isinstance(value, int):
        return stmt.where(column == from_unix(value))
    for op, bound in (("gt", "__gt__"), ("gte", "__ge__"), ("lt", "__lt__"), ("lte", "__le__")):
        limit = getattr(value, op, None)
        if limit is not None:
            stmt = stmt.where(getattr(column, bound)(from_unix(limit)))
    return stmt
