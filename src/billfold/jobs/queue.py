"""The jobs table: enqueue due work, claim it, mark it done; notices recorded as done jobs.

Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never take the same
job; SQLite ignores the clause and serialises writers with ``BEGIN IMMEDIATE`` instead.
Keys are unique: enqueuing twice is a no-op (``INSERT … ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Insert, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from billfold.context import Ctx
from billfold.models import Job

__all__ = ["claim_due_jobs", "enqueue", "finish_job", "has_job", "mark_notice_sent", "pending_jobs", "retire_jobs"]


def _insert(session: Session) -> Insert:
    dialect = session.get_bind().dialect.name
    stmt = postgresql.insert(Job) if dialect == "postgresql" else sqlite.insert(Job)
    return stmt.on_conflict_do_nothing(index_elements=["key"])


def enqueue(
    ctx: Ctx,
    *,
    kind: str,
    key: str,
    subject_id: str,
    run_at: dt.datetime,
    payload: dict[str, Any] | None = None,
    test_clock_id: str | None = None,
    done: bool = False,
) -> bool:
    """Add a job (or, with ``done``, the record that something happened); False if ``key`` exists."""
    now = ctx.clock.now()
    values = {
        "key": key,
        "kind": kind,
        "account_id": ctx.account_id,
        "subject_id": subject_id,
        "test_clock_id": test_clock_id,
        "run_at": run_at,
        "payload": payload or {},
        "attempts": 0,
        "created": now,
        "done_at": now if done else None,
    }
    ctx.session.flush()
    result = ctx.session.execute(_insert(ctx.session).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_notice_sent(ctx: Ctx, *, kind: str, subject_id: str, at: dt.datetime, test_clock_id: str | None) -> bool:
    """Record that notice ``kind`` about ``subject_id`` (for the instant ``at``) went out; False if it had."""
    return enqueue(
        ctx,
        kind=kind,
        key=f"{kind}:{subject_id}:{int(at.timestamp())}",
        subject_id=subject_id,
        run_at=at,
        test_clock_id=test_clock_id,
        done=True,
    )


def has_job(session: Session, *, kind: str, subject_id: str, run_at: dt.datetime | None = None) -> bool:
    """Whether a job (pending or done) of ``kind`` about ``subject_id`` exists (at ``run_at``, if given)."""
    stmt = exists().where(Job.subject_id == subject_id, Job.kind == kind)
    if run_at is not None:
        stmt = stmt.where(Job.run_at == run_at)
    return bool(session.scalar(select(stmt)))


def claim_due_jobs(session: Session, now: dt.datetime, limit: int, *, test_clock_id: str | None = None) -> list[Job]:
    """Pending jobs due at ``now``, oldest first, locked for this transaction (skipping others' claims).

    Without ``test_clock_id``: the jobs of real time only (a test clock's run when it advances).
    """
    clock = Job.test_clock_id.is_(None) if test_clock_id is None else Job.test_clock_id == test_clock_id
    stmt = (
        select(Job)
        .where(Job.done_at.is_(None), Job.run_at <= now, clock)
        .order_by(Job.run_at, Job.pk)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def pending_jobs(session: Session, *, test_clock_id: str) -> list[Job]:
    """The pending jobs of a test clock's objects, soonest first."""
    stmt = select(Job).where(Job.done_at.is_(None), Job.test_clock_id == test_clock_id)
    return list(session.scalars(stmt.order_by(Job.run_at, Job.pk)))


def finish_job(job: Job, now: dt.datetime, *, error: str | None = None, retry_at: dt.datetime | None = None) -> None:
    """Mark ``job`` done, or (after an error, with ``retry_at``) pending again for later."""
    job.attempts += 1
    job.last_error = error
    if retry_at is not None:
        job.run_at = retry_at
    else:
        job.done_at = now


def retire_jobs(ctx: Ctx, *, kind: str, subject_id: str) -> None:
    """Mark the pending jobs of ``kind`` about ``subject_id`` done (they have nothing left to do)."""
    ctx.session.execute(
        update(Job)
        .where(Job.subject_id == subject_id, Job.kind == kind, Job.done_at.is_(None))
        .values(done_at=ctx.clock.now()),
        execution_options={"synchronize_session": False},
    )
