"""``product``."""

from __future__ import annotations

from typing import Any

from billfold.models import Product
from billfold.objects.common import ts

__all__ = ["product_object"]


def product_object(p: Product) -> dict[str, Any]:
    """A product as the API shows it."""
    return {
        "id": p.id,
        "object": "product",
        "active": p.active,
        "created": ts(p.created),
        "default_price": p.default_price_id,
        "description": p.description,
        "images": list(p.images),
        "livemode": False,
        "marketing_features": list(p.marketing_features),
        "metadata": dict(p.metadata_),
        "name": p.name,
        "package_dimensions": p.package_dimensions,
        "shippable": p.shippable,
        "statement_descriptor": p.statement_descriptor,
        "tax_code": p.tax_code,
        "tax_details": None,
        "type": p.type,
        "unit_label": p.unit_label,
        "updated": ts(p.updated),
        "url": p.url,
    }
