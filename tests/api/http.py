"""Raw HTTP against the live server, for what the stripe SDK hides (headers, bodies, JSON)."""

from __future__ import annotations

from typing import Any

import httpx
import stripe

from tests.support import Account, LiveServer

__all__ = ["client", "error_of", "response_of"]


def client(server: LiveServer, account: Account | None = None, **headers: str) -> httpx.Client:
    """An httpx client on the live server, authenticated as ``account`` when given."""
    sent = {key.replace("_", "-"): value for key, value in headers.items()}
    if account is not None:
        sent.setdefault("Authorization", f"Bearer {account.key}")
    return httpx.Client(base_url=server.url, headers=sent, timeout=30)


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of a Stripe-shaped error response (asserting the envelope)."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def response_of(obj: stripe.StripeObject) -> stripe.StripeResponse:
    """The HTTP response an SDK object came from (headers, request id, raw body)."""
    response = obj.last_response
    assert response is not None
    return response
