"""Authentication, ``Stripe-Account`` and the wall between accounts."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import stripe

from billfold.accounts import hash_key
from tests.api.http import client, error_of
from tests.support import SECRET, Account, LiveServer


def test_bearer_and_basic_auth(server: LiveServer, api: Account) -> None:
    product = stripe.Product.create(name="Mine")
    with client(server) as http:
        bearer = http.get("/v1/products", headers={"Authorization": f"Bearer {api.key}"})
        basic = http.get("/v1/products", auth=(api.key, ""))
        basic_no_colon = http.get(
            "/v1/products", headers={"Authorization": "Basic " + base64.b64encode(api.key.encode()).decode()}
        )
    for response in (bearer, basic, basic_no_colon):
        assert response.status_code == 200, response.text
        assert [p["id"] for p in response.json()["data"]] == [product.id]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Token abc",
        "Bearer\tsk_x",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b":x").decode(),
    ],
)
def test_missing_or_malformed_key(server: LiveServer, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with client(server) as http:
        response = http.get("/v1/products", headers=headers)
    assert response.status_code == 401
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert "API key" in error["message"] or "Authorization" in error["message"]
    assert response.headers["request-id"].startswith("req_")


def test_invalid_key(server: LiveServer, api: Account) -> None:
    bogus = "sk_test_" + "x" * 48
    with client(server, Authorization=f"Bearer {bogus}") as http:
        response = http.post("/v1/products", data={"name": "x"})
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "api_key_invalid"
    assert bogus not in error["message"]  # the key is masked
    assert error["message"].startswith("Invalid API Key provided: sk_test_")
    with pytest.raises(stripe.AuthenticationError) as err:
        stripe.Product.list(api_key=bogus)
    assert err.value.http_status == 401


def test_keys_are_stored_only_as_hashes(server: LiveServer, api: Account) -> None:
    with server.database.unit_of_work(readonly=True) as session:
        rows = [dict(r) for r in session.execute(sa.text("SELECT * FROM api_keys")).mappings()]
    mine = [r for r in rows if r["account_id"] == api.id]
    assert len(mine) == 1
    assert mine[0]["key_hash"] == hash_key(SECRET, api.key)
    assert mine[0]["last4"] == api.key[-4:]
    for row in rows:
        for value in row.values():
            assert api.key not in str(value)
            assert api.key[8:20] not in str(value)


def test_stripe_account_acts_on_a_connected_account(server: LiveServer, api: Account) -> None:
    connected = server.new_account("Connected", parent_id=api.id)
    product = stripe.Product.create(name="For connected", stripe_account=connected.id)
    assert [p.id for p in stripe.Product.list(stripe_account=connected.id).data] == [product.id]
    # The connected account's own key sees the same object; the platform itself does not.
    assert stripe.Product.retrieve(product.id, api_key=connected.key).name == "For connected"
    assert stripe.Product.list().data == []
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.retrieve(product.id)
    assert err.value.http_status == 404
    updated = stripe.Product.modify(product.id, name="Renamed", stripe_account=connected.id)
    assert updated.name == "Renamed"
    # Naming one's own account is the same as not naming one.
    mine = stripe.Product.create(name="Platform's", stripe_account=api.id)
    assert [p.id for p in stripe.Product.list().data] == [mine.id]


def test_stripe_account_must_be_connected_to_the_caller(server: LiveServer, api: Account) -> None:
    other_platform = server.new_account("Other platform")
    theirs = server.new_account("Their connected", parent_id=other_platform.id)
    stranger = server.new_account("Unrelated")
    for target in (theirs.id, stranger.id, "acct_doesnotexist", other_platform.id):
        with pytest.raises(stripe.PermissionError) as err:
            stripe.Product.list(stripe_account=target)
        assert err.value.http_status == 403
        # The SDK leaves ``code`` unset on PermissionError; the error object carries it.
        assert err.value.error is not None
        assert err.value.error.code == "account_invalid"
    # A connected account cannot act on its platform either.
    connected = server.new_account("Mine", parent_id=api.id)
    with pytest.raises(stripe.PermissionError) as err:
        stripe.Product.list(api_key=connected.key, stripe_account=api.id)
    assert err.value.error is not None
    assert err.value.error.code == "account_invalid"


def test_objects_never_cross_accounts(server: LiveServer, api: Account) -> None:
    other = server.new_account("B")
    product = stripe.Product.create(name="A's product")
    as_b = other.key
    stripe.Product.create(name="B's product", api_key=as_b)

    attempts: list[Callable[[], object]] = [
        lambda: stripe.Product.retrieve(product.id, api_key=as_b),
        lambda: stripe.Product.modify(product.id, name="stolen", api_key=as_b),
        lambda: stripe.Product.delete(product.id, api_key=as_b),
    ]
    for attempt in attempts:
        with pytest.raises(stripe.InvalidRequestError) as err:
            attempt()
        assert err.value.http_status == 404
        assert err.value.code == "resource_missing"

    assert [p.name for p in stripe.Product.list(api_key=as_b).data] == ["B's product"]
    assert [p.name for p in stripe.Product.list(ids=[product.id], api_key=as_b).data] == []
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(starting_after=product.id, api_key=as_b)
    assert (err.value.http_status, err.value.param) == (404, "starting_after")
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(ending_before=product.id, api_key=as_b)
    assert (err.value.http_status, err.value.param) == (404, "ending_before")
    # B's id reuse does not collide with A's product either.
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="dup", id=product.id)
    assert err.value.code == "resource_already_exists"
    assert stripe.Product.retrieve(product.id).name == "A's product"
