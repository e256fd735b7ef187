"""API authentication: secret keys by Bearer or Basic, and ``Stripe-Account``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from dataclasses import dataclass

from billfold.accounts import account_for_key, connected_account_of
from billfold.db import Unit
from billfold.errors import AuthenticationError, PermissionDeniedError

__all__ = ["Authenticator"]

_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, "
    "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
)


def _mask(key: str) -> str:
    return f"{key[:8]}{'*' * 12}{key[-4:]}" if len(key) > 12 else "****"


def key_from_header(header: str | None) -> str:
    """The API key in an Authorization header (Bearer, or Basic with the key as user)."""
    if not header:
        raise AuthenticationError(_NO_KEY)
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            user = base64.b64decode(value, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    raise AuthenticationError(
        "Invalid Authorization header. Use 'Bearer YOUR_SECRET_KEY' or Basic auth with the key as the username.",
    )


@dataclass(slots=True)
class _Cached:
    account_id: str
    kind: str
    expires: float


class Authenticator:
    """Resolves keys to accounts, remembering answers briefly so hot reads skip a query.

    A revoked key stops working within ``ttl`` seconds.
    """

    def __init__(self, server_secret: str, ttl: float = 30.0) -> None:
        self._mac = hmac.new(server_secret.encode(), digestmod=hashlib.sha256)
        self._ttl = ttl
        self._keys: dict[str, _Cached] = {}
        self._connected: dict[tuple[str, str], float] = {}

    def account_id(self, unit: Unit, authorization: str | None, stripe_account: str | None) -> str:
        """The account this request acts on; a remembered key costs no query (and no session)."""
        key = key_from_header(authorization)
        mac = self._mac.copy()  # hash_key's HMAC, keyed once: OpenSSL looks the digest up once
        mac.update(key.encode())
        digest = mac.hexdigest()
        now = time.monotonic()
        cached = self._keys.get(digest)
        if cached is None or cached.expires < now:
            found = account_for_key(unit.session, digest)
            if found is None:
                self._keys.pop(digest, None)
                raise AuthenticationError(f"Invalid API Key provided: {_mask(key)}", code="api_key_invalid")
            cached = _Cached(found[0], found[1], now + self._ttl)
            if len(self._keys) > 10_000:
                self._keys.clear()
            self._keys[digest] = cached
        if cached.kind != "secret":
            raise PermissionDeniedError(
                "This API call cannot be made with a publishable API key. Please use a secret API key.",
                code="secret_key_required",
            )
        if not stripe_account or stripe_account == cached.account_id:
            return cached.account_id
        pair = (cached.account_id, stripe_account)
        if self._connected.get(pair, 0.0) < now:
            if not connected_account_of(unit.session, cached.account_id, stripe_account):
                raise PermissionDeniedError(
                    f"The provided key '{_mask(key)}' does not have access to account '{stripe_account}' "
                    "(or that account does not exist). Application access may have been revoked.",
                    code="account_invalid",
                )
            self._connected[pair] = now + self._ttl
        return stripe_account
