"""Hot reads at the driver: a SELECT compiled once per dialect, values converted by hand.

SQLAlchemy costs ~70 µs per Core execution before a column is read, and ~25 µs per
timestamp column through its result processing: several times SQLite's own work for a
point read (docs/architecture.md, "Measured"). :class:`FastSelect` keeps SQLAlchemy for
what it is good at, writing the SQL (once, per dialect), and runs it on the DBAPI
connection of the unit of work, so it shares the unit's transaction. :class:`TableRows`
does the same conversion for statements built per request (lists), run through SQLAlchemy.

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
from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    Table,
    bindparam,
    cast,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import JSON, Boolean, NullType, TypeEngine

from billfold.db import UTCDateTime, driver_error, json_text

__all__ = ["FastInsert", "FastQuery", "FastSelect", "TableRows"]

_UTC = dt.UTC
_fromisoformat = dt.datetime.fromisoformat
Converter = Callable[[Any], Any]


def _sqlite_datetime(value: str) -> dt.datetime:
    # SQLite holds naive UTC text ("2026-01-15 12:00:00.000000"). Parsing it with its offset
    # gives datetime.UTC itself and is twice as fast as .replace(tzinfo=...).
    return _fromisoformat(value + "+00:00")


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
    return processor


def _row_maker(row_type: type[tuple[Any, ...]], converters: list[Converter | None]) -> Callable[[Any], Any]:
    """A function building ``row_type`` from a driver tuple, converting each value that needs it.

    Generated once per table and dialect (as :func:`collections.namedtuple` does), so a row
    costs one call and no loop.
    """
    names: dict[str, Any] = {"_new": tuple.__new__, "_row_type": row_type}
    fields = []
    for index, converter in enumerate(converters):
        if converter is None:
            fields.append(f"v[{index}]")
        else:
            names[f"_c{index}"] = converter
            fields.append(f"(None if v[{index}] is None else _c{index}(v[{index}]))")
    source = f"def make(v):\n    return _new(_row_type, ({', '.join(fields)},))\n"
    exec(source, names)  # noqa: S102 - built from column positions only, never from data
    return names["make"]  # type: ignore[no-any-return]


class TableRows:
    """Whole rows of one table as light named tuples, read through any Core statement.

    ``all(conn, stmt)`` runs ``stmt`` (an ORM or Core ``select`` of the table, with its
    filters, order and limit) through SQLAlchemy, which compiles it once and caches it, but
    selects the columns untyped so that SQLAlchemy does no per-value processing; the values
    are converted by one generated function per row instead. Use it for lists: the per-row
    cost is what makes them slow.
    """

    def __init__(self, table: FromClause, name: str) -> None:
        self.table = table
        columns = list(table.c)
        self.row_type: type[tuple[Any, ...]] = namedtuple(name, [column.key for column in columns])  # type: ignore[misc]  # noqa: PYI024
        self._types = [column.type for column in columns]
        # The same columns, typed as NULL so SQLAlchemy hands the driver's values through.
        self.untyped = [type_coerce(column, NullType()).label(column.key) for column in columns]
        self._makers: dict[str, Callable[[Any], Any]] = {}

    def maker(self, dialect: Dialect) -> Callable[[Any], Any]:
        """The row builder for ``dialect`` (made once)."""
        make = self._makers.get(dialect.name)
        if make is None:
            converters = [_converter(type_, dialect) for type_ in self._types]
            make = self._makers[dialect.name] = _row_maker(self.row_type, converters)
        return make

    def all(self, conn: Connection, stmt: Select[Any]) -> list[Any]:
        """The rows ``stmt`` selects (its columns are replaced by the whole, untyped row)."""
        make = self.maker(conn.dialect)
        return [make(values) for values in conn.execute(stmt.with_only_columns(*self.untyped))]


def _traced(conn: Connection) -> bool:
    """Whether anyone listens to SQLAlchemy's cursor events (then statements go through it)."""
    dispatch = conn.engine.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


class _Plan(NamedTuple):
    sql: str
    positional: tuple[str, ...] | None  # bind names in order (qmark), or None (named)


class FastQuery:
    """A statement compiled once per dialect and run on the driver; rows are the driver's tuples.

    Only named ``bindparam`` s: their values go to the driver as they are, so bind plain
    strings and numbers, and select only values the driver returns as the code wants them
    (ids, integers, a truth value). Always filter on the account, as every query does.
    """

    def __init__(self, stmt: Select[Any]) -> None:
        self._stmt = stmt
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self._stmt.compile(dialect=dialect)
            positional = tuple(compiled.positiontup) if dialect.positional and compiled.positiontup else None
            plan = self._plans[dialect.name] = _Plan(str(compiled), positional)
        return plan

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as the driver returns it."""
        plan = self._plan(conn.dialect)
        args: Any = params if plan.positional is None else tuple([params[name] for name in plan.positional])
        if _traced(conn):
            return conn.exec_driver_sql(plan.sql, args).all()  # type: ignore[return-value]
        try:
            return conn.connection.driver_connection.execute(plan.sql, args).fetchall()  # type: ignore[no-any-return,union-attr]
        except conn.dialect.loaded_dbapi.Error as exc:
            raise driver_error(conn, exc, plan.sql) from exc

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:  # noqa: ANN401 - a driver value
        """The first column of the first row, or None."""
        rows = self.rows(conn, params)
        return rows[0][0] if rows else None


class FastSelect(FastQuery):
    """A ``SELECT`` of a table's whole rows by fixed criteria, run on the driver.

    As :class:`FastQuery`, but rows come back as the table's :class:`TableRows` rows.
    """

    def __init__(self, rows: TableRows, *where: ColumnElement[bool]) -> None:
        super().__init__(select(*rows.table.c).where(*where))
        self._table_rows = rows

    def one_or_none(self, conn: Connection, params: Mapping[str, Any]) -> Any:  # noqa: ANN401 - the row type
        """The single matching row, or None."""
        found = self.rows(conn, params)
        if not found:
            return None
        if len(found) > 1:
            msg = "FastSelect.one_or_none found several rows"
            raise LookupError(msg)
        return self._table_rows.maker(conn.dialect)(found[0])

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every matching row, in the statement's order."""
        make = self._table_rows.maker(conn.dialect)
        return [make(values) for values in self.rows(conn, params)]


_SQLITE_TEXTS: dict[dt.datetime, str] = {}  # recent datetimes' text: a write stores ``now`` several times


def _sqlite_text(value: dt.datetime) -> str:
    """A UTC datetime as SQLAlchemy's SQLite dialect stores it (microseconds always shown)."""
    text = _SQLITE_TEXTS.get(value)
    if text is None:
        if value.tzinfo is None:
            msg = "naive datetime given to a UTC column"
            raise ValueError(msg)
        text = value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        if len(_SQLITE_TEXTS) >= 256:
            _SQLITE_TEXTS.clear()
        _SQLITE_TEXTS[value] = text
    return text


def _binder(type_: TypeEngine[Any], dialect: Dialect) -> Converter | None:
    """How to turn a Python value into what the driver takes for a column of ``type_``.

    JSON is written with orjson (as text; PostgreSQL casts it in the statement). Anything
    else keeps SQLAlchemy's own bind processing, which is what the ORM would have sent.
    """
    if isinstance(type_.dialect_impl(dialect), JSON):
        return json_text
    if isinstance(type_, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_text
    return type_.dialect_impl(dialect).bind_processor(dialect)


class _InsertPlan(NamedTuple):
    sql: str
    names: tuple[str, ...]  # the values' keys, in the driver's order
    args: Callable[[Mapping[str, Any]], Any]  # a row's driver parameters


def _args_maker(names: tuple[str, ...], binders: list[Converter | None], *, named: bool) -> Callable[[Any], Any]:
    """A function turning a row mapping into the driver's parameters, converting what needs it.

    Generated once per statement and dialect, as :func:`_row_maker` is: a row then costs one
    call and no loop.
    """
    scope: dict[str, Any] = {}
    values = []
    for index, (name, binder) in enumerate(zip(names, binders, strict=True)):
        get = f"r[{name!r}]"
        if binder is None:
            values.append(get)
        else:
            scope[f"_b{index}"] = binder
            values.append(f"(None if {get} is None else _b{index}({get}))")
    body = "{" + ", ".join(f"{name!r}: {value}" for name, value in zip(names, values, strict=True)) + "}"
    source = f"def args(r):\n    return {body if named else '(' + ', '.join(values) + ',)'}\n"
    exec(source, scope)  # noqa: S102 - built from column names and positions only, never from data
    return scope["args"]  # type: ignore[no-any-return]


class FastInsert:
    """An ``INSERT`` of fixed columns compiled once per dialect and run on the driver.

    The write-side twin of :class:`FastQuery`: the ORM's unit-of-work bookkeeping and
    SQLAlchemy's per-execution work cost several times what SQLite spends writing the row
    (docs/architecture.md, "Request path"). Values are converted with SQLAlchemy's own bind
    processors (datetimes, booleans) except JSON, which orjson writes. Nothing is read back.
    """

    def __init__(self, table: Table, columns: list[str]) -> None:
        self._table = table
        self._columns = columns
        self._plans: dict[str, _InsertPlan] = {}

    def _plan(self, dialect: Dialect) -> _InsertPlan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            values: dict[str, Any] = {}
            for name in self._columns:
                column = self._table.c[name]
                value: Any = bindparam(name, type_=NullType())
                if dialect.name == "postgresql" and isinstance(column.type.dialect_impl(dialect), JSON):
                    value = cast(value, column.type)
                values[name] = value
            compiled = insert(self._table).values(values).compile(dialect=dialect)
            order = tuple(compiled.positiontup) if dialect.positional and compiled.positiontup else tuple(self._columns)
            binders = [_binder(self._table.c[name].type, dialect) for name in order]
            maker = _args_maker(order, binders, named=not dialect.positional)
            plan = self._plans[dialect.name] = _InsertPlan(str(compiled), order, maker)
        return plan

    def execute(self, conn: Connection, rows: list[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (each a mapping of every column named at construction)."""
        if not rows:
            return
        plan = self._plan(conn.dialect)
        make = plan.args
        args = [make(row) for row in rows]
        if _traced(conn):
            for one in args:
                conn.exec_driver_sql(plan.sql, one)
            return
        driver: Any = conn.connection.driver_connection
        try:
            if len(args) == 1:
                driver.execute(plan.sql, args[0])
            else:
                driver.cursor().executemany(plan.sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise driver_error(conn, exc, plan.sql) from exc
