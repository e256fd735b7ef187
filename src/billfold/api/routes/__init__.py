"""API routers, in the order their paths must be matched."""

from billfold.api.routes import (
    balance_transactions,
    coupons,
    customers,
    events,
    invoice_items,
    invoices,
    payment_methods,
    prices,
    products,
    promotion_codes,
    setup_intents,
    subscriptions,
    tax_ids,
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
    invoices.router,
    invoice_items.router,
]

__all__ = ["ROUTERS"]
