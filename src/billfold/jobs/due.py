"""What is due for one subscription, and doing it: the one code path of worker and test clocks.

:func:`run_subscription` does everything due at ``ctx.clock.now()``: notices
(trial_will_end, invoice.upcoming), a collection pause reaching ``resumes_at``, then
:func:`~billfold.subscriptions.renewal.advance_subscription` (renewals, trial ends,
cancellations, incomplete expiry). :func:`next_instant` says when something will next be
due, which is how a test clock steps through time in order.
"""

from __future__ import annotations

import datetime as dt

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.events import diff, record_event
from billfold.jobs.notices import send_due_notices, unsent_notices
from billfold.models import Job, Subscription
from billfold.payments import PaymentGateway
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.renewal import INCOMPLETE_LIFETIME, advance_subscription

__all__ = ["ENDED", "RENEWING", "next_instant", "resume_collection", "run_job", "run_subscription"]

ENDED = frozenset({"canceled", "incomplete_expired"})
# Statuses whose period end renews the subscription (or ends its trial).
RENEWING = ("active", "trialing", "past_due", "unpaid")


def _resumes_at(sub: Subscription) -> dt.datetime | None:
    pause = sub.pause_collection
    if not pause or pause.get("resumes_at") is None:
        return None
    return from_unix(int(pause["resumes_at"]))


def resume_collection(ctx: Ctx, sub: Subscription) -> int:
    """Clear ``pause_collection`` once its ``resumes_at`` has come."""
    at = _resumes_at(sub)
    if at is None or at > ctx.clock.now():
        return 0
    before = subscription_payload(ctx, sub)
    sub.pause_collection = None
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    return 1


def run_subscription(ctx: Ctx, gateway: PaymentGateway, sub: Subscription) -> int:
    """Do everything due for ``sub`` at ``ctx.clock.now()``; returns how many things happened."""
    if sub.status in ENDED:
        return 0
    done = send_due_notices(ctx, sub)
    done += resume_collection(ctx, sub)
    return done + advance_subscription(ctx, gateway, sub)


def next_instant(ctx: Ctx, sub: Subscription) -> dt.datetime | None:
    """When something is next due for ``sub`` (possibly already past), or None."""
    if sub.status in ENDED:
        return None
    times = [notice.at for notice in unsent_notices(ctx, sub) if notice.eligible]
    if sub.status == "incomplete":
        times.append(sub.created + INCOMPLETE_LIFETIME)
    if sub.cancel_at is not None:
        times.append(sub.cancel_at)
    if sub.status not in {"incomplete", "paused"}:
        times.append(sub.current_period_end)
    resumes = _resumes_at(sub)
    if resumes is not None:
        times.append(resumes)
    return min(times, default=None)


def run_job(ctx: Ctx, gateway: PaymentGateway, job: Job) -> None:
    """Run one claimed job (its effects join the caller's transaction); the caller marks it done."""
    from billfold.jobs.dunning import RETRY, retry_invoice

    if job.kind == RETRY:
        retry_invoice(ctx, gateway, job)
