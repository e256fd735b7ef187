"""Accounts (merchants and their connected accounts) and API keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import StripeObject

__all__ = ["Account", "ApiKey"]


class Account(StripeObject):
    """A merchant. ``parent_id`` is set on connected accounts of a platform."""

    __tablename__ = "accounts"

    parent_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("accounts.id"), index=True)
    business_name: Mapped[str | None] = mapped_column(String(5000))
    email: Mapped[str | None] = mapped_column(String(5000))
    country: Mapped[str] = mapped_column(String(2), default="US")
    default_currency: Mapped[str] = mapped_column(String(3), default="usd")
    # Support address, URL, branding: what the portal and invoices show of the merchant.
    business_profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class ApiKey(StripeObject):
    """A secret or publishable key, stored only as HMAC-SHA256(server secret, key)."""

    __tablename__ = "api_keys"

    account_id: Mapped[str] = mapped_column(String(64), ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "secret" or "publishable"
    last4: Mapped[str] = mapped_column(String(4))
    revoked_at: Mapped[dt.datetime | None]
