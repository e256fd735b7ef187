"""``expand[]``: ids become objects, nested up to four levels, ``data.`` inside lists."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.api.http import client, error_of
from tests.support import Account, LiveServer


def _priced(name: str, amount: int = 1000) -> dict[str, Any]:
    """A product with a default price, as plain data (expanded fields are then easy to walk)."""
    return stripe.Product.create(name=name, default_price_data={"currency": "usd", "unit_amount": amount}).to_dict()


def test_expand_default_price(api: Account) -> None:
    product = _priced("Priced")
    assert isinstance(product["default_price"], str)
    price = stripe.Price.retrieve(product["default_price"]).to_dict()
    expanded = stripe.Product.retrieve(product["id"], expand=["default_price"]).to_dict()
    assert expanded["default_price"] == price
    # Everything else is what a plain GET returns.
    plain = stripe.Product.retrieve(product["id"]).to_dict()
    assert {**expanded, "default_price": price["id"]} == plain


def test_expand_on_create_and_update(api: Account) -> None:
    created = stripe.Product.create(
        name="Now", default_price_data={"currency": "eur", "unit_amount": 5}, expand=["default_price"]
    ).to_dict()
    assert created["default_price"]["object"] == "price"
    assert created["default_price"]["unit_amount"] == 5
    updated = stripe.Product.modify(created["id"], name="Later", expand=["default_price"]).to_dict()
    assert updated["default_price"]["id"] == created["default_price"]["id"]
    # A null field stays null when expanded.
    bare = stripe.Product.create(name="Bare", expand=["default_price"])
    assert bare.default_price is None


def test_expand_inside_lists(api: Account) -> None:
    priced = _priced("Priced", 300)
    bare = stripe.Product.create(name="Bare")
    listed = stripe.Product.list(expand=["data.default_price"]).to_dict()
    by_id = {p["id"]: p for p in listed["data"]}
    assert by_id[priced["id"]]["default_price"]["unit_amount"] == 300
    assert by_id[bare.id]["default_price"] is None
    walked = [p.to_dict() for p in stripe.Product.list(limit=1, expand=["data.default_price"]).auto_paging_iter()]
    assert [p["default_price"] and p["default_price"]["object"] for p in walked] == [None, "price"]


def test_nested_expansion_up_to_four_levels(api: Account) -> None:
    product = _priced("Loop")
    price_id = product["default_price"]
    two = stripe.Price.retrieve(price_id, expand=["product.default_price"]).to_dict()
    assert two["product"]["id"] == product["id"]
    assert two["product"]["default_price"]["id"] == price_id
    four = stripe.Price.retrieve(price_id, expand=["product.default_price.product.default_price"]).to_dict()
    assert four["product"]["default_price"]["product"]["default_price"]["id"] == price_id
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Price.retrieve(price_id, expand=["product.default_price.product.default_price.product"])
    assert err.value.http_status == 400
    assert err.value.param == "expand"
    assert "more than 4 levels" in str(err.value.user_message)
    listed = stripe.Price.list(expand=["data.product.default_price.product.default_price"]).to_dict()
    assert listed["data"][0]["product"]["default_price"]["product"]["default_price"]["id"] == price_id


@pytest.mark.parametrize(
    "path",
    [
        "name",
        "metadata",
        "nope",
        "default_price.nope",
        "default_price.currency",
        "a.b.c.d.e",
        "",
    ],
)
def test_not_expandable_on_an_object(api: Account, path: str) -> None:
    product = _priced("p")
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.retrieve(product["id"], expand=[path])
    assert err.value.http_status == 400
    assert err.value.param == "expand"


@pytest.mark.parametrize("path", ["default_price", "data.name", "url", "data.default_price.x.y.z"])
def test_not_expandable_in_a_list(api: Account, path: str) -> None:
    _priced("p")
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(expand=[path])
    assert err.value.param == "expand"


def test_failed_expansion_rolls_back_the_write(api: Account) -> None:
    product = _priced("Stays")
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.modify(product["id"], name="Changed", expand=["name"])
    assert stripe.Product.retrieve(product["id"]).name == "Stays"
    assert [e.type for e in stripe.Event.list(type="product.*").data] == ["product.created"]


def test_expand_forms(server: LiveServer, api: Account) -> None:
    product = _priced("Forms")
    with client(server, api) as http:
        indexed = http.get(f"/v1/products/{product['id']}?expand[0]=default_price")
        appended = http.get(f"/v1/products/{product['id']}", params={"expand[]": "default_price"})
        as_json = http.post(f"/v1/products/{product['id']}", json={"expand": ["default_price"]})
        scalar = http.get(f"/v1/products/{product['id']}?expand=default_price")
    for response in (indexed, appended, as_json):
        assert response.status_code == 200, response.text
        assert response.json()["default_price"]["object"] == "price"
    assert error_of(scalar)["param"] == "expand"
