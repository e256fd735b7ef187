"""Stripe's search query language for any resource: declared fields, one SQL condition, opaque pages.

A query is up to ten clauses joined by ``AND`` or by ``OR`` (never both)::

    status:'open' AND total>=1000 AND -metadata['tier']:'gold' AND created>1700000000

A clause is an optional ``-`` (negation), a field (``metadata['key']`` for metadata), an
operator and a value. Strings are quoted with ``'`` or ``"`` (a backslash escapes the
quote); numbers and timestamps are bare (or quoted) integers. ``:`` is equality, ``~`` a
case-insensitive substring (fields that allow it, three characters at least), and
``>``, ``>=``, ``<``, ``<=`` compare numbers and timestamps. Each resource declares its
fields with :class:`SearchField`; anything else is a 400 naming ``query``. A boolean field
takes ``'true'`` or ``'false'``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.errors import InvalidRequestError

__all__ = ["SearchField", "SearchPage", "parse_search", "search"]

MAX_CLAUSES = 10
MIN_SUBSTRING = 3
MAX_TIMESTAMP = 253_402_300_799
MAX_INTEGER = 2**63 - 1  # what a BIGINT column compares with
_OPERATORS = (">=", "<=", ":", "~", ">", "<")  # two-character ones first
_COMPARISONS = frozenset({">=", "<=", ">", "<"})

Kind = Literal["string", "number", "timestamp", "metadata", "boolean"]
_BOOLEANS = ("true", "false")


@dataclass(frozen=True, slots=True)
class SearchField:
    """A searchable field: ``column(key)`` gives the SQL expression (``key`` is the metadata key)."""

    kind: Kind
    column: Callable[[str | None], Any]
    substring: bool = False
    choices: tuple[str, ...] = ()
    normalize: Callable[[str], str] | None = None


@dataclass(frozen=True, slots=True)
class _Clause:
    field: str
    op: str
    value: str | int
    key: str | None
    negated: bool


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of rows, whether more follow, the next page's token, and the count if asked."""

    rows: list[Any]
    has_more: bool
    next_page: str | None
    total_count: int | None


def _error(message: str) -> InvalidRequestError:
    return InvalidRequestError(f"Invalid search query: {message}", param="query")


class _Scanner:
    """A cursor over the query text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def skip_spaces(self) -> bool:
        start = self.pos
        while not self.done() and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos > start

    def word(self) -> str:
        start = self.pos
        while not self.done() and (self.text[self.pos].isalnum() or self.text[self.pos] in "_-"):
            self.pos += 1
        return self.text[start : self.pos]

    def quoted(self, what: str) -> str:
        if self.done() or self.text[self.pos] not in "'\"":
            raise _error(f"expected a quoted {what} at position {self.pos}.")
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        while not self.done():
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if char == quote:
                return "".join(out)
            out.append(char)
        raise _error(f"the {what} starting with {quote} is never closed.")


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, SearchField]) -> None:
        self.scan = _Scanner(text)
        self.fields = fields

    def field(self) -> tuple[str, str | None]:
        scan = self.scan
        start = scan.pos
        while not scan.done() and (scan.text[scan.pos].isalnum() or scan.text[scan.pos] == "_"):
            scan.pos += 1
        name = scan.text[start : scan.pos]
        if name not in self.fields:
            shown = name or scan.text[start : start + 1]
            fields = ", ".join(sorted(self.fields))
            raise _error(f"'{shown}' at position {start} is not a searchable field; use one of {fields}.")
        if self.fields[name].kind != "metadata":
            return name, None
        if not scan.peek("["):
            raise _error(f"{name} needs a key, as in {name}['key']:'value'.")
        scan.pos += 1
        key = scan.quoted(f"{name} key")
        if not scan.peek("]"):
            raise _error(f"expected ']' after the {name} key at position {scan.pos}.")
        scan.pos += 1
        return name, key

    def operator(self, name: str) -> str:
        scan = self.scan
        op = next((candidate for candidate in _OPERATORS if scan.peek(candidate)), None)
        if op is None:
            raise _error(f"expected an operator (:, ~, >, >=, <, <=) after '{name}' at position {scan.pos}.")
        scan.pos += len(op)
        spec = self.fields[name]
        if op in _COMPARISONS and spec.kind not in {"number", "timestamp"}:
            ordered = sorted(field for field, other in self.fields.items() if other.kind in {"number", "timestamp"})
            where = ", ".join(ordered) or "numbers and timestamps"
            raise _error(f"'{op}' only works on {where}, not on {name}.")
        if op == "~" and not spec.substring:
            raise _error(f"'~' (substring) does not work on {name}.")
        return op

    def value(self, name: str, op: str) -> str | int:
        scan = self.scan
        spec = self.fields[name]
        start = scan.pos
        if spec.kind in {"number", "timestamp"}:
            raw = scan.quoted("number") if scan.peek("'") or scan.peek('"') else scan.word()
            digits = raw.removeprefix("-") if spec.kind == "number" else raw
            limit = MAX_TIMESTAMP if spec.kind == "timestamp" else MAX_INTEGER
            if not (digits.isascii() and digits.isdigit()) or abs(int(raw)) > limit:
                what = f"unix seconds (up to {MAX_TIMESTAMP})" if spec.kind == "timestamp" else "an integer"
                raise _error(f"{name} needs {what}, got '{raw}' at position {start}.")
            return int(raw)
        value = scan.quoted("value")
        if op == "~" and len(value) < MIN_SUBSTRING:
            raise _error(f"a substring search (~) needs at least {MIN_SUBSTRING} characters, got '{value}'.")
        if spec.normalize is not None:
            value = spec.normalize(value)
        choices = _BOOLEANS if spec.kind == "boolean" else spec.choices
        if choices and value not in choices:
            raise _error(f"{name} must be one of {', '.join(choices)}, got '{value}'.")
        return value

    def clause(self) -> _Clause:
        negated = self.scan.peek("-")
        if negated:
            self.scan.pos += 1
        name, key = self.field()
        op = self.operator(name)
        return _Clause(name, op, self.value(name, op), key, negated)

    def conjunction(self) -> str:
        scan = self.scan
        start = scan.pos
        word = scan.word()
        if word not in {"AND", "OR"}:
            raise _error(f"expected AND or OR at position {start}, found '{word or scan.text[start : start + 1]}'.")
        if not scan.skip_spaces():
            raise _error(f"expected a space after {word} at position {scan.pos}.")
        if scan.done():
            raise _error(f"the query ends after {word}; expected another clause.")
        return word

    def parse(self) -> tuple[list[_Clause], str]:
        scan = self.scan
        scan.skip_spaces()
        if scan.done():
            raise _error("the query is empty.")
        clauses = [self.clause()]
        joins: set[str] = set()
        while True:
            spaced = scan.skip_spaces()
            if scan.done():
                break
            if not spaced:
                raise _error(f"expected a space before position {scan.pos}.")
            joins.add(self.conjunction())
            clauses.append(self.clause())
            if len(clauses) > MAX_CLAUSES:
                raise _error(f"a query may have at most {MAX_CLAUSES} clauses.")
        if len(joins) > 1:
            raise _error("AND and OR cannot be combined in one query.")
        return clauses, joins.pop() if joins else "AND"


def _compare(column: Any, op: str, value: Any) -> ColumnElement[bool]:  # noqa: ANN401 - any SQL expression
    result: ColumnElement[bool] = {
        ":": lambda: column == value,
        ">": lambda: column > value,
        ">=": lambda: column >= value,
        "<": lambda: column < value,
        "<=": lambda: column <= value,
    }[op]()
    return result


def _condition(clause: _Clause, spec: SearchField) -> ColumnElement[bool]:
    column = spec.column(clause.key)
    if spec.kind in {"number", "timestamp"}:
        value = from_unix(int(clause.value)) if spec.kind == "timestamp" else clause.value
        match = _compare(column, clause.op, value)
        return ~match if clause.negated else match
    text = str(clause.value)
    if spec.kind == "boolean":
        truth: ColumnElement[bool] = column.is_(text == "true")
        return ~truth if clause.negated else truth
    match = column.icontains(text, autoescape=True) if clause.op == "~" else column == text
    return or_(column.is_(None), ~match) if clause.negated else match


def parse_search(text: str, fields: Mapping[str, SearchField]) -> ColumnElement[bool]:
    """One SQL condition for ``text`` over ``fields``, or a 400 naming ``query``."""
    clauses, joined = _Parser(text, fields).parse()
    conditions = [_condition(clause, fields[clause.field]) for clause in clauses]
    return and_(*conditions) if joined == "AND" else or_(*conditions)


def _encode_page(prefix: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}:{pk}".encode()).decode().rstrip("=")


def _decode_page(prefix: str, page: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(page + "=" * (-len(page) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(f"{prefix}:")
    if not raw.startswith(f"{prefix}:") or not (number.isascii() and number.isdigit()) or int(number) > MAX_INTEGER:
        raise InvalidRequestError(
            f"Invalid page: '{page[:40]}' is not a page token from a previous search's next_page.",
            param="page",
        )
    return int(number)


def search(
    ctx: Ctx,
    model: Any,  # noqa: ANN401 - any AccountOwned model
    scope: Select[Any],
    condition: ColumnElement[bool],
    *,
    limit: int,
    page: str | None,
    total_count: bool,
    page_prefix: str,
) -> SearchPage:
    """One page of ``scope`` (already filtered to the account) matching ``condition``, newest first."""
    stmt = scope.where(condition)
    paged = stmt if page is None else stmt.where(model.pk < _decode_page(page_prefix, page))
    rows = list(ctx.session.scalars(paged.order_by(model.pk.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    count = None
    if total_count:
        count = ctx.session.scalar(select(func.count()).select_from(stmt.subquery()))
    return SearchPage(
        rows=rows,
        has_more=has_more,
        next_page=_encode_page(page_prefix, rows[-1].pk) if has_more else None,
        total_count=count,
    )
