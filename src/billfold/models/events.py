"""Events (the outbox) and stored idempotent responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import COMPRESSION, AccountOwned, Base, PayloadJSON, PkType

__all__ = ["Event", "IdempotencyRecord"]


class Event(AccountOwned):
    """Something that happened (``evt_``), written in the same transaction as the change."""

    __tablename__ = "events"
    account_checked = False  # see AccountOwned.account_id
    # Written on every change, so every index costs each write.
    __table_args__ = (
        Index("ix_events_account_pk", "account_id", "pk"),
        Index("ix_events_account_type", "account_id", "type"),
    )

    type: Mapped[str] = mapped_column(String(128))
    # Never queried, only read back whole: JSON or packed (billfold.packed_json); lz4 where PostgreSQL has it.
    data: Mapped[dict[str, Any]] = mapped_column(PayloadJSON, info={COMPRESSION: "lz4"})
    api_version: Mapped[str | None] = mapped_column(String(32))
    request_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    pending_webhooks: Mapped[int] = mapped_column(default=0)


class IdempotencyRecord(Base):
    """The stored response for an ``Idempotency-Key`` on one account."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("account_id", "key", name="uq_idempotency_account_key"),)

    pk: Mapped[int] = mapped_column(PkType, primary_key=True, autoincrement=True)
    # Looked up by (account_id, key), which the unique constraint indexes.
    account_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[dt.datetime]
