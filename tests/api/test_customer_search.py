"""``GET /v1/customers/search``: every clause, AND/OR, paging and the errors."""

from __future__ import annotations

import datetime as dt

import pytest
import stripe

from tests.support import Account, LiveServer


def _ids(query: str) -> set[str]:
    return {c.id for c in stripe.Customer.search(query=query, limit=100).data}


@pytest.fixture
def people(api: Account, server: LiveServer) -> dict[str, str]:
    """Three customers, each created 100 seconds after the previous one."""
    made = {}
    for key, fields in (
        (
            "jenny",
            {"email": "jenny@example.com", "name": "Jenny Rosen", "phone": "+14155552671", "metadata": {"plan": "pro"}},
        ),
        ("john", {"email": "john@example.com", "name": "John O'Hara", "metadata": {"plan": "free", "vip": "yes"}}),
        ("anon", {}),
    ):
        made[key] = stripe.Customer.create(**fields).id  # type: ignore[arg-type]
        server.clock.advance(dt.timedelta(seconds=100))
    return made


def test_result_shape(people: dict[str, str]) -> None:
    result = stripe.Customer.search(query="email:'jenny@example.com'")
    data = result.to_dict()
    assert data["object"] == "search_result"
    assert data["url"] == "/v1/customers/search"
    assert data["has_more"] is False
    assert data["next_page"] is None
    assert "total_count" not in data
    assert [c["id"] for c in data["data"]] == [people["jenny"]]
    assert data["data"][0]["object"] == "customer"


def test_string_clauses(people: dict[str, str]) -> None:
    assert _ids("email:'jenny@example.com'") == {people["jenny"]}
    assert _ids("email:'jenny@example'") == set()
    assert _ids("name:'Jenny Rosen'") == {people["jenny"]}
    assert _ids("name:'jenny rosen'") == set()
    assert _ids("name~'ROS'") == {people["jenny"]}
    assert _ids('name~"o\'h"') == {people["john"]}
    assert _ids("name~'o\\'h'") == {people["john"]}
    assert _ids("email~'example.com'") == {people["jenny"], people["john"]}
    assert _ids("phone:'+14155552671'") == {people["jenny"]}
    assert _ids("phone~'555'") == {people["jenny"]}
    # LIKE wildcards in the value are plain characters.
    assert _ids("email~'%%%'") == set()
    assert _ids("name~'___'") == set()


def test_metadata_clause(people: dict[str, str]) -> None:
    assert _ids("metadata['plan']:'pro'") == {people["jenny"]}
    assert _ids('metadata["vip"]:"yes"') == {people["john"]}
    assert _ids("metadata['plan']:'gold'") == set()
    assert _ids("metadata['missing']:'pro'") == set()


def test_created_clauses(people: dict[str, str], server: LiveServer) -> None:
    # jenny at t0, john at t0+100, anon at t0+200.
    t0 = int(server.clock.now().timestamp()) - 300
    assert _ids(f"created:{t0}") == {people["jenny"]}
    assert _ids(f"created>{t0}") == {people["john"], people["anon"]}
    assert _ids(f"created>={t0 + 100}") == {people["john"], people["anon"]}
    assert _ids(f"created<{t0 + 100}") == {people["jenny"]}
    assert _ids(f"created<={t0 + 100}") == {people["jenny"], people["john"]}
    assert _ids(f"created:'{t0 + 200}'") == {people["anon"]}


def test_negation(people: dict[str, str], server: LiveServer) -> None:
    everyone = set(people.values())
    assert _ids("-email:'jenny@example.com'") == everyone - {people["jenny"]}
    assert _ids("-name~'ros'") == everyone - {people["jenny"]}
    assert _ids("-metadata['plan']:'pro'") == everyone - {people["jenny"]}
    t0 = int(server.clock.now().timestamp()) - 300
    assert _ids(f"-created>{t0}") == {people["jenny"]}


def test_and_or(people: dict[str, str]) -> None:
    assert _ids("email~'example' AND metadata['plan']:'free'") == {people["john"]}
    assert _ids("name:'Jenny Rosen' AND name:'John O\\'Hara'") == set()
    assert _ids("name:'Jenny Rosen' OR metadata['vip']:'yes'") == {people["jenny"], people["john"]}
    assert _ids("  email:'jenny@example.com'   OR   email:'nobody@example.com'  ") == {people["jenny"]}


def test_deleted_and_other_accounts_are_not_found(people: dict[str, str], server: LiveServer) -> None:
    stripe.Customer.delete(people["jenny"])
    assert _ids("email~'example.com'") == {people["john"]}
    other = server.new_account()
    stripe.Customer.create(email="john@example.com", api_key=other.key)
    assert len(stripe.Customer.search(query="email:'john@example.com'", api_key=other.key).data) == 1
    assert _ids("email:'john@example.com'") == {people["john"]}


def test_paging_and_total_count(api: Account) -> None:
    made = [stripe.Customer.create(metadata={"batch": "b"}).id for _ in range(5)]
    first = stripe.Customer.search(query="metadata['batch']:'b'", limit=2, expand=["total_count"])
    assert first.to_dict()["total_count"] == 5
    assert [c.id for c in first.data] == made[::-1][:2]
    assert first.has_more is True
    assert first.next_page
    second = stripe.Customer.search(query="metadata['batch']:'b'", limit=2, page=first.next_page)
    assert [c.id for c in second.data] == made[::-1][2:4]
    everything = stripe.Customer.search(query="metadata['batch']:'b'", limit=2).auto_paging_iter()
    assert [c.id for c in everything] == made[::-1]


def test_expand_inside_results(api: Account) -> None:
    stripe.Customer.create(email="tax@example.com", tax_id_data=[{"type": "us_ein", "value": "12-3456789"}])
    found = stripe.Customer.search(query="email:'tax@example.com'", expand=["data.tax_ids"])
    assert [t["value"] for t in found.data[0]["tax_ids"]["data"]] == ["12-3456789"]
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Customer.search(query="email:'tax@example.com'", expand=["data.sources"])
    assert (err.value.code, err.value.param) == (None, "expand")


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("   ", "empty"),
        ("colour:'red'", "not a searchable field"),
        ("email", "expected an operator"),
        ("email='x'", "expected an operator"),
        ("email:x", "quoted value"),
        ("email:'x", "never closed"),
        ("name~'ab'", "at least 3"),
        ("email>'a'", "only works on created"),
        ("metadata['k']~'abc'", "substring"),
        ("created~'123'", "substring"),
        ("created>soon", "unix seconds"),
        ("created>", "unix seconds"),
        ("created>99999999999999", "unix seconds"),
        ("metadata:'x'", "needs a key"),
        ("metadata[plan]:'x'", "quoted metadata key"),
        ("metadata['plan':'x'", "expected ']'"),
        ("email:'a' and name:'b'", "expected AND or OR"),
        ("email:'a' AND ", "expected another clause"),
        ("email:'a' AND", "expected a space"),
        ("email:'a'AND name:'b'", "expected a space"),
        ("email:'a' ANDname:'b'", "expected AND or OR"),
        ("email:'a' AND name:'b' OR phone:'c'", "cannot be combined"),
        (" OR ".join(f"email:'{i}@example.com'" for i in range(11)), "at most 10"),
    ],
)
def test_invalid_queries(api: Account, query: str, fragment: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Customer.search(query=query)
    assert (err.value.http_status, err.value.code, err.value.param) == (400, None, "query")
    assert fragment in str(err.value.user_message)


def test_ten_clauses_are_allowed(api: Account) -> None:
    query = " OR ".join(f"email:'{i}@example.com'" for i in range(10))
    assert stripe.Customer.search(query=query).data == []


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({}, "parameter_missing", "query"),
        ({"query": ""}, "parameter_invalid_empty", "query"),
        ({"query": "email:'a'", "limit": 0}, "parameter_invalid_integer", "limit"),
        ({"query": "email:'a'", "limit": 101}, "parameter_invalid_integer", "limit"),
        ({"query": "email:'a'", "page": "not-a-page"}, None, "page"),
        ({"query": "email:'a'", "page": ""}, "parameter_invalid_empty", "page"),
        ({"query": "email:'a'", "starting_after": "cus_1"}, "parameter_unknown", "starting_after"),
    ],
)
def test_bad_parameters(api: Account, params: dict[str, object], code: str | None, param: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Customer.search(**params)  # type: ignore[arg-type]
    assert (err.value.http_status, err.value.code, err.value.param) == (400, code, param)
