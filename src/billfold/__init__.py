"""Billfold: a self-hosted billing core and customer portal with a Stripe-shaped API."""

__all__ = ["__version__"]

__version__ = "0.1.0"
