"""API routers, in the order their paths must be matched."""

import billfold.api.expanders  # noqa: F401 - registers the billing objects' expand[] loaders
from billfold.api.routes import (
    balance_transactions,
    billing_portal,
    coupons,
    customers,
    events,
    invoice_items,
    invoice_preview,
    invoices,
    payment_methods,
    prices,
    products,
    promotion_codes,
    setup_intents,
    subscription_items,
    subscription_schedules,
    subscriptions,
    tax_ids,
    test_clocks,
)

ROUTERS = [
    customers.router,
    tax_ids.router,
    balance_transactions.router,
    products.router,
    prices.router,
    coupons.router,
    promotion_codes.router,
    events.router,
    payment_methods.router,
    setup_intents.router,
    subscriptions.router,
    # POST /v1/invoices/create_preview before /v1/invoices/{invoice}.
    invoice_preview.router,
    invoices.router,
    invoice_items.router,
    subscription_items.router,
    subscription_schedules.router,
    billing_portal.router,
    test_clocks.router,
]

__all__ = ["ROUTERS"]
