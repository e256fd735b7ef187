"""Payment methods, setup intents, and the gateway that verifies and charges cards.

Domain functions take the gateway as an argument; callers get the process's gateway
from :func:`get_gateway` (the deterministic :class:`TestGateway` unless another was
installed with :func:`install_gateway`, e.g. by an app wiring a real provider).
"""

from __future__ import annotations

import threading

from billfold.payments.attach import (
    attach_payment_method,
    detach_payment_method,
    require_attached_payment_method,
    verify_and_save,
)
from billfold.payments.charges import charge_invoice_attempt, invoice_attempt_key
from billfold.payments.interfaces import ChargeResult, PaymentGateway
from billfold.payments.payment_methods import (
    create_payment_method,
    customer_payment_methods_query,
    get_customer_payment_method,
    get_payment_method,
    is_test_payment_method,
    list_payment_methods_query,
    resolve_payment_method,
    update_payment_method,
)
from billfold.payments.setup_intents import (
    cancel_setup_intent,
    confirm_setup_intent,
    create_setup_intent,
    get_setup_intent,
    list_setup_intents_query,
)
from billfold.payments.test_cards import decline_for
from billfold.payments.test_gateway import TestGateway

__all__ = [
    "ChargeResult",
    "PaymentGateway",
    "TestGateway",
    "attach_payment_method",
    "cancel_setup_intent",
    "charge_invoice_attempt",
    "confirm_setup_intent",
    "create_payment_method",
    "create_setup_intent",
    "customer_payment_methods_query",
    "decline_for",
    "detach_payment_method",
    "get_customer_payment_method",
    "get_gateway",
    "get_payment_method",
    "get_setup_intent",
    "install_gateway",
    "invoice_attempt_key",
    "is_test_payment_method",
    "list_payment_methods_query",
    "list_setup_intents_query",
    "require_attached_payment_method",
    "resolve_payment_method",
    "update_payment_method",
    "verify_and_save",
]

_lock = threading.Lock()
_gateway: PaymentGateway | None = None


def get_gateway() -> PaymentGateway:
    """The gateway this process charges through (a shared ``TestGateway`` by default).

    One instance per process, so the test gateway's idempotency memory is shared by
    every request.
    """
    global _gateway  # noqa: PLW0603 - the process-wide gateway, set once
    with _lock:
        if _gateway is None:
            _gateway = TestGateway()
        return _gateway


def install_gateway(gateway: PaymentGateway) -> PaymentGateway | None:
    """Make ``gateway`` the process's gateway; returns the previous one (for tests to restore)."""
    global _gateway
    with _lock:
        previous, _gateway = _gateway, gateway
        return previous
