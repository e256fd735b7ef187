"""Errors raised by domain code and rendered by the web layers in Stripe's shape.

Hierarchy::

    BillfoldError                    400 invalid_request_error
     ├── InvalidRequestError         400 (parameter problems, rule violations)
     │    └── ResourceMissingError   404 resource_missing
     ├── AuthenticationError         401
     ├── PermissionDeniedError       403
     ├── CardError                   402 card_error (declines, with decline_code)
     ├── IdempotencyError            400 idempotency_error
     ├── ConflictError               409 (a concurrent request holds the same key)
     └── ApiError                    500 api_error

    CommittedError wraps one of these when the work done so far must be committed first.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BillfoldError",
    "CardError",
    "CommittedError",
    "ConflictError",
    "IdempotencyError",
    "InvalidRequestError",
    "PermissionDeniedError",
    "ResourceMissingError",
]


class BillfoldError(Exception):
    """Base of every error that becomes a Stripe-shaped response."""

    http_status = 400
    error_type = "invalid_request_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object of Stripe's error envelope."""
        body: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.code is not None:
            body["code"] = self.code
            body["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            body["param"] = self.param
        if self.decline_code is not None:
            body["decline_code"] = self.decline_code
        body.update(self.extra)
        return body


class InvalidRequestError(BillfoldError):
    """The request is wrong: a parameter, or a rule the request breaks."""


class ResourceMissingError(InvalidRequestError):
    """An id that does not exist on this account (Stripe says "No such customer: 'cus_x'")."""

    http_status = 404

    def __init__(self, kind: str, object_id: str, *, param: str | None = "id") -> None:
        super().__init__(f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


class AuthenticationError(BillfoldError):
    """No key, or a key we do not know."""

    http_status = 401


class PermissionDeniedError(BillfoldError):
    """A valid key asking for something it may not touch."""

    http_status = 403


class CardError(BillfoldError):
    """The card was declined by the gateway."""

    http_status = 402
    error_type = "card_error"


class IdempotencyError(BillfoldError):
    """An Idempotency-Key reused with different parameters."""

    error_type = "idempotency_error"


class ConflictError(BillfoldError):
    """Another request with the same idempotency key is still running."""

    http_status = 409


class ApiError(BillfoldError):
    """Our fault: something failed that the caller could not have prevented."""

    http_status = 500
    error_type = "api_error"


class CommittedError(Exception):
    """An error to return AFTER committing what was done.

    A declined charge is the case: the attempt, the attempt count and the
    ``invoice.payment_failed`` event must be kept, yet the caller gets a 402.
    """

    def __init__(self, error: BillfoldError) -> None:
        super().__init__(error.message)
        self.error = error
