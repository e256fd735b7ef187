"""API routers, in the order their paths must be matched."""

from billfold.api.routes import products

ROUTERS = [products.router]

__all__ = ["ROUTERS"]
