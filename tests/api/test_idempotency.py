"""``Idempotency-Key``: stored with the work, replayed byte for byte, scoped to the account."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import stripe

from tests.api.http import client, error_of, response_of
from tests.support import Account, LiveServer


def _count(server: LiveServer, table: str, account: Account) -> int:
    with server.database.unit_of_work(readonly=True) as session:
        found = session.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE account_id = :a"),  # noqa: S608 - fixed table names
            {"a": account.id},
        ).scalar_one()
    return int(found)


def test_same_key_same_params_replays(server: LiveServer, api: Account) -> None:
    first = stripe.Product.create(name="Once", metadata={"a": "b"}, idempotency_key="key-1")
    again = stripe.Product.create(name="Once", metadata={"a": "b"}, idempotency_key="key-1")
    assert again.to_dict() == first.to_dict()
    assert response_of(first).headers.get("idempotent-replayed") is None
    assert response_of(again).headers["idempotent-replayed"] == "true"
    assert response_of(again).request_id != response_of(first).request_id
    assert response_of(again).body == response_of(first).body
    assert [p.id for p in stripe.Product.list().data] == [first.id]
    assert [e.type for e in stripe.Event.list().data] == ["product.created"]
    assert _count(server, "products", api) == 1


def test_keys_expire_after_24_hours(server: LiveServer, api: Account) -> None:
    first = stripe.Product.create(name="Day one", idempotency_key="key-ttl")
    server.clock.advance(dt.timedelta(hours=23, minutes=59))
    assert stripe.Product.create(name="Day one", idempotency_key="key-ttl").id == first.id
    server.clock.advance(dt.timedelta(minutes=1))
    # Forgotten after 24 hours: the key starts afresh, even with other parameters.
    later = stripe.Product.create(name="Day two", idempotency_key="key-ttl")
    assert later.id != first.id
    assert response_of(later).headers.get("idempotent-replayed") is None


def test_replay_does_not_rerun_the_work(api: Account) -> None:
    first = stripe.Product.create(name="Gone soon", idempotency_key="key-2")
    stripe.Product.delete(first.id)
    again = stripe.Product.create(name="Gone soon", idempotency_key="key-2")
    assert again.id == first.id
    assert response_of(again).headers["idempotent-replayed"] == "true"
    assert stripe.Product.list().data == []


def test_same_key_different_params_is_an_error(api: Account) -> None:
    stripe.Product.create(name="A", idempotency_key="key-3")
    with pytest.raises(stripe.IdempotencyError) as err:
        stripe.Product.create(name="B", idempotency_key="key-3")
    assert err.value.http_status == 400
    assert err.value.error is not None
    assert err.value.error.type == "idempotency_error"
    assert "key-3" in str(err.value.user_message)
    # Another endpoint with the same key is a different request too.
    product = stripe.Product.list().data[0]
    with pytest.raises(stripe.IdempotencyError):
        stripe.Product.modify(product.id, name="A", idempotency_key="key-3")
    assert [p.name for p in stripe.Product.list().data] == ["A"]


def test_error_responses_are_replayed(server: LiveServer, api: Account) -> None:
    with client(server, api, Idempotency_Key="key-4") as http:
        missing = http.post("/v1/products/prod_later", data={"name": "x"})
        assert missing.status_code == 404
        stripe.Product.create(id="prod_later", name="Now it exists")
        replayed = http.post("/v1/products/prod_later", data={"name": "x"})
    assert replayed.status_code == 404
    assert replayed.content == missing.content
    assert replayed.headers["idempotent-replayed"] == "true"
    assert error_of(replayed)["code"] == "resource_missing"
    assert stripe.Product.retrieve("prod_later").name == "Now it exists"


def test_rule_error_is_stored_without_its_writes(server: LiveServer, api: Account) -> None:
    stripe.Product.create(id="prod_taken", name="Original")
    with client(server, api, Idempotency_Key="key-5") as http:
        clash = http.post("/v1/products", data={"id": "prod_taken", "name": "Copy"})
        assert error_of(clash)["code"] == "resource_already_exists"
        stripe.Product.delete("prod_taken")
        replayed = http.post("/v1/products", data={"id": "prod_taken", "name": "Copy"})
    assert (replayed.status_code, replayed.content) == (400, clash.content)
    assert stripe.Product.list().data == []
    assert [e.type for e in stripe.Event.list().data] == ["product.deleted", "product.created"]


def test_validation_errors_are_not_stored(api: Account) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="Fixed", colour="red", idempotency_key="key-6")  # type: ignore[call-arg]
    assert err.value.code == "parameter_unknown"
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="", idempotency_key="key-6")
    assert err.value.code == "parameter_invalid_empty"
    fixed = stripe.Product.create(name="Fixed", idempotency_key="key-6")
    assert response_of(fixed).headers.get("idempotent-replayed") is None
    assert [p.id for p in stripe.Product.list().data] == [fixed.id]


def test_auth_failures_are_not_stored(server: LiveServer, api: Account) -> None:
    with client(server, None, Idempotency_Key="key-7", Authorization="Bearer sk_test_wrong") as http:
        assert http.post("/v1/products", data={"name": "x"}).status_code == 401
    created = stripe.Product.create(name="x", idempotency_key="key-7")
    assert response_of(created).headers.get("idempotent-replayed") is None


def test_keys_are_per_account(server: LiveServer, api: Account) -> None:
    other = server.new_account("B")
    mine = stripe.Product.create(name="Shared key", idempotency_key="key-8")
    theirs = stripe.Product.create(name="Shared key", idempotency_key="key-8", api_key=other.key)
    assert mine.id != theirs.id
    assert response_of(theirs).headers.get("idempotent-replayed") is None
    connected = server.new_account("C", parent_id=api.id)
    on_connected = stripe.Product.create(name="Shared key", idempotency_key="key-8", stripe_account=connected.id)
    assert on_connected.id not in {mine.id, theirs.id}
    assert [p.id for p in stripe.Product.list().data] == [mine.id]


def test_without_a_key_nothing_is_replayed(server: LiveServer, api: Account) -> None:
    with client(server, api) as http:
        one = http.post("/v1/products", data={"name": "twice"}).json()
        two = http.post("/v1/products", data={"name": "twice"}).json()
    assert one["id"] != two["id"]
    assert _count(server, "idempotency_records", api) == 0


def test_key_length_limit(server: LiveServer, api: Account) -> None:
    with client(server, api, Idempotency_Key="k" * 256) as http:
        error = error_of(http.post("/v1/products", data={"name": "x"}))
    assert error["param"] == "Idempotency-Key"
    assert stripe.Product.create(name="x", idempotency_key="k" * 255).name == "x"


@pytest.fixture
def second_server(server: LiveServer) -> Iterator[LiveServer]:
    """Another server process's worth of state (own connection) on the same database."""
    other = LiveServer(server.backend, database_url=server.database_url).start()
    yield other
    other.stop(drop=False)


def _post(base_url: str, key: str, account: Account, body: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {account.key}", "Idempotency-Key": key}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        return http.post("/v1/products", data=body)


def _race(urls: list[str], key: str, account: Account, body: dict[str, Any]) -> list[httpx.Response]:
    """POST ``body`` with one key to every url at once (threads released together)."""
    start = threading.Barrier(len(urls))

    def fire(url: str) -> httpx.Response:
        start.wait()
        return _post(url, key, account, body)

    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(fire, urls))


def test_concurrent_requests_with_one_key(server: LiveServer, second_server: LiveServer, api: Account) -> None:
    urls = [server.url, second_server.url] * 5
    for round_ in range(3):
        responses = _race(urls, f"race-{round_}", api, {"name": "Raced", "metadata[round]": str(round_)})
        assert [r.status_code for r in responses] == [200] * len(urls), [r.text for r in responses]
        assert len({r.content for r in responses}) == 1
        assert sum(r.headers.get("idempotent-replayed") != "true" for r in responses) == 1
    products = stripe.Product.list(limit=100).data
    assert sorted(p.metadata["round"] for p in products) == ["0", "1", "2"]
    assert len(stripe.Event.list(limit=100).data) == 3
    assert _count(server, "idempotency_records", api) == 3


def test_losing_a_key_race_replays_the_winner(server: LiveServer, second_server: LiveServer, api: Account) -> None:
    """The loser has done its work and is about to record the key when the winner commits."""
    if server.backend != "postgresql":
        pytest.skip("SQLite serialises writers, so two units can never overlap")
    loser_waiting = threading.Event()
    winner_done = threading.Event()

    def hold_before_storing(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO idempotency_records") and not loser_waiting.is_set():
            loser_waiting.set()
            winner_done.wait(timeout=20)

    sa.event.listen(second_server.database.engine, "before_cursor_execute", hold_before_storing)
    try:
        with ThreadPoolExecutor(1) as pool:
            loser = pool.submit(_post, second_server.url, "race-x", api, {"name": "Loser?"})
            assert loser_waiting.wait(timeout=20)
            winner = _post(server.url, "race-x", api, {"name": "Loser?"})
            winner_done.set()
            lost = loser.result(timeout=30)
    finally:
        sa.event.remove(second_server.database.engine, "before_cursor_execute", hold_before_storing)
    assert winner.status_code == 200
    assert winner.headers.get("idempotent-replayed") is None
    assert lost.status_code == 200, lost.text
    assert lost.headers["idempotent-replayed"] == "true"
    assert lost.content == winner.content
    assert [p.id for p in stripe.Product.list().data] == [winner.json()["id"]]
    assert len(stripe.Event.list().data) == 1
