"""Customers, their tax IDs and balance transactions."""

from billfold.customers.queries import get_customer

__all__ = ["get_customer"]
