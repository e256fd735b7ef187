"""Jobs: work that is due at a time (dunning retries), and the record of notices already sent.

A job is claimed by one worker (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), run and marked
done in the same transaction as its effects, so a crash leaves it pending and a rerun does
it once. ``key`` is unique: enqueuing the same job twice is a no-op, and a done job with a
key such as ``trial_will_end:sub_…:1767225600`` records that a notice went out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import Base, PkType

__all__ = ["Job"]


class Job(Base):
    """One unit of due work, or (once done) the proof that it happened."""

    __tablename__ = "jobs"
    __table_args__ = (
        # The worker's claim: pending jobs by due time (done jobs have done_at set).
        Index("ix_jobs_pending_run_at", "done_at", "run_at"),
        Index("ix_jobs_test_clock", "test_clock_id"),
        Index("ix_jobs_subject", "subject_id"),
    )

    pk: Mapped[int] = mapped_column(PkType, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    # The object the job is about (an invoice or subscription id).
    subject_id: Mapped[str] = mapped_column(String(64))
    # Jobs of a customer on a test clock run only when that clock is advanced.
    test_clock_id: Mapped[str | None] = mapped_column(String(64))
    run_at: Mapped[dt.datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
