"""API routers, in the order their paths must be matched."""

from billfold.api.routes import (
    balance_transactions,
    coupons,
    customers,
    events,
    prices,
    products,
    promotion_codes,
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
]

__all__ = ["ROUTERS"]
