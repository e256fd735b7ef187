"""Hot reads at the driver: a SELECT compiled once per dialect, values converted by hand.

SQLAlchemy costs ~70 µs per Core execution before a column is read, and ~25 µs per
timestamp column through its result processing: several times SQLite's own work for a
point read (docs/architecture.md, "Measured"). :class:`FastSelect` keeps SQLAlchemy for
what it is good at, writing the SQL (once, per dialect), and runs it on the DBAPI
connection of the unit of work, so it shares the unit's transaction.

Rows come back as light named tuples whose field names are the table's column keys, which
are the ORM attribute names: serializers read them exactly like the ORM entity.

When anyone listens to SQLAlchemy's cursor events (query logging, tracing, the tests that
count statements), the statement goes through ``Connection.exec_driver_sql`` instead, so
they still see it.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import JSON, Boolean, TypeEngine

from billfold.db import UTCDateTime

__all__ = ["FastSelect"]

_UTC = dt.UTC
_fromisoformat = dt.datetime.fromisoformat
Converter = Callable[[Any], Any]


def _sqlite_datetime(value: str) -> dt.datetime:
    # SQLite holds naive UTC text ("2026-01-15 12:00:00.000000").
    return _fromisoformat(value).replace(tzinfo=_UTC)


def _aware_datetime(value: dt.datetime) -> dt.datetime:
    return value.astimezone(_UTC) if value.tzinfo is not None else value.replace(tzinfo=_UTC)


def _converter(type_: TypeEngine[Any], dialect: Dialect) -> Converter | None:
    """How to turn what the driver returns into what the ORM would hold; None: as it is."""
    impl = type_.dialect_impl(dialect)
    processor = impl.result_processor(dialect, None)
    if processor is None:
        return None
    sqlite = dialect.name == "sqlite"
    if isinstance(type_, UTCDateTime):
        return _sqlite_datetime if sqlite else _aware_datetime
    if sqlite and isinstance(impl, JSON):
        return orjson.loads
    if sqlite and isinstance(impl, Boolean):
        return bool
    # Anything else keeps SQLAlchemy's own conversion (correct, if slower).
    return lambda value: processor(value)


class _Plan(NamedTuple):
    sql: str
    positional: tuple[str, ...] | None  # bind names in order (qmark), or None (named)
    converters: tuple[tuple[int, Converter], ...]


class FastSelect:
    """A ``SELECT`` of columns, with named ``bindparam`` s only, run on the driver.

    Parameters are passed to the driver as they are, so bind only plain strings and numbers.
    Always filter on the account in the statement itself, as every query does.
    """

    def __init__(self, stmt: Select[Any], name: str) -> None:
        self._stmt = stmt
        columns = list(stmt.selected_columns)
        self._types = [column.type for column in columns]
        self.row_type: type[tuple[Any, ...]] = namedtuple(name, [column.key for column in columns])  # type: ignore[misc]  # noqa: PYI024
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self._stmt.compile(dialect=dialect)
            positional = tuple(compiled.positiontup) if dialect.positional and compiled.positiontup else None
            converters = tuple(
                (index, converter)
                for index, type_ in enumerate(self._types)
                if (converter := _converter(type_, dialect)) is not None
            )
            plan = self._plans[dialect.name] = _Plan(str(compiled), positional, converters)
        return plan

    def _rows(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        plan = self._plan(conn.dialect)
        args: Any = params if plan.positional is None else tuple(params[name] for name in plan.positional)
        dispatch = conn.dispatch
        if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
            return list(conn.exec_driver_sql(plan.sql, args).tuples())
        return conn.connection.driver_connection.execute(plan.sql, args).fetchall()  # type: ignore[no-any-return,union-attr]

    def _row(self, values: Any, converters: tuple[tuple[int, Converter], ...]) -> Any:  # noqa: ANN401
        values = list(values)
        for index, converter in converters:
            value = values[index]
            if value is not None:
                values[index] = converter(value)
        return tuple.__new__(self.row_type, values)

    def one_or_none(self, conn: Connection, params: Mapping[str, Any]) -> Any:  # noqa: ANN401 - the row type
        """The single matching row, or None."""
        rows = self._rows(conn, params)
        if not rows:
            return None
        if len(rows) > 1:
            msg = "FastSelect.one_or_none found several rows"
            raise LookupError(msg)
        return self._row(rows[0], self._plan(conn.dialect).converters)

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every matching row, in the statement's order."""
        rows = self._rows(conn, params)
        converters = self._plan(conn.dialect).converters
        return [self._row(values, converters) for values in rows]
