"""Customers, their tax IDs and balance transactions."""

from billfold.customers.queries import (
    CUSTOMER_ROWS,
    customer_tax_ids,
    find_customer,
    get_customer,
    list_customers_query,
)
from billfold.customers.search import SearchPage, search_customers
from billfold.customers.service import create_customer, delete_customer, update_customer

__all__ = [
    "CUSTOMER_ROWS",
    "SearchPage",
    "create_customer",
    "customer_tax_ids",
    "delete_customer",
    "find_customer",
    "get_customer",
    "list_customers_query",
    "search_customers",
    "update_customer",
]
