"""What every domain operation needs to know about the call it serves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from billfold.clock import Clock

__all__ = ["Ctx"]


@dataclass(frozen=True, slots=True)
class Ctx:
    """The session of the current unit of work, the acting account, and the clock.

    ``request_id`` and ``idempotency_key`` are copied onto the events a call writes,
    as Stripe's ``event.request`` does.
    """

    session: Session
    account_id: str
    clock: Clock
    request_id: str | None = None
    idempotency_key: str | None = None
    api_version: str | None = None
    # Where hosted pages live (hosted invoice URLs, portal links); set from settings.
    public_base_url: str = "http://127.0.0.1:8000"
