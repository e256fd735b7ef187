"""``Idempotency-Key``: the first response for a key is stored and replayed.

The record is inserted in the same transaction as the work it describes, so a crash
leaves neither. Two concurrent requests with one key race on a unique constraint: the
loser rolls back and replays the winner's stored response (or gets 409 if the winner
has not committed yet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, delete

from billfold.context import Ctx
from billfold.errors import IdempotencyError
from billfold.models import IdempotencyRecord
from billfold.rows import FastInsert, FastSelect, TableRows

__all__ = ["StoredResponse", "fingerprint", "lookup", "store"]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response to replay."""

    status_code: int
    body: bytes


def fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    """What must match for a key to be reused: method, path and parameters."""
    blob = orjson.dumps([method, path, params], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()


_RECORDS = cast("Table", IdempotencyRecord.__table__)
# Every POST from the stripe SDKs carries a key, so both statements run on the driver.
_FIND = FastSelect(
    TableRows(_RECORDS, "IdempotencyRow"),
    _RECORDS.c.account_id == bindparam("account_id"),
    _RECORDS.c.key == bindparam("key"),
)
_STORE = FastInsert(_RECORDS, ["account_id", "key", "request_fingerprint", "status_code", "response_body", "created"])


def lookup(ctx: Ctx, key: str, request_fingerprint: str, *, ttl: dt.timedelta) -> StoredResponse | None:
    """The stored response for ``key``, or None; a mismatched reuse is an error.

    A record older than ``ttl`` is forgotten (deleted in this transaction), so the key
    may be used afresh, as Stripe does after 24 hours.
    """
    row = _FIND.one_or_none(ctx.connection, {"account_id": ctx.account_id, "key": key})
    if row is None:
        return _waiting(ctx, key, request_fingerprint)
    if row.created <= ctx.clock.now() - ttl:
        ctx.connection.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.account_id == ctx.account_id, IdempotencyRecord.key == key
            )
        )
        return None
    return _checked(key, row.request_fingerprint, request_fingerprint, row.status_code, bytes(row.response_body))


def _checked(key: str, stored: str, given: str, status_code: int, body: bytes) -> StoredResponse:
    if stored != given:
        raise IdempotencyError(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. "
            f"Try using a key other than '{key}' if you meant to execute a different request.",
        )
    return StoredResponse(status_code, body)


def _waiting(ctx: Ctx, key: str, request_fingerprint: str) -> StoredResponse | None:
    """The response of an earlier request of this commit group for ``key``, not inserted yet (see :func:`store`)."""
    for row in ctx.waiting(_STORE):
        if row["key"] == key and row["account_id"] == ctx.account_id:
            return _checked(
                key, row["request_fingerprint"], request_fingerprint, row["status_code"], row["response_body"]
            )
    return None


def store(ctx: Ctx, key: str, request_fingerprint: str, status_code: int, body: bytes) -> None:
    """Record the response for ``key`` in the current transaction (a concurrent twin: IntegrityError).

    On SQLite, in a unit that batches its appends, the record waits for the commit group
    like the unit's other rows (billfold.db, ``batch_appends``), and :func:`lookup` finds it
    there: the group holds SQLite's write lock from its ``BEGIN IMMEDIATE`` on, so no other
    connection can record the same key before the group commits, and a twin in this process
    sees the waiting record. On PostgreSQL another connection can, and a race must fail only
    its own unit, so the record is inserted at once.
    """
    row = {
        "account_id": ctx.account_id,
        "key": key,
        "request_fingerprint": request_fingerprint,
        "status_code": status_code,
        "response_body": body,
        "created": ctx.clock.now(),
    }
    conn = ctx.connection
    if conn.dialect.name == "sqlite":
        ctx.append(_STORE, row)
    else:
        _STORE.execute(conn, [row])
