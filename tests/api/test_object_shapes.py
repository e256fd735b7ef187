"""Every object we serialise matches Stripe's current shape, field by field."""

from __future__ import annotations

import stripe

from tests.shapes import shape_problems
from tests.support import Account


def test_product_shape(api: Account) -> None:
    product = stripe.Product.create(name="Shape", metadata={"a": "b"}, images=["https://example.com/a.png"])
    assert shape_problems(product.to_dict(), "Product") == []
