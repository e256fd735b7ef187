"""``billing_portal.configuration`` and ``billing_portal.session``."""

from __future__ import annotations

import copy
from typing import Any

from billfold.models import PortalConfiguration, PortalSession
from billfold.objects.common import ts

__all__ = ["configuration_object", "login_page_url", "session_object"]


def login_page_url(base_url: str, token: str | None) -> str | None:
    """The shareable login link of a configuration whose login page is enabled."""
    return None if token is None else f"{base_url}/p/login/{token}"


def configuration_object(c: PortalConfiguration, base_url: str) -> dict[str, Any]:
    """A portal configuration as the API shows it; ``base_url`` is where hosted pages live."""
    return {
        "id": c.id,
        "object": "billing_portal.configuration",
        "active": c.active,
        "application": None,
        "business_profile": dict(c.business_profile),
        "created": ts(c.created),
        "default_return_url": c.default_return_url,
        "features": copy.deepcopy(c.features),
        "is_default": c.is_default,
        "livemode": False,
        "login_page": {
            "enabled": c.login_page_token is not None,
            "url": login_page_url(base_url, c.login_page_token),
        },
        "metadata": dict(c.metadata_),
        "name": c.name,
        "updated": ts(c.updated),
    }


def session_object(s: PortalSession, url: str) -> dict[str, Any]:
    """A portal session; ``url`` carries the token, which only the creating call ever sees."""
    return {
        "id": s.id,
        "object": "billing_portal.session",
        "after_expiration": copy.deepcopy(s.after_expiration),
        "configuration": s.configuration_id,
        "created": ts(s.created),
        "customer": s.customer_id,
        "customer_account": None,
        "flow": copy.deepcopy(s.flow),
        "livemode": False,
        "locale": s.locale,
        "on_behalf_of": s.on_behalf_of,
        "return_url": s.return_url,
        "url": url,
    }
