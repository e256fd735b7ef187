"""A deterministic, in-memory ``PaymentGateway`` for tests, demos and test mode.

What happens is read from the payment method itself (``verify_behavior`` and
``charge_behavior``, set from Stripe's test-card table when it was created), so the same
card always behaves the same way.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from billfold.errors import CardError
from billfold.ids import new_id
from billfold.models import PaymentMethod
from billfold.payments.interfaces import ChargeResult
from billfold.payments.test_cards import SUCCEED, decline_for

__all__ = ["TestGateway"]


class TestGateway:
    """Verifies and charges test cards without any network.

    Charges are remembered by idempotency key, so a retry returns the first result and
    never charges twice. Billfold derives each key from its own object id (an invoice and
    its attempt number), which is also what a real gateway receives, so retries are safe
    across processes there; here the memory lasts as long as the process.
    """

    __test__: ClassVar[bool] = False  # not a pytest test class

    def __init__(self) -> None:
        self._charges: dict[str, tuple[tuple[str, int, str], ChargeResult]] = {}
        self._lock = threading.Lock()

    def verify_card(self, payment_method: PaymentMethod) -> None:
        """Raise the card's decline, if it has one at verification time."""
        behavior = payment_method.verify_behavior or SUCCEED
        if behavior != SUCCEED:
            decline = decline_for(behavior)
            raise CardError(decline.message, code=decline.code, decline_code=decline.decline_code)

    def charge(
        self,
        *,
        payment_method: PaymentMethod,
        amount: int,
        currency: str,
        idempotency_key: str,
    ) -> ChargeResult:
        """Succeed or decline as the card says; a repeated key returns the first result."""
        request = (payment_method.id, amount, currency.lower())
        with self._lock:
            seen = self._charges.get(idempotency_key)
            if seen is not None:
                if seen[0] != request:
                    msg = f"idempotency key {idempotency_key!r} was already used for a different charge"
                    raise ValueError(msg)
                return seen[1]
            result = self._outcome(payment_method.charge_behavior or SUCCEED)
            self._charges[idempotency_key] = (request, result)
            return result

    @staticmethod
    def _outcome(behavior: str) -> ChargeResult:
        charge_id = new_id("ch")
        if behavior == SUCCEED:
            return ChargeResult(succeeded=True, decline_code=None, message=None, charge_id=charge_id)
        decline = decline_for(behavior)
        return ChargeResult(
            succeeded=False, decline_code=decline.decline_code, message=decline.message, charge_id=charge_id
        )
