"""Subscription schedules: phases that change a subscription at set times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["SubscriptionSchedule"]


class SubscriptionSchedule(AccountOwned):
    """A customer's planned subscription changes (``sub_sched_``).

    ``phases`` holds each phase as the API shows it, with its dates resolved to unix
    seconds; ``phase_index`` is the phase last applied to the subscription (-1 before the
    start). ``next_transition_at`` is when the schedule next has something to do (start,
    next phase, end, or the ``expiring`` notice): the worker's index.
    """

    __tablename__ = "subscription_schedules"
    __table_args__ = (
        Index("ix_subscription_schedules_account_pk", "account_id", "pk"),
        Index("ix_subscription_schedules_customer", "customer_id"),
        Index("ix_subscription_schedules_subscription", "subscription_id"),
        Index("ix_subscription_schedules_status_next", "status", "next_transition_at"),
    )

    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    subscription_id: Mapped[str | None] = mapped_column(String(64))
    released_subscription_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    end_behavior: Mapped[str] = mapped_column(String(16), default="release")
    phases: Mapped[list[Any]] = mapped_column(default=list)
    default_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    phase_index: Mapped[int] = mapped_column(default=-1)
    next_transition_at: Mapped[dt.datetime | None]
    expiring_sent: Mapped[bool] = mapped_column(default=False)
    canceled_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    released_at: Mapped[dt.datetime | None]
    test_clock_id: Mapped[str | None] = mapped_column(String(64))
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)
