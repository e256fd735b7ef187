"""Portal session tokens: single use, opened within 5 minutes, then alive 1 hour from last activity.

The URL of a portal session carries a split token: a selector (the session id without its
``bps_`` prefix) and a random secret of 32 characters (about 190 bits), of which only the
SHA-256 is stored (that much entropy makes a plain hash as good as a keyed one, with no server
secret). The session is found by its id and the secret's hash compared with the stored one
(in constant time where Python compares; in the exchange's UPDATE, as SQL equality of two
hashes, whose timing says nothing usable about the secret), so no index on a random hash is
written on every create. The portal's first request exchanges the token, once, for a cookie made the same way;
every later request presents the cookie. Functions take the ORM session and the current time
because the portal finds the account from the token, not the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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
_PREFIX = "bps_"
_SELECTOR = 24  # a session id's length after its prefix (billfold.ids)
_SECRET = 32
TOKEN_LENGTH = _SELECTOR + _SECRET

TokenState = Literal["usable", "used", "expired", "revoked"]


def hash_token(secret: str) -> str:
    """The stored form of a token's or cookie's secret part."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    """The session id and the secret of a token or cookie; None when it cannot be one."""
    if len(token) != TOKEN_LENGTH or not token.isascii() or not token.isalnum():
        return None
    return _PREFIX + token[:_SELECTOR], token[_SELECTOR:]


def _matches(stored: str | None, secret: str) -> bool:
    return stored is not None and hmac.compare_digest(stored, hash_token(secret))


def new_token(session_id: str) -> tuple[str, str]:
    """A fresh token for the session ``session_id`` and the hash to store; the token is shown once."""
    secret = random_token(_SECRET)
    return session_id.removeprefix(_PREFIX) + secret, hash_token(secret)


def find_by_token(session: Session, token: str) -> PortalSession | None:
    """The portal session a URL token belongs to, in whatever state it is."""
    parts = _split(token)
    if parts is None:
        return None
    row = session.scalars(select(PortalSession).where(PortalSession.id == parts[0])).one_or_none()
    return row if row is not None and _matches(row.token_hash, parts[1]) else None


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
    """Open the portal session once: returns it with a new cookie, or None.

    One conditional UPDATE does the check and the change, so two requests racing with the
    same token cannot both win.
    """
    parts = _split(token)
    if parts is None:
        return None
    session_id, secret = parts
    cookie_secret = random_token(_SECRET)
    result = session.execute(
        update(PortalSession)
        .where(
            PortalSession.id == session_id,
            PortalSession.token_hash == hash_token(secret),
            PortalSession.opened_at.is_(None),
            PortalSession.revoked_at.is_(None),
            PortalSession.expires_at > now,
        )
        .values(opened_at=now, last_seen_at=now, cookie_hash=hash_token(cookie_secret))
        .execution_options(synchronize_session=False),
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    row = session.scalars(
        select(PortalSession).where(PortalSession.id == session_id).execution_options(populate_existing=True)
    ).one()
    return row, session_id.removeprefix(_PREFIX) + cookie_secret


def session_for_cookie(session: Session, cookie: str, now: dt.datetime) -> PortalSession | None:
    """The live portal session of a cookie, its activity time moved to ``now``; None once idle an hour."""
    parts = _split(cookie)
    if parts is None:
        return None
    row = session.scalars(select(PortalSession).where(PortalSession.id == parts[0])).one_or_none()
    if row is None or not _matches(row.cookie_hash, parts[1]):
        return None
    if row.revoked_at is not None or row.last_seen_at is None:
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
