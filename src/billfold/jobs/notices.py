"""Notices sent ahead of time.

``customer.subscription.trial_will_end`` goes out three days before a trial ends, and
``invoice.upcoming`` three days before a renewal invoice is made.

Each notice is sent once per instant it announces (the trial's end, the period's end):
a done job records it, so the worker and a test clock never send it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from billfold.context import Ctx
from billfold.errors import BillfoldError
from billfold.events import record_event
from billfold.models import Job, Subscription
from billfold.subscriptions.queries import subscription_payload

__all__ = [
    "TRIAL_NOTICE",
    "TRIAL_WILL_END",
    "UPCOMING",
    "UPCOMING_NOTICE",
    "UPCOMING_STATUSES",
    "Notice",
    "send_due_notices",
    "unsent_notices",
]

log = logging.getLogger("billfold.jobs")

TRIAL_NOTICE = dt.timedelta(days=3)
UPCOMING_NOTICE = dt.timedelta(days=3)
TRIAL_WILL_END = "customer.subscription.trial_will_end"
UPCOMING = "invoice.upcoming"
UPCOMING_STATUSES = ("active", "past_due", "trialing")


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice whose window runs from ``at`` to ``about`` (the instant it announces).

    An ineligible notice (a renewal that will not charge after all) is recorded, not sent,
    when its window comes, so the worker's queries (which cannot see every reason) stop
    matching it.
    """

    kind: str
    at: dt.datetime
    about: dt.datetime
    eligible: bool = True


def _windows(sub: Subscription) -> list[Notice]:
    """The notices ``sub`` has a window for; the worker's queries match exactly these."""
    notices = []
    if sub.status == "trialing" and sub.trial_end is not None:
        notices.append(Notice(TRIAL_WILL_END, sub.trial_end - TRIAL_NOTICE, sub.trial_end))
    if (
        sub.status in UPCOMING_STATUSES
        and sub.collection_method == "charge_automatically"
        and not sub.cancel_at_period_end
    ):
        end = sub.current_period_end
        at = end - UPCOMING_NOTICE
        eligible = (
            not (sub.cancel_at is not None and sub.cancel_at <= end)
            and not sub.pause_collection
            # Only for periods longer than the notice: a daily subscription gets no upcoming invoice.
            and at > sub.current_period_start
        )
        notices.append(Notice(UPCOMING, at, end, eligible))
    return notices


def unsent_notices(ctx: Ctx, sub: Subscription) -> list[Notice]:
    """The notices of ``sub`` not yet sent (or recorded), due now or later."""
    windows = _windows(sub)
    if not windows:
        return []
    rows = ctx.session.execute(
        select(Job.kind, Job.run_at).where(Job.subject_id == sub.id, Job.kind.in_([n.kind for n in windows])),
    )
    sent = {(kind, run_at) for kind, run_at in rows}
    return [n for n in windows if (n.kind, n.about) not in sent]


def send_due_notices(ctx: Ctx, sub: Subscription) -> int:
    """Send the notices whose window is open now (once each); returns how many went out."""
    from billfold.jobs.queue import mark_notice_sent

    now = ctx.clock.now()
    sent = 0
    for notice in unsent_notices(ctx, sub):
        if not notice.at <= now < notice.about:
            continue
        if (
            not mark_notice_sent(
                ctx, kind=notice.kind, subject_id=sub.id, at=notice.about, test_clock_id=sub.test_clock_id
            )
            or not notice.eligible
        ):
            continue
        if notice.kind == TRIAL_WILL_END:
            record_event(ctx, TRIAL_WILL_END, subscription_payload(ctx, sub))
        else:
            _upcoming_invoice(ctx, sub)
        sent += 1
    return sent


def _upcoming_invoice(ctx: Ctx, sub: Subscription) -> None:
    """``invoice.upcoming`` with the invoice the renewal will make (the preview, built and rolled back)."""
    from billfold.invoices.preview import preview_invoice

    try:
        invoice = preview_invoice(ctx, {"subscription": sub.id})
    except BillfoldError:  # nothing to invoice (e.g. a free price and no items pending)
        log.info("no upcoming invoice for %s", sub.id)
        return
    record_event(ctx, UPCOMING, invoice)
