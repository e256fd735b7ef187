"""Products through the stripe SDK."""

from __future__ import annotations

import pytest
import stripe

from tests.support import Account


def test_create_retrieve_update_delete(api: Account) -> None:
    product = stripe.Product.create(name="Pro plan", metadata={"tier": "pro"})
    assert product.id.startswith("prod_")
    assert product.object == "product"
    assert product.active is True
    assert product.metadata.to_dict() == {"tier": "pro"}
    fetched = stripe.Product.retrieve(product.id)
    assert fetched.name == "Pro plan"
    updated = stripe.Product.modify(product.id, name="Pro", metadata={"tier": "", "x": "1"})
    assert updated.name == "Pro"
    assert updated.metadata.to_dict() == {"x": "1"}
    deleted = stripe.Product.delete(product.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.retrieve(product.id)
    assert err.value.http_status == 404
    assert err.value.code == "resource_missing"


def test_unknown_parameter_is_named(api: Account) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="x", colour="red")  # type: ignore[call-arg]
    assert err.value.code == "parameter_unknown"
    assert err.value.param == "colour"


def test_missing_name(api: Account) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create()  # type: ignore[call-arg]
    assert err.value.code == "parameter_missing"
    assert err.value.param == "name"
