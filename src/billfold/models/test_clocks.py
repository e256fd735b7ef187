"""Test clocks: a frozen time that a customer's objects follow instead of the real one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["TestClock"]


class TestClock(AccountOwned):
    """A test clock (``clock_``): ``ready`` at ``frozen_time``, or ``advancing`` towards a target."""

    __tablename__ = "test_clocks"
    __table_args__ = (Index("ix_test_clocks_account_pk", "account_id", "pk"),)
    __test__ = False  # not a pytest test class, whatever its name

    name: Mapped[str | None] = mapped_column(String(300))
    frozen_time: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(24), default="ready")  # ready | advancing | internal_failure
    # status_details.advancing.target_frozen_time while advancing.
    target_frozen_time: Mapped[dt.datetime | None]
    deletes_after: Mapped[dt.datetime]
