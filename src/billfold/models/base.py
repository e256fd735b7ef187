"""Declarative base and the columns every Stripe-shaped object shares."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import orjson
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from billfold.db import UTCDateTime, json_bytes
from billfold.packed_json import unpack

__all__ = ["COMPRESSION", "AccountOwned", "Base", "JSONType", "PayloadJSON", "PkType", "StripeObject"]

JSONType = JSON().with_variant(JSONB(), "postgresql")


class PayloadJSON(TypeDecorator[Any]):
    """JSON that is only ever written and read back whole, never looked into by SQL: kept as bytes.

    A value is written as its JSON; bulk writers may store it packed instead
    (:mod:`billfold.packed_json`), and either reads back as the value. The database never
    parses it: as ``jsonb``, and even checked as ``json``, events were a large part of
    PostgreSQL's time in the worker (docs/architecture.md, "Measured: renewals").
    """

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:  # noqa: ANN401, ARG002 - any JSON
        return None if value is None else json_bytes(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:  # noqa: ANN401, ARG002 - any JSON
        return None if value is None else orjson.loads(unpack(value))


# A column's ``info[COMPRESSION]``: the TOAST compression it should have on PostgreSQL, set by
# the migration where the server was built with it (migrations/env.py), else the default.
COMPRESSION = "postgresql_compression"
# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
PkType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Root of every table; columns are named after the Stripe field they hold."""

    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this mapping as-is
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        dict[str, str]: JSONType,
        list[Any]: JSONType,
        list[str]: JSONType,
    }


class StripeObject(Base):
    """An object with a public id and an internal ordering key.

    ``pk`` orders lists newest-first and makes ``starting_after`` a range scan even when
    many objects share one ``created`` second.
    """

    __abstract__ = True

    pk: Mapped[int] = mapped_column(PkType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime]


class AccountOwned(StripeObject):
    """An object that belongs to exactly one account; every query filters on it."""

    __abstract__ = True

    # Whether the database checks ``account_id`` against ``accounts`` (and cascades an account's
    # deletion). Rows written many at a time by the worker turn it off (see account_id).
    account_checked: ClassVar[bool] = True

    @declared_attr
    @classmethod
    def account_id(cls) -> Mapped[str]:
        """The owning account: a foreign key, indexed where no ``(account_id, …)`` index leads with it.

        PostgreSQL checks a foreign key row by row, about 7 µs each, and every index costs
        each insert (and each update that cannot stay on its page) too. So the tables the
        worker writes per renewal keep only what earns its cost: an invoice hangs off its
        customer, its lines and payment attempts off the invoice, a subscription item off
        its subscription (those keys are checked and cascade, so an account's deletion still
        reaches them), and events are an append-only log written in the same transaction as
        the change their account made (docs/architecture.md, "Measured: renewals"); these
        carry the account without the check.
        """
        if not cls.account_checked:
            return mapped_column(String(64))
        table_args = getattr(cls, "__table_args__", ())
        listed = any(isinstance(arg, Index) and arg.expressions[:1] == ["account_id"] for arg in table_args)
        return mapped_column(String(64), ForeignKey("accounts.id", ondelete="CASCADE"), index=not listed)
