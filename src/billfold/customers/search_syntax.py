"""Stripe's search query language for customers, parsed by hand (no eval, no regex soup).

A query is up to ten clauses joined by ``AND`` or by ``OR`` (never both)::

    email:'jenny@example.com' AND -name~'rose' AND metadata['plan']:'pro' AND created>=1700000000

A clause is an optional ``-`` (negation), a field, an operator and a value. Strings are
quoted with ``'`` or ``"`` (a backslash escapes the quote); ``created`` takes unix seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from billfold.errors import InvalidRequestError

__all__ = ["MAX_CLAUSES", "Clause", "Query", "parse_query"]

MAX_CLAUSES = 10
MIN_SUBSTRING = 3
MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last instant a datetime holds
STRING_FIELDS = ("email", "name", "phone")
_FIELDS = ("created", "email", "metadata", "name", "phone")
_OPERATORS = (">=", "<=", ":", "~", ">", "<")  # two-character ones first
_COMPARISONS = (">=", "<=", ">", "<")


@dataclass(frozen=True, slots=True)
class Clause:
    """``field op value``; ``key`` is the metadata key for ``metadata['key']``."""

    field: str
    op: str
    value: str | int
    key: str | None = None
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """The clauses and how they combine (``AND`` or ``OR``)."""

    clauses: tuple[Clause, ...]
    conjunction: str


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
        while not self.done() and (self.text[self.pos].isalnum() or self.text[self.pos] == "_"):
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


def _field(scan: _Scanner) -> tuple[str, str | None]:
    start = scan.pos
    name = scan.word()
    if name not in _FIELDS:
        shown = name or scan.text[start : start + 1]
        raise _error(f"'{shown}' at position {start} is not a searchable field; use one of {', '.join(_FIELDS)}.")
    if name != "metadata":
        return name, None
    if not scan.peek("["):
        raise _error("metadata needs a key, as in metadata['key']:'value'.")
    scan.pos += 1
    key = scan.quoted("metadata key")
    if not scan.peek("]"):
        raise _error(f"expected ']' after the metadata key at position {scan.pos}.")
    scan.pos += 1
    return name, key


def _operator(scan: _Scanner, field: str) -> str:
    op = next((candidate for candidate in _OPERATORS if scan.peek(candidate)), None)
    if op is None:
        raise _error(f"expected an operator (:, ~, >, >=, <, <=) after '{field}' at position {scan.pos}.")
    scan.pos += len(op)
    if op in _COMPARISONS and field != "created":
        raise _error(f"'{op}' only works on created, not on {field}.")
    if op == "~" and field not in STRING_FIELDS:
        raise _error(f"'~' (substring) works on {', '.join(STRING_FIELDS)}, not on {field}.")
    return op


def _value(scan: _Scanner, field: str, op: str) -> str | int:
    if field == "created":
        start = scan.pos
        raw = scan.quoted("timestamp") if scan.peek("'") or scan.peek('"') else scan.word()
        if not raw.isdigit() or int(raw) > MAX_TIMESTAMP:
            raise _error(f"created needs unix seconds (up to {MAX_TIMESTAMP}), got '{raw}' at position {start}.")
        return int(raw)
    value = scan.quoted("value")
    if op == "~" and len(value) < MIN_SUBSTRING:
        raise _error(f"a substring search (~) needs at least {MIN_SUBSTRING} characters, got '{value}'.")
    return value


def _clause(scan: _Scanner) -> Clause:
    negated = scan.peek("-")
    if negated:
        scan.pos += 1
    field, key = _field(scan)
    op = _operator(scan, field)
    return Clause(field=field, op=op, value=_value(scan, field, op), key=key, negated=negated)


def _conjunction(scan: _Scanner) -> str:
    start = scan.pos
    word = scan.word()
    if word not in {"AND", "OR"}:
        raise _error(f"expected AND or OR at position {start}, found '{word or scan.text[start : start + 1]}'.")
    if not scan.skip_spaces():
        raise _error(f"expected a space after {word} at position {scan.pos}.")
    if scan.done():
        raise _error(f"the query ends after {word}; expected another clause.")
    return word


def parse_query(text: str) -> Query:
    """Parse ``text`` or raise a 400 naming ``query`` and what is wrong where."""
    scan = _Scanner(text)
    scan.skip_spaces()
    if scan.done():
        raise _error("the query is empty.")
    clauses = [_clause(scan)]
    conjunctions: set[str] = set()
    while True:
        spaced = scan.skip_spaces()
        if scan.done():
            break
        if not spaced:
            raise _error(f"expected a space before position {scan.pos}.")
        conjunctions.add(_conjunction(scan))
        clauses.append(_clause(scan))
        if len(clauses) > MAX_CLAUSES:
            raise _error(f"a query may have at most {MAX_CLAUSES} clauses.")
    if len(conjunctions) > 1:
        raise _error("AND and OR cannot be combined in one query.")
    return Query(clauses=tuple(clauses), conjunction=conjunctions.pop() if conjunctions else "AND")
