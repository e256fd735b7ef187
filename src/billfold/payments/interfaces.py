"""What Billfold needs from a payment provider, and nothing more.

Domain functions take a ``PaymentGateway`` argument instead of importing one, so the
deterministic ``TestGateway`` and a real provider are interchangeable; the contract
tests in ``tests/payments/test_gateway_contract.py`` hold every implementation to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from billfold.models import PaymentMethod

__all__ = ["ChargeResult", "PaymentGateway"]


@dataclass(frozen=True, slots=True)
class ChargeResult:
    """The outcome of one charge; a decline is a result, not an exception."""

    succeeded: bool
    decline_code: str | None
    message: str | None
    charge_id: str


class PaymentGateway(Protocol):
    """Verifies and charges saved cards."""

    def verify_card(self, payment_method: PaymentMethod) -> None:
        """Check a card before it is saved for later use (attach, setup intent).

        Raises ``billfold.errors.CardError`` for a card the issuer declines.
        """

    def charge(
        self,
        *,
        payment_method: PaymentMethod,
        amount: int,
        currency: str,
        idempotency_key: str,
    ) -> ChargeResult:
        """Charge ``amount`` minor units; the same ``idempotency_key`` never charges twice."""
