"""Writing a batch of bulk renewals (:mod:`billfold.jobs.bulk`): one statement per table.

On PostgreSQL each table of new rows is one binary ``COPY`` and each table of moved
periods one ``UPDATE … FROM unnest(…)``; the events can also stream into their ``COPY``
while the batch is still being built (:func:`streamed_events`), so PostgreSQL stores
them while Python builds the next renewal. Elsewhere (SQLite) one ``executemany``
per table. Nothing is read back.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import orjson
import sqlalchemy as sa
from psycopg.types.json import set_json_dumps
from sqlalchemy import ColumnElement, Dialect, Insert, LargeBinary, bindparam, insert, update
from sqlalchemy.orm import Session

from billfold.events import EVENT_COLUMNS
from billfold.models import Customer, Event, Invoice, InvoiceLine, PaymentAttempt, Subscription, SubscriptionItem

if TYPE_CHECKING:
    import psycopg

__all__ = ["Rows", "array_literal", "streamed_events", "write"]


@dataclass(slots=True)
class Rows:
    """What a batch writes: new rows in the order the general path would add them, and moved periods."""

    invoices: list[SimpleNamespace] = field(default_factory=list)  # as they end up once the batch is built
    lines: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # ``data`` as stored: packed JSON
    # Where each event row goes as it is made: ``events.append``, or straight into a COPY (streamed_events).
    emit: Callable[[dict[str, Any]], None] | None = None
    # Rows (renewal_batch's) with their new values.
    subscriptions: list[Any] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    customers: dict[str, Any] = field(default_factory=dict)


_EVENT_KEYS = frozenset(EVENT_COLUMNS)
# Invoice attributes the general path never sets at creation: its INSERT leaves them SQL NULL
# (set to None, a JSON column would hold JSON null instead).
_LEFT_NULL = frozenset({"last_finalization_error"})


def _table(model: type[Any]) -> sa.Table:
    return cast("sa.Table", model.__table__)


def _invoice_rows(rows: Rows) -> list[dict[str, Any]]:
    return [{k: v for k, v in invoice.__dict__.items() if k not in _LEFT_NULL} for invoice in rows.invoices]


def _quoted(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int):  # bool is one too: its str ("True") is not PostgreSQL's
        return str(value) if type(value) is int else ("t" if value else "f")
    if isinstance(value, dt.datetime):
        return '"' + value.isoformat() + '"'
    msg = f"no array literal for {type(value).__name__}"
    raise TypeError(msg)


def array_literal(values: Iterable[Any]) -> str:
    """``values`` as the text of a PostgreSQL array (``{1,2}``, ``{"a","b"}``), to send as one string and cast.

    psycopg adapts a list parameter element by element in Python (about 8 µs an element
    for the worker's arrays of ids, periods and numbers); one string is one ``str.join``.
    Takes str, int (and bool), datetime and None; equal datetimes are written once.
    """
    values = list(values)
    kinds = {type(value) for value in values}
    if kinds == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if kinds == {str} and not _ESCAPED.search("".join(values)):
        return '{"' + '","'.join(values) + '"}'
    shown: dict[Any, str] = {}
    parts = []
    for value in values:
        text = shown.get(value)
        if text is None:
            text = shown[value] = _quoted(value)
        parts.append(text)
    return "{" + ",".join(parts) + "}"


_ESCAPED = re.compile(r'["\\]')


# --- writing: PostgreSQL ---------------------------------------------------------------


def _periods(rows: list[Any]) -> dict[str, tuple[str, list[Any]]]:
    """The moved periods of subscriptions or their items, for :func:`_move`."""
    return {
        "current_period_start": ("timestamptz", [row.current_period_start for row in rows]),
        "current_period_end": ("timestamptz", [row.current_period_end for row in rows]),
    }


def _move(cursor: psycopg.Cursor[Any], table: str, pks: list[int], values: dict[str, tuple[str, list[Any]]]) -> None:
    """``UPDATE table`` of the rows ``pks``: each column of ``values`` (column: array type, new values) set.

    One statement for the batch, the arrays each sent as the text of one. The join repeats
    the keys as ``t.pk = ANY(…)``: without it, once the table held some tens of thousands of
    rows, the planner hashed the batch's 500 and read the whole table to find them.
    """
    columns = list(values)
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    arrays = ", ".join(f"%({column})s::{values[column][0]}[]" for column in columns)
    cursor.execute(
        f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 - table and column names from this module only
        f"FROM unnest(%(pk)s::bigint[], {arrays}) AS v(pk, {', '.join(columns)}) "
        "WHERE t.pk = v.pk AND t.pk = ANY(%(pk)s::bigint[])",
        {"pk": array_literal(pks), **{column: array_literal(new) for column, (_type, new) in values.items()}},
    )


@cache
def _copy_spec(table: sa.Table, dialect: Dialect, keys: frozenset[str]) -> tuple[str, list[str], list[str], list[int]]:
    """For a binary ``COPY`` of rows with ``keys`` into ``table``: statement, keys, type names, JSON places.

    The keys come in column order, each with its column's type name for psycopg. A column
    left out is NULL, as in an INSERT that omits it; one with a Python-side default (which
    an INSERT through SQLAlchemy would fill in) or NOT NULL must be given.
    """
    columns = [c for c in table.columns if c.key in keys]
    unwritten = [c.key for c in table.columns if c.key not in keys and not c.primary_key]
    if unknown := keys - {c.key for c in columns}:
        msg = f"{table.name} has no columns {sorted(unknown)}"
        raise ValueError(msg)
    if needed := [key for key in unwritten if table.c[key].default is not None or not table.c[key].nullable]:
        msg = f"bulk rows for {table.name} lack {needed}"
        raise ValueError(msg)
    names = ", ".join(c.name for c in columns)
    types = [re.sub(r"\(.*\)", "", c.type.compile(dialect=dialect)).lower() for c in columns]
    json_at = [i for i, c in enumerate(columns) if isinstance(c.type, sa.JSON)]
    statement = f"COPY {table.name} ({names}) FROM STDIN (FORMAT BINARY)"
    return statement, [c.key for c in columns], types, json_at


def _already_json(value: bytes) -> bytes:
    return value


def _prepared(cursor: psycopg.Cursor[Any]) -> psycopg.Cursor[Any]:
    """``cursor`` taking JSON columns' values as bytes that are their JSON already."""
    set_json_dumps(_already_json, context=cursor)
    return cursor


def _copy(
    cursor: psycopg.Cursor[Any],
    dialect: Dialect,
    model: type[Any],
    rows: list[dict[str, Any]],
    *,
    left_out: frozenset[str] = frozenset(),
) -> None:
    """A binary ``COPY`` of ``rows`` (every column but the key, and but ``left_out``) into the model's table.

    JSON columns go as JSON (None as JSON ``null``, as the ORM stores it); an event's
    ``data`` is its stored bytes already (packed JSON: billfold.packed_json).
    """
    if not rows:
        return
    statement, keys, types, json_at = _copy_spec(_table(model), dialect, frozenset(rows[0]) - left_out)
    with cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            values = [row[key] for key in keys]
            for i in json_at:
                values[i] = orjson.dumps(values[i])
            copy.write_row(values)


def _write_postgresql(driver: psycopg.Connection[Any], dialect: Dialect, rows: Rows) -> None:
    with _prepared(driver.cursor()) as cursor:
        if subs := rows.subscriptions:
            _move(
                cursor,
                "subscriptions",
                [s.pk for s in subs],
                {**_periods(subs), "latest_invoice_id": ("text", [s.latest_invoice_id for s in subs])},
            )
        if items := rows.items:
            _move(
                cursor,
                "subscription_items",
                [i.pk for i in items],
                _periods(items),
            )
        if customers := list(rows.customers.values()):
            _move(
                cursor,
                "customers",
                [c.pk for c in customers],
                {"next_invoice_sequence": ("int", [c.next_invoice_sequence for c in customers])},
            )
        _copy(cursor, dialect, Invoice, [invoice.__dict__ for invoice in rows.invoices], left_out=_LEFT_NULL)
        _copy(cursor, dialect, InvoiceLine, rows.lines)
        _copy(cursor, dialect, PaymentAttempt, rows.attempts)
        _copy(cursor, dialect, Event, rows.events)


# --- writing: elsewhere (SQLite) -------------------------------------------------------


def _events_insert() -> Insert:
    """``INSERT INTO events`` taking ``data`` as stored already (packed)."""
    table = _table(Event)
    data: ColumnElement[Any] = bindparam("data", type_=LargeBinary)
    values = {c.name: bindparam(c.name, type_=c.type) for c in table.columns if c.name not in {"pk", "data"}}
    return insert(table).values({**values, "data": data})


def _write_generic(session: Session, rows: Rows) -> None:
    moves: list[tuple[type[Any], list[dict[str, Any]]]] = [
        (
            Subscription,
            [
                {
                    "b_pk": s.pk,
                    "current_period_start": s.current_period_start,
                    "current_period_end": s.current_period_end,
                    "latest_invoice_id": s.latest_invoice_id,
                }
                for s in rows.subscriptions
            ],
        ),
        (
            SubscriptionItem,
            [
                {
                    "b_pk": i.pk,
                    "current_period_start": i.current_period_start,
                    "current_period_end": i.current_period_end,
                }
                for i in rows.items
            ],
        ),
        (
            Customer,
            [{"b_pk": c.pk, "next_invoice_sequence": c.next_invoice_sequence} for c in rows.customers.values()],
        ),
    ]
    for model, values in moves:
        if values:
            table = _table(model)
            session.execute(update(table).where(table.c.pk == bindparam("b_pk")), values)
    for model, new in ((Invoice, _invoice_rows(rows)), (InvoiceLine, rows.lines), (PaymentAttempt, rows.attempts)):
        if new:
            session.execute(insert(_table(model)), new)
    if rows.events:
        session.execute(_events_insert(), rows.events)


@contextmanager
def streamed_events(session: Session, rows: Rows, *, stream: bool) -> Iterator[None]:
    """On PostgreSQL (and with ``stream``), events go into a ``COPY`` as they are made, while the rest is built.

    PostgreSQL stores each event while Python builds the next renewal, instead of
    after the whole batch; otherwise they are collected for :func:`write`.
    """
    conn = session.connection()
    if not stream or conn.dialect.name != "postgresql":
        yield
        return
    session.flush()
    statement, keys, types, _json = _copy_spec(_table(Event), conn.dialect, _EVENT_KEYS)
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    with _prepared(driver.cursor()) as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        values = operator.itemgetter(*keys)  # a row's values in the COPY's order, in one C call
        rows.emit = lambda event: copy.write_row(values(event))
        try:
            yield
        finally:
            rows.emit = None


def write(session: Session, rows: Rows) -> None:
    """One statement per table; nothing is read back."""
    session.flush()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        _write_postgresql(cast("psycopg.Connection[Any]", conn.connection.driver_connection), conn.dialect, rows)
    else:
        _write_generic(session, rows)
