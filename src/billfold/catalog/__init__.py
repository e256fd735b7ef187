"""Products and prices."""

from billfold.catalog.products import create_product, delete_product, get_product, list_products_query, update_product

__all__ = ["create_product", "delete_product", "get_product", "list_products_query", "update_product"]
