"""Portal session tokens: single use, opened within 5 minutes, then alive 1 hour from last activity.

The URL of a portal session carries a random token; only its SHA-256 is stored (a token has
about 190 random bits, so a plain hash is as good as a keyed one and needs no server secret).
The portal's first request exchanges the token, once, for a cookie whose secret is stored the
same way; every later request presents the cookie. Functions take the ORM session and the
current time because the portal finds the account from the token, not the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from billfold.ids import random_token
from billfold.models import PortalSession

__all__ = [
    "IDLE_LIFETIME",
    "OPEN_WITHIN",
    "TOKEN_LENGTH",
    "exchange_token",
    "find_by_token",
    "hash_token",
    "new_token",
    "recoverable",
    "revoke",
    "session_for_cookie",
    "token_state",
]

OPEN_WITHIN = dt.timedelta(minutes=5)
IDLE_LIFETIME = dt.timedelta(hours=1)
TOKEN_LENGTH = 32

TokenState = Literal["usable", "used", "expired", "revoked"]


def hash_token(token: str) -> str:
    """The stored form of a token or cookie secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash; the token itself is shown once, in the session's URL."""
    token = random_token(TOKEN_LENGTH)
    return token, hash_token(token)


def find_by_token(session: Session, token: str) -> PortalSession | None:
    """The portal session a URL token belongs to, in whatever state it is."""
    return session.scalars(select(PortalSession).where(PortalSession.token_hash == hash_token(token))).one_or_none()


def token_state(row: PortalSession, now: dt.datetime) -> TokenState:
    """Whether the URL can still be opened, and if not, why."""
    if row.revoked_at is not None:
        return "revoked"
    if row.opened_at is not None:
        return "used"
    if now >= row.expires_at:
        return "expired"
    return "usable"


def recoverable(row: PortalSession, now: dt.datetime) -> bool:
    """Whether an expired or used URL should offer the customer login (``after_expiration``)."""
    after = row.after_expiration
    if not after or after.get("type") != "customer_login":
        return False
    deadline = (after.get("customer_login") or {}).get("expires_at")
    return deadline is None or now.timestamp() < deadline


def exchange_token(session: Session, token: str, now: dt.datetime) -> tuple[PortalSession, str] | None:
    """Open the portal session once: returns it with a new cookie secret, or None.

    One conditional UPDATE does the check and the change, so two requests racing with the
    same token cannot both win.
    """
    cookie = random_token(TOKEN_LENGTH)
    result = session.execute(
        update(PortalSession)
        .where(
            PortalSession.token_hash == hash_token(token),
            PortalSession.opened_at.is_(None),
            PortalSession.revoked_at.is_(None),
            PortalSession.expires_at > now,
        )
        .values(opened_at=now, last_seen_at=now, cookie_hash=hash_token(cookie))
        .execution_options(synchronize_session=False),
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    row = session.scalars(
        select(PortalSession)
        .where(PortalSession.token_hash == hash_token(token))
        .execution_options(populate_existing=True),
    ).one()
    return row, cookie


def session_for_cookie(session: Session, cookie: str, now: dt.datetime) -> PortalSession | None:
    """The live portal session of a cookie, its activity time moved to ``now``; None once idle an hour."""
    row = session.scalars(select(PortalSession).where(PortalSession.cookie_hash == hash_token(cookie))).one_or_none()
    if row is None or row.revoked_at is not None or row.last_seen_at is None:
        return None
    if now >= row.last_seen_at + IDLE_LIFETIME:
        return None
    row.last_seen_at = now
    session.flush()
    return row


def revoke(session: Session, row: PortalSession, now: dt.datetime) -> None:
    """End a portal session (the customer signed out)."""
    row.revoked_at = now
    session.flush()
