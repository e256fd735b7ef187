"""The worker: everything time makes due, in batches, each batch one transaction.

A batch claims up to ``batch_size`` due jobs and up to ``batch_size`` due subscriptions
(found through the ``(status, current_period_end)`` index and a few small queries),
locks them ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so concurrent workers take disjoint
sets, runs :func:`~billfold.jobs.due.run_subscription` / :func:`~billfold.jobs.due.run_job`
on each, and commits once. A crash rolls the whole batch back; the next run finds the same
work due again, and the unique renewal key makes a renewal that did commit a no-op.

Subscriptions (and jobs) of customers on a test clock are left alone: only advancing
their clock runs them.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import InstrumentedAttribute, Session

from billfold.clock import Clock, FrozenClock, to_unix
from billfold.context import Ctx
from billfold.db import Database
from billfold.jobs.due import ENDED, RENEWING, run_job, run_subscription
from billfold.jobs.notices import TRIAL_NOTICE, TRIAL_WILL_END, UPCOMING, UPCOMING_NOTICE, UPCOMING_STATUSES
from billfold.jobs.queue import claim_due_jobs, finish_job
from billfold.jobs.renewal_batch import among
from billfold.models import Job, Subscription, SubscriptionSchedule
from billfold.payments import PaymentGateway
from billfold.schedules import advance_schedule, due_schedules_query
from billfold.subscriptions.renewal import INCOMPLETE_LIFETIME

__all__ = ["BulkRenewer", "ContextFor", "Worker", "due_subscriptions", "start_in_background"]

log = logging.getLogger("billfold.worker")
S = Subscription
_JOB_BACKOFF = dt.timedelta(minutes=5)
_FAST_PATH = "the fast path"

# The batch's context for an account (the worker makes one per account and batch).
ContextFor = Callable[[str], Ctx]
# A fast path for plain renewals (see billfold.jobs.bulk): given the batch's claimed
# subscriptions (their keys) and its context for an account, it renews those it can and
# returns the keys of the rest for the general path.
BulkRenewer = Callable[[Session, ContextFor, set[int], PaymentGateway], set[int]]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the length of a batch (it is process-wide: other threads too).

    A batch of renewals makes a few hundred thousand objects (ORM rows, payloads) that live
    until it ends; with the collector on, its passes over them took about a tenth of the
    worker's time. What the batch leaves behind is collected once it is back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _no_marker(
    kind: str, instant: InstrumentedAttribute[dt.datetime | None] | InstrumentedAttribute[dt.datetime]
) -> ColumnElement[bool]:
    return ~exists().where(Job.subject_id == S.id, Job.kind == kind, Job.run_at == instant)


def _renewals(now: dt.datetime, where: list[ColumnElement[bool]]) -> list[Select[Any]]:
    """Renewals and trial ends, oldest first: one query per status.

    Each is an ordered range of the ``(status, current_period_end)`` index that stops at its
    ``LIMIT``; an ``IN`` over the statuses would read and sort every due row, every batch.
    """
    return [
        select(S.pk).where(S.status == status, S.current_period_end <= now, *where).order_by(S.current_period_end)
        for status in RENEWING
    ]


def _others(now: dt.datetime, where: list[ColumnElement[bool]]) -> list[Select[Any]]:
    """Everything else due: incomplete expiry, ``cancel_at``, pauses ending, notice windows."""
    live = S.status.not_in(ENDED)
    return [
        select(S.pk).where(S.status == "incomplete", S.created <= now - INCOMPLETE_LIFETIME, *where),
        select(S.pk).where(live, S.cancel_at <= now, S.cancel_at <= S.current_period_end, *where),
        select(S.pk).where(live, S.pause_collection["resumes_at"].as_integer() <= to_unix(now), *where),
        select(S.pk).where(
            S.status == "trialing",
            S.trial_end > now,
            S.trial_end <= now + TRIAL_NOTICE,
            _no_marker(TRIAL_WILL_END, S.trial_end),
            *where,
        ),
        select(S.pk).where(
            S.status.in_(UPCOMING_STATUSES),
            S.current_period_end > now,
            S.current_period_end <= now + UPCOMING_NOTICE,
            S.collection_method == "charge_automatically",
            S.cancel_at_period_end.is_(False),
            _no_marker(UPCOMING, S.current_period_end),
            *where,
        ),
    ]


def due_subscriptions(
    now: dt.datetime,
    limit: int,
    skip: frozenset[str] = frozenset(),
    *,
    renewals_only: bool = False,
) -> list[Select[Any]]:
    """The queries (each ``LIMIT limit``, each locking what it returns) for subscriptions with work due.

    ``renewals_only`` leaves out the queries for everything else, which scan more of the table;
    the worker skips them while a backlog of renewals fills whole batches.
    """
    where: list[ColumnElement[bool]] = [S.test_clock_id.is_(None)]
    if skip:
        where.append(S.id.not_in(skip))
    queries = _renewals(now, where) + ([] if renewals_only else _others(now, where))
    return [q.limit(limit).with_for_update(skip_locked=True, of=S) for q in queries]


@dataclass
class Worker:
    """Runs due work against ``db`` at ``clock``'s time (see the module docstring)."""

    db: Database
    clock: Clock
    gateway: PaymentGateway
    batch_size: int = 500
    api_version: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    bulk: BulkRenewer | None = None
    # Subscriptions whose processing raised: left out for the rest of this process's life.
    skipped: set[str] = field(default_factory=set)
    _current: str | None = None

    def run_batch(self) -> int:
        """Claim and run one batch in one transaction; returns how many items it processed."""
        now = self.clock.now()
        self._current = None
        try:
            with _collector_paused(), self.db.unit() as unit:
                return self._batch(unit.session, now)
        except OperationalError:
            log.warning("batch rolled back by the database (will retry)", exc_info=True)
            return 0
        except Exception:
            failed = self._current
            log.exception("batch failed on %s; rolled back, continuing without it", failed)
            if failed == _FAST_PATH:  # let the general path find which subscription it was
                self.bulk = None
            elif failed is not None and failed.startswith("job:"):
                self._defer_job(int(failed.removeprefix("job:")), now)
            elif failed is not None:
                self.skipped.add(failed)
            return 1 if failed is not None else 0

    def run_until_idle(self) -> int:
        """Run batches until nothing is due; returns the number of items processed."""
        total = 0
        while processed := self.run_batch():
            total += processed
        return total

    def run_forever(self, interval: float, stop: threading.Event) -> None:
        """Run batches, sleeping ``interval`` seconds whenever nothing is due, until ``stop`` is set."""
        while not stop.is_set():
            if not self.run_batch():
                stop.wait(interval)

    def _ctx(self, session: Session, contexts: dict[str, Ctx], account_id: str, now: dt.datetime) -> Ctx:
        ctx = contexts.get(account_id)
        if ctx is None:
            ctx = contexts[account_id] = Ctx(
                session,
                account_id,
                FrozenClock(now),
                api_version=self.api_version,
                public_base_url=self.public_base_url,
            )
        return ctx

    def _batch(self, session: Session, now: dt.datetime) -> int:
        contexts: dict[str, Ctx] = {}
        jobs = claim_due_jobs(session, now, self.batch_size)
        for job in jobs:
            self._current = f"job:{job.pk}"
            run_job(self._ctx(session, contexts, job.account_id, now), self.gateway, job)
            finish_job(job, now)
        schedules = self._due_schedules(session, now)
        for schedule in schedules:
            self._current = schedule.id
            advance_schedule(self._ctx(session, contexts, schedule.account_id, now), self.gateway, schedule)
        pks = claimed = self._due_subscriptions(session, now)
        if self.bulk is not None and pks:
            self._current = _FAST_PATH
            pks = self.bulk(session, lambda account: self._ctx(session, contexts, account, now), pks, self.gateway)
        subs: list[Subscription] = list(session.scalars(select(S).where(among(session, S.pk, pks)))) if pks else []
        for sub in sorted(subs, key=lambda s: (s.customer_id, s.id)):
            self._current = sub.id
            run_subscription(self._ctx(session, contexts, sub.account_id, now), self.gateway, sub)
        self._current = None
        return len(jobs) + len(schedules) + len(claimed)

    def _due_subscriptions(self, session: Session, now: dt.datetime) -> set[int]:
        """Up to a batch of due renewals; the rest of what is due only once renewals leave room."""
        skip = frozenset(self.skipped)
        pks: set[int] = set()
        for query in due_subscriptions(now, self.batch_size, skip, renewals_only=True):
            pks.update(session.scalars(query.limit(self.batch_size - len(pks))))
            if len(pks) >= self.batch_size:
                return pks
        for query in due_subscriptions(now, self.batch_size, skip)[len(RENEWING) :]:
            pks.update(session.scalars(query))
        return pks

    def _due_schedules(self, session: Session, now: dt.datetime) -> list[SubscriptionSchedule]:
        """Subscription schedules with a phase change (or start, end, notice) due, locked like the rest."""
        stmt = due_schedules_query(now, limit=self.batch_size).where(SubscriptionSchedule.test_clock_id.is_(None))
        if self.skipped:
            stmt = stmt.where(SubscriptionSchedule.id.not_in(self.skipped))
        return list(session.scalars(stmt.with_for_update(skip_locked=True, of=SubscriptionSchedule)))

    def _defer_job(self, pk: int, now: dt.datetime) -> None:
        """A job that raised: count the attempt and try it again later."""
        try:
            with self.db.unit() as unit:
                job = unit.session.get(Job, pk)
                if job is not None:
                    finish_job(
                        job, now, error="raised; see the worker's log", retry_at=now + _JOB_BACKOFF * (job.attempts + 1)
                    )
        except Exception:
            log.exception("could not defer job %s", pk)


def start_in_background(
    database_url: str,
    *,
    gateway: PaymentGateway,
    clock: Clock,
    interval: float = 5.0,
    batch_size: int = 100,
    api_version: str | None = None,
    public_base_url: str = "http://127.0.0.1:8000",
) -> tuple[threading.Thread, threading.Event]:
    """Run the worker loop in a daemon thread on its own connection; set the returned event to stop it.

    For ``billfold demo`` and ``billfold serve --with-worker``.
    """
    stop = threading.Event()
    worker = Worker(Database(database_url), clock, gateway, batch_size, api_version, public_base_url)

    def loop() -> None:
        try:
            worker.run_forever(interval, stop)
        finally:
            worker.db.close()

    thread = threading.Thread(target=loop, name="billfold-worker", daemon=True)
    thread.start()
    return thread, stop
