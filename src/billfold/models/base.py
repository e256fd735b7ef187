"""Declarative base and the columns every Stripe-shaped object shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from billfold.db import UTCDateTime

__all__ = ["COMPRESSION", "AccountOwned", "Base", "JSONType", "PkType", "StripeObject", "TextJSONType"]

JSONType = JSON().with_variant(JSONB(), "postgresql")
# JSON that is only ever written and read back whole, never looked into by SQL: PostgreSQL
# keeps it as its text (``json``) instead of parsing it into ``jsonb``, which on the
# worker's events was most of PostgreSQL's time (docs/architecture.md, "Measured: renewals").
# Keys keep the order they were written in; ``json`` has no equality, so no DISTINCT on it.
TextJSONType = JSON()
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

    account_id: Mapped[str] = mapped_column(String(64), ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
