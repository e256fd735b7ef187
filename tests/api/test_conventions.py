"""Conventions every endpoint shares: headers, errors, bodies, bracket syntax, metadata, DELETE."""

from __future__ import annotations

import re
from typing import Any

import pytest
import stripe

from tests.api.http import client, error_of, response_of
from tests.support import Account, LiveServer

_REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{14}$")
_PD = "package_dimensions[height]=1&package_dimensions[length]=1&package_dimensions[weight]=1"


def test_request_id_on_every_response(server: LiveServer, api: Account) -> None:
    product = stripe.Product.create(name="Headers")
    with client(server, api) as http, client(server) as anonymous:
        responses = [
            http.get(f"/v1/products/{product.id}"),  # 200
            http.post("/v1/products", data={"name": ""}),  # 400
            http.get("/v1/products/prod_missing"),  # 404 from a handler
            http.get("/v1/no_such_thing"),  # 404 unknown URL
            http.request("PUT", "/v1/products"),  # wrong method
            anonymous.get("/v1/products"),  # 401
            http.post("/v1/products", content=b"{", headers={"Content-Type": "application/json"}),
        ]
    ids = [r.headers.get("request-id", "") for r in responses]
    assert all(_REQUEST_ID.match(rid) for rid in ids), ids
    assert len(set(ids)) == len(ids)
    assert [r.status_code for r in responses] == [200, 400, 404, 404, 404, 401, 400]
    assert str(response_of(product).request_id).startswith("req_")


def test_stripe_version_is_echoed(server: LiveServer, api: Account) -> None:
    with client(server, api) as http:
        default = http.get("/v1/products")
        assert default.headers["stripe-version"] == server.settings.api_version
        pinned = http.get("/v1/products", headers={"Stripe-Version": "2024-06-20"})
        assert pinned.status_code == 200
        assert pinned.headers["stripe-version"] == "2024-06-20"
        named = http.get("/v1/no_such_thing", headers={"Stripe-Version": "2026-10-28.endive"})
        assert named.headers["stripe-version"] == "2026-10-28.endive"
        bad = http.get("/v1/products", headers={"Stripe-Version": "latest please"})
        assert bad.status_code == 400
        assert error_of(bad)["param"] == "Stripe-Version"
    # The SDK pins its own version and gets it back.
    listed = stripe.Product.list()
    assert response_of(listed).headers["stripe-version"] == stripe.api_version


def test_unknown_url_is_a_stripe_error(server: LiveServer, api: Account) -> None:
    with client(server, api) as http:
        response = http.post("/v1/widgets", data={"a": "b"})
        assert response.status_code == 404
        error = error_of(response)
        assert error["type"] == "invalid_request_error"
        assert "/v1/widgets" in error["message"]
        # Still an API error (JSON), not the HTML landing 404.
        assert http.get("/v1/").status_code == 404
        assert http.get("/v1/").headers["content-type"].startswith("application/json")


def test_json_body_works_like_a_form(server: LiveServer, api: Account) -> None:
    payload = {
        "name": "JSON",
        "active": False,
        "images": ["https://example.com/a.png", "https://example.com/b.png"],
        "metadata": {"a": "1"},
        "package_dimensions": {"height": 1.5, "length": 2, "weight": 3, "width": 4},
        "expand": [],
    }
    with client(server, api) as http:
        created = http.post("/v1/products", json=payload)
        assert created.status_code == 200, created.text
        body = created.json()
        form = http.post(f"/v1/products/{body['id']}", data={"metadata[b]": "2"}).json()
        rejected = http.post("/v1/products", json={"name": "x", "metadata": {"a": 1}})
        not_object = http.post("/v1/products", content=b"[1]", headers={"Content-Type": "application/json"})
    assert body["active"] is False
    assert body["images"] == payload["images"]
    assert body["package_dimensions"] == {"height": 1.5, "length": 2.0, "weight": 3.0, "width": 4.0}
    assert form["metadata"] == {"a": "1", "b": "2"}
    assert error_of(rejected)["code"] == "parameter_invalid_string"
    assert error_of(rejected)["param"] == "metadata[a]"
    assert error_of(not_object)["code"] == "parameter_invalid_json"
    assert stripe.Product.retrieve(body["id"]).to_dict() == {**body, "metadata": {"a": "1", "b": "2"}}


def test_bracket_arrays_and_expand(server: LiveServer, api: Account) -> None:
    with client(server, api) as http:
        indexed = http.post(
            "/v1/products", content=b"name=a&images[0]=https://x/1&images[1]=https://x/2&metadata[0]=zero"
        )
        appended = http.post("/v1/products", content=b"name=b&images[]=https://x/1&images[]=https://x/2")
        listed = http.get("/v1/products?ids[]=" + indexed.json()["id"] + "&ids[]=" + appended.json()["id"])
        expanded = http.get(f"/v1/products/{indexed.json()['id']}?expand[]=name")
    assert indexed.status_code == 200, indexed.text
    assert indexed.json()["images"] == ["https://x/1", "https://x/2"]
    assert indexed.json()["metadata"] == {"0": "zero"}  # digit keys stay keys inside a hash
    assert appended.json()["images"] == ["https://x/1", "https://x/2"]
    assert [p["name"] for p in listed.json()["data"]] == ["b", "a"]
    assert error_of(expanded)["param"] == "expand"


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ("name=x&type=gizmo", "parameter_invalid_enum", "type"),
        ("name=x&active=maybe", "parameter_invalid_boolean", "active"),
        ("name=x&shippable=2", "parameter_invalid_boolean", "shippable"),
        (f"name=x&{_PD}&package_dimensions[width]=wide", "parameter_invalid_decimal", "package_dimensions[width]"),
        (f"name=x&{_PD}&package_dimensions[width]=-1", "parameter_invalid_decimal", "package_dimensions[width]"),
        (f"name=x&{_PD}", "parameter_missing", "package_dimensions[width]"),
        ("name=x&images=https://x", "parameter_invalid_array", "images"),
        ("name=x&" + "&".join(f"images[{n}]=https://x/{n}" for n in range(9)), "parameter_invalid_array", "images"),
        ("name=x&images[0]=", "parameter_invalid_empty", "images[0]"),
        ("name=x&metadata=oops", "parameter_invalid_object", "metadata"),
        ("name=x&package_dimensions=big", "parameter_invalid_object", "package_dimensions"),
        ("name[first]=x", "parameter_invalid_string", "name"),
        ("name=", "parameter_invalid_empty", "name"),
        ("name=x&statement_descriptor=" + "s" * 23, "parameter_invalid_string_too_long", "statement_descriptor"),
        ("name=" + "n" * 5001, "parameter_invalid_string_too_long", "name"),
        ("name=x&marketing_features[0][colour]=red", "parameter_unknown", "marketing_features[0][colour]"),
        ("name=x&marketing_features[0][name]=", "parameter_invalid_empty", "marketing_features[0][name]"),
        ("name=x&colour=red", "parameter_unknown", "colour"),
        ("name=x&a=1&a[b]=2", "parameter_invalid_object", "a[b]"),
        ("name=x&a]=1", "parameter_unknown", "a]"),
        ("description=x", "parameter_missing", "name"),
    ],
)
def test_bad_create_parameters(server: LiveServer, api: Account, body: str, code: str, param: str) -> None:
    with client(server, api) as http:
        response = http.post("/v1/products", content=body.encode())
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert error["code"] == code
    assert error["param"] == param
    assert error["doc_url"].endswith(code.replace("_", "-"))
    assert stripe.Product.list().data == []


@pytest.mark.parametrize(
    ("query", "code", "param"),
    [
        ("limit=ten", "parameter_invalid_integer", "limit"),
        ("limit=0", "parameter_invalid_integer", "limit"),
        ("active=perhaps", "parameter_invalid_boolean", "active"),
        ("created[gte]=yesterday", "parameter_invalid_integer", "created[gte]"),
        ("created[after]=1", "parameter_unknown", "created[after]"),
        ("type=gizmo", "parameter_invalid_enum", "type"),
        ("starting_after=", "parameter_invalid_empty", "starting_after"),
    ],
)
def test_bad_list_parameters(server: LiveServer, api: Account, query: str, code: str, param: str) -> None:
    with client(server, api) as http:
        error = error_of(http.get(f"/v1/products?{query}"))
    assert (error["code"], error["param"]) == (code, param)


def test_delete_returns_deleted_stub(api: Account) -> None:
    product = stripe.Product.create(name="Doomed")
    deleted = stripe.Product.delete(product.id)
    assert deleted.to_dict() == {"id": product.id, "object": "product", "deleted": True}
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.delete(product.id)
    assert err.value.http_status == 404
    assert err.value.code == "resource_missing"
    assert [p.id for p in stripe.Product.list().data] == []


def _metadata_error(**params: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="m", **params)
    assert err.value.http_status == 400
    assert err.value.code == "parameter_invalid_metadata"
    return err.value


def test_metadata_limits(api: Account) -> None:
    fifty = {f"k{n}": "v" for n in range(50)}
    assert len(stripe.Product.create(name="m", metadata=fifty).metadata.to_dict()) == 50
    assert _metadata_error(metadata={**fifty, "k50": "v"}).param == "metadata"
    assert _metadata_error(metadata={"k" * 41: "v"}).param == "metadata[" + "k" * 41 + "]"
    assert _metadata_error(metadata={"k": "v" * 501}).param == "metadata[k]"
    edge = stripe.Product.create(name="m", metadata={"k" * 40: "v" * 500})
    assert edge.metadata.to_dict() == {"k" * 40: "v" * 500}


def test_metadata_update_semantics(api: Account) -> None:
    product = stripe.Product.create(name="m", metadata={"a": "1", "b": "2"})
    merged = stripe.Product.modify(product.id, metadata={"c": "3", "a": "one"})
    assert merged.metadata.to_dict() == {"a": "one", "b": "2", "c": "3"}
    removed = stripe.Product.modify(product.id, metadata={"b": ""})
    assert removed.metadata.to_dict() == {"a": "one", "c": "3"}
    untouched = stripe.Product.modify(product.id, name="renamed")
    assert untouched.metadata.to_dict() == {"a": "one", "c": "3"}
    cleared = stripe.Product.modify(product.id, metadata="")
    assert cleared.metadata.to_dict() == {}
    assert stripe.Product.retrieve(product.id).metadata.to_dict() == {}
    # The limit applies to the merged result, not only to what one request sends.
    stripe.Product.modify(product.id, metadata={f"k{n}": "v" for n in range(30)})
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.modify(product.id, metadata={f"j{n}": "v" for n in range(21)})
    assert err.value.code == "parameter_invalid_metadata"
    assert len(stripe.Product.retrieve(product.id).metadata.to_dict()) == 30
