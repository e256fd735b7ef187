"""Creating accounts and keys, and finding the account a key belongs to.

Keys are shown once and stored only as HMAC-SHA256(server secret, key): a leaked
database does not leak usable keys, and lookup stays one indexed equality.
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billfold.clock import Clock
from billfold.ids import new_id, random_token
from billfold.models import Account, ApiKey

__all__ = ["account_for_key", "connected_account_of", "create_account", "create_api_key", "hash_key"]

_KEY_PREFIX = {"secret": "sk_test_", "publishable": "pk_test_"}


def hash_key(server_secret: str, key: str) -> str:
    """The stored form of an API key."""
    return hmac.digest(server_secret.encode(), key.encode(), "sha256").hex()


def create_account(
    session: Session,
    clock: Clock,
    *,
    business_name: str,
    email: str | None = None,
    country: str = "US",
    default_currency: str = "usd",
    parent_id: str | None = None,
    business_profile: dict[str, Any] | None = None,
) -> Account:
    """A new merchant (or, with ``parent_id``, a connected account of a platform)."""
    account = Account(
        id=new_id("acct", 16),
        created=clock.now(),
        business_name=business_name,
        email=email,
        country=country.upper(),
        default_currency=default_currency.lower(),
        parent_id=parent_id,
        business_profile={"name": business_name, **(business_profile or {})},
        settings={},
        metadata_={},
    )
    session.add(account)
    session.flush()
    return account


def create_api_key(
    session: Session,
    clock: Clock,
    server_secret: str,
    account_id: str,
    kind: str = "secret",
) -> tuple[ApiKey, str]:
    """A new key for ``account_id``; returns the row and the only copy of the plaintext."""
    plaintext = _KEY_PREFIX[kind] + random_token(48)
    row = ApiKey(
        id=new_id("key"),
        created=clock.now(),
        account_id=account_id,
        key_hash=hash_key(server_secret, plaintext),
        kind=kind,
        last4=plaintext[-4:],
    )
    session.add(row)
    session.flush()
    return row, plaintext


def account_for_key(session: Session, key_hash: str) -> tuple[str, str] | None:
    """``(account_id, kind)`` of a live key with this hash, or None."""
    row = session.execute(
        select(ApiKey.account_id, ApiKey.kind).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None)),
    ).first()
    return (row[0], row[1]) if row else None


def connected_account_of(session: Session, platform_id: str, account_id: str) -> bool:
    """Whether ``account_id`` is a connected account of ``platform_id``."""
    found = session.execute(
        select(Account.pk).where(Account.id == account_id, Account.parent_id == platform_id),
    ).first()
    return found is not None
