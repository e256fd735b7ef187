"""Products and prices."""

from billfold.catalog.price_search import search_prices
from billfold.catalog.prices import create_price, get_price, list_prices_query, update_price
from billfold.catalog.products import create_product, delete_product, get_product, list_products_query, update_product

__all__ = [
    "create_price",
    "create_product",
    "delete_product",
    "get_price",
    "get_product",
    "list_prices_query",
    "list_products_query",
    "search_prices",
    "update_price",
    "update_product",
]
