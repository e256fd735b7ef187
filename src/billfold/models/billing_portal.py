"""Customer portal configurations and portal sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from billfold.models.base import AccountOwned

__all__ = ["PortalConfiguration", "PortalSession"]


class PortalConfiguration(AccountOwned):
    """What customers may do in the portal (``bpc_``); exactly one per account is the default."""

    __tablename__ = "portal_configurations"
    __table_args__ = (
        Index("ix_portal_configurations_account_pk", "account_id", "pk"),
        # At most one default per account (and the code makes sure there is one).
        Index(
            "uq_portal_configurations_default",
            "account_id",
            unique=True,
            sqlite_where=text("is_default = 1"),
            postgresql_where=text("is_default"),
        ),
    )

    active: Mapped[bool] = mapped_column(default=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(5000))
    default_return_url: Mapped[str | None] = mapped_column(String(5000))
    # ``{headline, privacy_policy_url, terms_of_service_url}``, as the API shows it.
    business_profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Every feature, fully defaulted, in the API's shape (plus Billfold's documented
    # ``subscription_cancel.retention`` extension).
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The random part of the shareable login URL while the login page is enabled; a public
    # link, so it is kept as is (the URL is built with the current public base URL).
    login_page_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated: Mapped[dt.datetime]
    metadata_: Mapped[dict[str, str]] = mapped_column(default=dict)


class PortalSession(AccountOwned):
    """One customer's way into the portal (``bps_``).

    The secret part of the URL's token is stored only as its SHA-256 (``token_hash``). It can be exchanged once
    (``opened_at``), before ``expires_at`` (5 minutes after creation), for a cookie whose
    secret is also stored hashed (``cookie_hash``); the portal session then lives until one
    hour after ``last_seen_at``, or until ``revoked_at``.
    """

    __tablename__ = "portal_sessions"
    # Sessions are found by id (tokens and cookies carry it: billing_portal/tokens.py), and
    # every index is written on each create (the hot write): so no index on the random hashes,
    # none on the account or the configuration (never deleted on its own), only the
    # customer's, for its cascade.
    __table_args__ = (Index("ix_portal_sessions_customer", "customer_id"),)

    account_id: Mapped[str] = mapped_column(String(64), ForeignKey("accounts.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(String(64), ForeignKey("customers.id", ondelete="CASCADE"))
    configuration_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("portal_configurations.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
    opened_at: Mapped[dt.datetime | None]
    cookie_hash: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    locale: Mapped[str | None] = mapped_column(String(16))
    return_url: Mapped[str | None] = mapped_column(String(5000))
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    # The ``flow`` object as the API shows it (null for the portal's home page).
    flow: Mapped[dict[str, Any] | None]
    after_expiration: Mapped[dict[str, Any] | None]
