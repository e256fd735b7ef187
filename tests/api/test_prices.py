"""Prices, and how products and prices refer to each other, through the stripe SDK."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import stripe

from tests.shapes import shape_problems
from tests.support import Account, LiveServer

# Error codes, short so the tables of bad input stay one case per line.
MISSING, UNKNOWN, EMPTY = "parameter_missing", "parameter_unknown", "parameter_invalid_empty"
INT, DECIMAL = "parameter_invalid_integer", "parameter_invalid_decimal"
BOOL, ENUM = "parameter_invalid_boolean", "parameter_invalid_enum"
LONG, OBJECT, EXCLUSIVE = "parameter_invalid_string_too_long", "parameter_invalid_object", "parameters_exclusive"


def _product(name: str = "Pro") -> stripe.Product:
    return stripe.Product.create(name=name)


def _price(product: str, **extra: Any) -> stripe.Price:
    return stripe.Price.create(**{"product": product, "currency": "usd", "unit_amount": 1000, **extra})


def _fails(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _events(kind: str) -> list[dict[str, Any]]:
    return [e.to_dict()["data"] for e in stripe.Event.list(type=kind).data]


def test_create_and_retrieve_a_recurring_price(api: Account) -> None:
    product = _product()
    price = _price(
        product.id,
        currency="USD",
        unit_amount=1250,
        recurring={"interval": "month", "interval_count": 3, "trial_period_days": 14},
        lookup_key="pro_quarterly",
        nickname="Pro, quarterly",
        metadata={"plan": "pro"},
        tax_behavior="exclusive",
    )
    assert price.id.startswith("price_")
    got = stripe.Price.retrieve(price.id).to_dict()
    assert got == price.to_dict()
    assert got["currency"] == "usd"
    assert got["type"] == "recurring"
    assert got["billing_scheme"] == "per_unit"
    assert got["unit_amount"] == 1250
    assert got["unit_amount_decimal"] == Decimal(1250)  # the SDK parses the string
    assert got["recurring"] == {
        "interval": "month",
        "interval_count": 3,
        "meter": None,
        "trial_period_days": 14,
        "usage_type": "licensed",
    }
    assert (got["lookup_key"], got["nickname"], got["tax_behavior"]) == ("pro_quarterly", "Pro, quarterly", "exclusive")
    assert got["metadata"] == {"plan": "pro"}
    assert (got["tiers"], got["tiers_mode"], got["transform_quantity"]) == (None, None, None)
    assert (got["currency_options"], got["custom_unit_amount"], got["livemode"]) == (None, None, False)
    # Stripe's shape says "number" for decimals, which Stripe (and we) send as strings.
    assert [p for p in shape_problems(got, "Price") if "_decimal" not in p] == []
    assert _events("price.created")[0]["object"] == got


def test_one_time_defaults(api: Account) -> None:
    price = _price(_product().id)
    assert (price.type, price.recurring, price.active, price.tax_behavior) == ("one_time", None, True, "unspecified")


def test_unit_amount_decimal_is_kept_exact(api: Account) -> None:
    product = _product().id
    fractional = stripe.Price.create(product=product, currency="usd", unit_amount_decimal=Decimal("0.000000000001"))
    assert (fractional.unit_amount, fractional.unit_amount_decimal) == (None, Decimal("0.000000000001"))
    whole = stripe.Price.create(product=product, currency="usd", unit_amount_decimal=Decimal("1250.00"))
    assert (whole.unit_amount, whole.unit_amount_decimal) == (1250, Decimal(1250))
    scientific = stripe.Price.create(product=product, currency="usd", unit_amount_decimal=Decimal("1.5E+3"))
    assert scientific.to_dict()["unit_amount_decimal"] == Decimal(1500)
    assert scientific.unit_amount == 1500


def test_zero_and_three_decimal_currencies(api: Account) -> None:
    product = _product().id
    yen = stripe.Price.create(product=product, currency="jpy", unit_amount=500)
    assert (yen.currency, yen.unit_amount, yen.unit_amount_decimal) == ("jpy", 500, Decimal(500))
    dinar = stripe.Price.create(product=product, currency="kwd", unit_amount=1500)
    assert (dinar.currency, dinar.unit_amount) == ("kwd", 1500)


def test_intervals_up_to_one_year(api: Account) -> None:
    product = _product().id
    for interval, count in (("day", 365), ("week", 52), ("month", 12), ("year", 1)):
        price = _price(product, recurring={"interval": interval, "interval_count": count})
        assert (price["recurring"]["interval"], price["recurring"]["interval_count"]) == (interval, count)


def test_tiered_prices(api: Account) -> None:
    product = _product().id
    graduated = stripe.Price.create(
        product=product,
        currency="usd",
        billing_scheme="tiered",
        tiers_mode="graduated",
        recurring={"interval": "month"},
        tiers=[
            {"up_to": 10, "unit_amount": 500, "flat_amount": 1000},
            {"up_to": 100, "unit_amount_decimal": Decimal("250.5")},
            {"up_to": "inf", "flat_amount_decimal": Decimal(9900)},
        ],
    )
    assert (graduated.billing_scheme, graduated.tiers_mode) == ("tiered", "graduated")
    assert (graduated.unit_amount, graduated.unit_amount_decimal) == (None, None)
    assert graduated.to_dict()["tiers"] == [
        {
            "flat_amount": 1000,
            "flat_amount_decimal": Decimal(1000),
            "unit_amount": 500,
            "unit_amount_decimal": Decimal(500),
            "up_to": 10,
        },
        {
            "flat_amount": None,
            "flat_amount_decimal": None,
            "unit_amount": None,
            "unit_amount_decimal": Decimal("250.5"),
            "up_to": 100,
        },
        {
            "flat_amount": 9900,
            "flat_amount_decimal": Decimal(9900),
            "unit_amount": None,
            "unit_amount_decimal": None,
            "up_to": None,
        },
    ]
    volume = stripe.Price.create(
        product=product,
        currency="usd",
        billing_scheme="tiered",
        tiers_mode="volume",
        tiers=[{"up_to": "inf", "unit_amount": 7}],
    )
    assert volume.tiers_mode == "volume"
    assert stripe.Price.retrieve(graduated.id).to_dict() == graduated.to_dict()
    # Stripe sends tiers only when asked; asking is harmless here, where they are always sent.
    asked = stripe.Price.retrieve(graduated.id, expand=["tiers", "currency_options"])
    assert asked.to_dict() == graduated.to_dict()
    assert [p["tiers"] for p in stripe.Price.list(expand=["data.tiers"]).to_dict()["data"]] == [
        volume.to_dict()["tiers"],
        graduated.to_dict()["tiers"],
    ]


def test_transform_quantity(api: Account) -> None:
    price = _price(_product().id, transform_quantity={"divide_by": 10, "round": "up"})
    assert price.to_dict()["transform_quantity"] == {"divide_by": 10, "round": "up"}


def test_product_data_creates_the_product(api: Account) -> None:
    price = stripe.Price.create(
        currency="eur",
        unit_amount=900,
        product_data={"name": "Add-on", "unit_label": "seat", "metadata": {"k": "v"}},
        expand=["product"],
    )
    made = price.to_dict()["product"]
    assert (made["name"], made["unit_label"], made["metadata"]) == ("Add-on", "seat", {"k": "v"})
    assert [e["object"]["id"] for e in _events("product.created")] == [made["id"]]
    err = _fails(stripe.Price.create, currency="eur", unit_amount=1, product_data={"name": "Again", "id": made["id"]})
    assert (err.http_status, err.code, err.param) == (400, "resource_already_exists", "product_data[id]")


def test_update_labels_and_status(api: Account) -> None:
    product = _product().id
    price = _price(product, metadata={"a": "1"})
    updated = stripe.Price.modify(
        price.id, nickname="Legacy", metadata={"a": "", "b": "2"}, active=False, tax_behavior="inclusive"
    )
    assert (updated.nickname, updated.active, updated.tax_behavior) == ("Legacy", False, "inclusive")
    assert updated.metadata.to_dict() == {"b": "2"}
    event = _events("price.updated")[0]
    assert event["object"] == updated.to_dict()
    assert event["previous_attributes"] == {
        "active": True,
        "metadata": {"a": "1", "b": None},
        "nickname": None,
        "tax_behavior": "unspecified",
    }
    assert stripe.Price.modify(price.id, active=True).active is True


def test_tax_behavior_is_fixed_once_chosen(api: Account) -> None:
    price = _price(_product().id, tax_behavior="exclusive")
    assert stripe.Price.modify(price.id, tax_behavior="exclusive").tax_behavior == "exclusive"
    err = _fails(stripe.Price.modify, price.id, tax_behavior="inclusive")
    assert (err.http_status, err.code, err.param) == (400, None, "tax_behavior")


@pytest.mark.parametrize("field", ["unit_amount", "currency", "recurring", "product", "billing_scheme", "tiers"])
def test_amounts_and_terms_are_immutable(api: Account, field: str) -> None:
    price = _price(_product().id)
    values = {"unit_amount": 5, "currency": "eur", "recurring": {"interval": "month"}, "product": "prod_x"}
    err = _fails(stripe.Price.modify, price.id, **{field: values.get(field, "x")})
    assert (err.http_status, err.code, err.param) == (400, "parameter_unknown", field)


def test_prices_cannot_be_deleted(api: Account, server: LiveServer) -> None:
    price = _price(_product().id)
    err = _fails(stripe.Price._static_request, "delete", f"/v1/prices/{price.id}")
    assert err.http_status in {404, 405}
    assert stripe.Price.retrieve(price.id).active is True


def test_lookup_keys_are_unique_unless_transferred(api: Account) -> None:
    product = _product().id
    first = _price(product, lookup_key="standard")
    err = _fails(_price, product, lookup_key="standard")
    assert (err.http_status, err.code, err.param) == (400, None, "lookup_key")
    stripe.Price.modify(first.id, active=False)
    err = _fails(_price, product, lookup_key="standard")  # an archived price keeps its key
    assert err.param == "lookup_key"
    second = _price(product, lookup_key="standard", transfer_lookup_key=True)
    assert second.lookup_key == "standard"
    assert stripe.Price.retrieve(first.id).lookup_key is None
    moved = _events("price.updated")[0]
    assert (moved["object"]["id"], moved["previous_attributes"]) == (first.id, {"lookup_key": "standard"})
    third = _price(product)
    err = _fails(stripe.Price.modify, third.id, lookup_key="standard")
    assert err.param == "lookup_key"
    assert stripe.Price.modify(third.id, lookup_key="standard", transfer_lookup_key=True).lookup_key == "standard"
    assert stripe.Price.retrieve(second.id).lookup_key is None


def test_list_filters(api: Account) -> None:
    pro, basic = _product("Pro").id, _product("Basic").id
    monthly = _price(pro, recurring={"interval": "month"}, lookup_key="pro_m")
    yearly = _price(pro, recurring={"interval": "year"}, lookup_key="pro_y")
    once = _price(basic, currency="eur")
    archived = _price(basic, active=False)

    def ids(**filters: Any) -> list[str]:
        return [p.id for p in stripe.Price.list(**filters).data]

    assert ids() == [archived.id, once.id, yearly.id, monthly.id]
    assert ids(active=True) == [once.id, yearly.id, monthly.id]
    assert ids(active=False) == [archived.id]
    assert ids(currency="EUR") == [once.id]
    assert ids(product=pro) == [yearly.id, monthly.id]
    assert ids(type="one_time") == [archived.id, once.id]
    assert ids(type="recurring") == [yearly.id, monthly.id]
    assert ids(recurring={"interval": "year"}) == [yearly.id]
    assert ids(recurring={"usage_type": "licensed"}) == [yearly.id, monthly.id]
    assert ids(lookup_keys=["pro_m", "pro_y", "nope"]) == [yearly.id, monthly.id]
    assert ids(lookup_keys=["pro_m"]) == [monthly.id]
    assert ids(created={"gte": monthly.created}) == ids()
    assert ids(created={"lt": monthly.created}) == []
    page = stripe.Price.list(limit=2)
    assert (len(page.data), page.has_more) == (2, True)
    assert ids(limit=2, starting_after=page.data[-1].id) == [yearly.id, monthly.id]


def test_expand(api: Account) -> None:
    product = _product("Expandable")
    price = _price(product.id)
    assert stripe.Price.retrieve(price.id, expand=["product"])["product"]["name"] == "Expandable"
    listed = stripe.Price.list(expand=["data.product"])
    assert listed.data[0]["product"]["id"] == product.id
    stripe.Product.modify(product.id, default_price=price.id)
    with_default = stripe.Product.retrieve(product.id, expand=["default_price"]).to_dict()["default_price"]
    assert (with_default["id"], with_default["unit_amount"]) == (price.id, 1000)
    nested = stripe.Product.retrieve(product.id, expand=["default_price.product"]).to_dict()
    assert nested["default_price"]["product"]["id"] == product.id
    assert stripe.Product.retrieve(_product().id, expand=["default_price"]).default_price is None


def test_search(api: Account) -> None:
    pro, basic = _product("Pro").id, _product("Basic").id
    monthly = _price(pro, recurring={"interval": "month"}, metadata={"tier": "pro"}, lookup_key="pro_m")
    once = _price(basic, currency="eur", metadata={"tier": "basic"})
    archived = _price(basic, active=False, metadata={"tier": "o'brien"})

    def ids(query: str, **extra: Any) -> list[str]:
        return [p.id for p in stripe.Price.search(query=query, **extra).data]

    assert ids("active:'true'") == [once.id, monthly.id]
    assert ids(f"product:'{basic}' AND active:'false'") == [archived.id]
    assert ids("currency:'EUR' OR type:'recurring'") == [once.id, monthly.id]
    assert ids("lookup_key:'pro_m'") == [monthly.id]
    assert ids("metadata['tier']:'pro'") == [monthly.id]
    assert ids('metadata["tier"]:"o\'brien"') == [archived.id]
    assert ids("metadata['tier']:'none'") == []
    first = stripe.Price.search(query="currency:'usd' OR currency:'eur'", limit=2)
    assert (first.to_dict()["object"], len(first.data), first.has_more) == ("search_result", 2, True)
    rest = stripe.Price.search(query="currency:'usd' OR currency:'eur'", limit=2, page=first.next_page)
    assert ([p.id for p in rest.data], rest.has_more, rest.to_dict()["next_page"]) == ([monthly.id], False, None)
    found = stripe.Price.search(query="active:'true'", expand=["data.product"])
    assert found.data[0]["product"]["name"] == "Basic"


def test_other_accounts_cannot_see_prices(api: Account, server: LiveServer) -> None:
    price = _price(_product().id)
    other = server.new_account()
    err = _fails(stripe.Price.retrieve, price.id, api_key=other.key)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    assert stripe.Price.list(api_key=other.key).data == []
    assert stripe.Price.search(query="active:'true'", api_key=other.key).data == []
    foreign = stripe.Product.create(name="Theirs", api_key=other.key)
    err = _fails(_price, foreign.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "product")


# -- products and prices ---------------------------------------------------------


def test_product_with_default_price_data(api: Account) -> None:
    product = stripe.Product.create(
        name="Starter",
        default_price_data={"currency": "usd", "unit_amount_decimal": Decimal(990), "recurring": {"interval": "month"}},
        expand=["default_price"],
    )
    price = product.to_dict()["default_price"]
    assert (price["product"], price["unit_amount"], price["type"], price["active"]) == (
        product.id,
        990,
        "recurring",
        True,
    )
    assert [e["object"]["id"] for e in _events("price.created")] == [price["id"]]


_ONE = {"currency": "usd", "unit_amount": 1}
_DPD = "default_price_data"


@pytest.mark.parametrize(
    ("data", "code", "param"),
    [
        ({"unit_amount": 1}, MISSING, "default_price_data[currency]"),
        ({"currency": "zzz", "unit_amount": 1}, None, "default_price_data[currency]"),
        ({"currency": "usd"}, MISSING, "default_price_data[unit_amount]"),
        ({"currency": "usd", "unit_amount": -1}, INT, "default_price_data[unit_amount]"),
        ({"currency": "usd", "unit_amount_decimal": "x"}, DECIMAL, "default_price_data[unit_amount_decimal]"),
        ({**_ONE, "unit_amount_decimal": "1"}, EXCLUSIVE, "default_price_data[unit_amount]"),
        ({**_ONE, "recurring": {"interval": "day", "interval_count": 366}}, INT, f"{_DPD}[recurring][interval_count]"),
        ({**_ONE, "recurring": {"interval": "hour"}}, ENUM, "default_price_data[recurring][interval]"),
        ({**_ONE, "lookup_key": "k"}, UNKNOWN, "default_price_data[lookup_key]"),
        ({**_ONE, "currency_options": {"eur": {"unit_amount": 1}}}, None, "default_price_data[currency_options]"),
    ],
)  # fmt: skip
def test_default_price_data_errors_name_the_nested_param(
    api: Account, data: dict[str, Any], code: str | None, param: str
) -> None:
    err = _fails(stripe.Product.create, name="Broken", default_price_data=data)
    assert (err.http_status, err.code, err.param) == (400, code, param)
    assert stripe.Product.list().data == []  # nothing half-made


def test_default_price_rules(api: Account) -> None:
    product, other = _product(), _product("Other")
    price = _price(product.id)
    updated = stripe.Product.modify(product.id, default_price=price.id)
    assert updated.default_price == price.id
    event = _events("product.updated")[0]
    assert (event["object"]["default_price"], event["previous_attributes"]) == (price.id, {"default_price": None})
    err = _fails(stripe.Price.modify, price.id, active=False)
    assert (err.http_status, err.code, err.param) == (400, None, "active")
    err = _fails(stripe.Product.modify, other.id, default_price=price.id)
    assert (err.http_status, err.param) == (400, "default_price")
    archived = _price(product.id, active=False)
    err = _fails(stripe.Product.modify, product.id, default_price=archived.id)
    assert (err.http_status, err.param) == (400, "default_price")
    err = _fails(stripe.Product.modify, product.id, default_price="price_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "default_price")
    assert stripe.Product.modify(product.id, default_price="").default_price is None
    assert stripe.Price.modify(price.id, active=False).active is False


def test_a_product_with_prices_cannot_be_deleted(api: Account) -> None:
    product = _product()
    _price(product.id, active=False)
    err = _fails(stripe.Product.delete, product.id)
    assert (err.http_status, err.code, err.param) == (400, None, None)
    assert stripe.Product.retrieve(product.id).id == product.id


# -- bad input: every parameter, exact code and param ------------------------------

_TIERED = {"billing_scheme": "tiered", "tiers_mode": "graduated", "unit_amount": None}
_INF, _FIVE = {"up_to": "inf", "unit_amount": 1}, {"up_to": 5, "unit_amount": 1}
_PD, _T0, _SD = "product_data", "tiers[0]", "statement_descriptor"
_BAD_CREATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"colour": "red"}, UNKNOWN, "colour"),
    ({"currency": None}, MISSING, "currency"),
    ({"currency": ""}, EMPTY, "currency"),
    ({"currency": "zzz"}, None, "currency"),
    ({"unit_amount": "ten"}, INT, "unit_amount"),
    ({"unit_amount": -1}, INT, "unit_amount"),
    ({"unit_amount": 10**13}, INT, "unit_amount"),
    ({"unit_amount": None}, MISSING, "unit_amount"),
    ({"unit_amount_decimal": "12.5"}, EXCLUSIVE, "unit_amount"),
    ({"unit_amount": None, "unit_amount_decimal": "abc"}, DECIMAL, "unit_amount_decimal"),
    ({"unit_amount": None, "unit_amount_decimal": "-1"}, DECIMAL, "unit_amount_decimal"),
    ({"unit_amount": None, "unit_amount_decimal": "0.0000000000001"}, DECIMAL, "unit_amount_decimal"),
    ({"unit_amount": None, "unit_amount_decimal": "NaN"}, DECIMAL, "unit_amount_decimal"),
    ({"billing_scheme": "flat"}, ENUM, "billing_scheme"),
    ({"tax_behavior": "sometimes"}, ENUM, "tax_behavior"),
    ({"active": "maybe"}, BOOL, "active"),
    ({"transfer_lookup_key": "maybe"}, BOOL, "transfer_lookup_key"),
    ({"lookup_key": "k" * 201}, LONG, "lookup_key"),
    ({"lookup_key": ""}, EMPTY, "lookup_key"),
    ({"nickname": "n" * 5001}, LONG, "nickname"),
    ({"metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
    ({"metadata": "tier"}, OBJECT, "metadata"),
    ({"product": None}, MISSING, "product"),
    ({"product": "prod_missing"}, "resource_missing", "product"),
    ({"product_data": {"name": "Both"}}, EXCLUSIVE, "product"),
    ({"product": None, "product_data": {"active": True}}, MISSING, "product_data[name]"),
    ({"product": None, "product_data": {"name": "x", "colour": "r"}}, UNKNOWN, "product_data[colour]"),
    ({"product": None, "product_data": {"name": "x", "statement_descriptor": "s" * 23}}, LONG, f"{_PD}[{_SD}]"),
    ({"product": None, "product_data": {"name": "x", "unit_label": "u" * 13}}, LONG, "product_data[unit_label]"),
    ({"recurring": "month"}, OBJECT, "recurring"),
    ({"recurring": {"interval_count": 1}}, MISSING, "recurring[interval]"),
    ({"recurring": {"interval": "fortnight"}}, ENUM, "recurring[interval]"),
    ({"recurring": {"interval": "month", "interval_count": 0}}, INT, "recurring[interval_count]"),
    ({"recurring": {"interval": "day", "interval_count": 366}}, INT, "recurring[interval_count]"),
    ({"recurring": {"interval": "week", "interval_count": 53}}, INT, "recurring[interval_count]"),
    ({"recurring": {"interval": "month", "interval_count": 13}}, INT, "recurring[interval_count]"),
    ({"recurring": {"interval": "year", "interval_count": 2}}, INT, "recurring[interval_count]"),
    ({"recurring": {"interval": "month", "usage_type": "metered"}}, None, "recurring[usage_type]"),
    ({"recurring": {"interval": "month", "usage_type": "burst"}}, ENUM, "recurring[usage_type]"),
    ({"recurring": {"interval": "month", "meter": "mtr_1"}}, None, "recurring[meter]"),
    ({"recurring": {"interval": "month", "trial_period_days": -1}}, INT, "recurring[trial_period_days]"),
    ({"transform_quantity": {"divide_by": 0, "round": "up"}}, INT, "transform_quantity[divide_by]"),
    ({"transform_quantity": {"divide_by": 2, "round": "sideways"}}, ENUM, "transform_quantity[round]"),
    ({"transform_quantity": {"divide_by": 2}}, MISSING, "transform_quantity[round]"),
    ({"custom_unit_amount": {"enabled": True}}, None, "custom_unit_amount"),
    ({"custom_unit_amount": {"maximum": 5}}, MISSING, "custom_unit_amount[enabled]"),
    ({"currency_options": {"eur": {"unit_amount": 900}}}, None, "currency_options"),
    ({"tiers": [_INF]}, None, "tiers"),
    ({"tiers_mode": "volume"}, None, "tiers_mode"),
    ({**_TIERED, "tiers_mode": "stacked", "tiers": [_INF]}, ENUM, "tiers_mode"),
    ({**_TIERED}, MISSING, "tiers"),
    ({**_TIERED, "tiers_mode": None, "tiers": [_INF]}, MISSING, "tiers_mode"),
    ({**_TIERED, "unit_amount": 5, "tiers": [_INF]}, None, "unit_amount"),
    ({**_TIERED, "tiers": [_INF], "transform_quantity": {"divide_by": 2, "round": "up"}}, None, "transform_quantity"),
    ({**_TIERED, "tiers": [{"up_to": 5, "unit_amount": 1}]}, None, "tiers[0][up_to]"),
    ({**_TIERED, "tiers": [_INF, _INF]}, None, "tiers[0][up_to]"),
    ({**_TIERED, "tiers": [_FIVE, _FIVE, _INF]}, None, "tiers[1][up_to]"),
    ({**_TIERED, "tiers": [{"up_to": "lots", "unit_amount": 1}, _INF]}, INT, "tiers[0][up_to]"),
    ({**_TIERED, "tiers": [{"up_to": 0, "unit_amount": 1}, _INF]}, INT, "tiers[0][up_to]"),
    ({**_TIERED, "tiers": [{"unit_amount": 1}]}, MISSING, "tiers[0][up_to]"),
    ({**_TIERED, "tiers": [{"up_to": "inf"}]}, MISSING, "tiers[0][unit_amount]"),
    ({**_TIERED, "tiers": [{**_INF, "unit_amount_decimal": "1"}]}, EXCLUSIVE, "tiers[0][unit_amount]"),
    ({**_TIERED, "tiers": [{**_INF, "flat_amount": 1, "flat_amount_decimal": "1"}]}, EXCLUSIVE, f"{_T0}[flat_amount]"),
    ({**_TIERED, "tiers": [{**_INF, "flat_amount_decimal": "1e-20"}]}, DECIMAL, "tiers[0][flat_amount_decimal]"),
    ({**_TIERED, "tiers": [{**_INF, "colour": "r"}]}, UNKNOWN, "tiers[0][colour]"),
    ({"expand": ["nothing"]}, None, "expand"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "param"), _BAD_CREATE, ids=[c[2] for c in _BAD_CREATE])
def test_create_rejects(api: Account, change: dict[str, Any], code: str | None, param: str) -> None:
    base: dict[str, Any] = {"product": _product().id, "currency": "usd", "unit_amount": 1000}
    params = {k: v for k, v in {**base, **change}.items() if v is not None}
    err = _fails(stripe.Price.create, **params)
    assert (err.http_status, err.code, err.param) == (404 if code == "resource_missing" else 400, code, param)
    assert stripe.Price.list().data == []


_BAD_UPDATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"active": "maybe"}, BOOL, "active"),
    ({"nickname": ""}, EMPTY, "nickname"),
    ({"lookup_key": "k" * 201}, LONG, "lookup_key"),
    ({"tax_behavior": "sometimes"}, ENUM, "tax_behavior"),
    ({"metadata": {"k": "v" * 501}}, "parameter_invalid_metadata", "metadata[k]"),
    ({"currency_options": {"eur": {"unit_amount": 900}}}, None, "currency_options"),
    ({"unit_amount_decimal": "5"}, UNKNOWN, "unit_amount_decimal"),
    ({"transform_quantity": {"divide_by": 2, "round": "up"}}, UNKNOWN, "transform_quantity"),
]


@pytest.mark.parametrize(("change", "code", "param"), _BAD_UPDATE, ids=[c[2] for c in _BAD_UPDATE])
def test_update_rejects(api: Account, change: dict[str, Any], code: str | None, param: str) -> None:
    price = _price(_product().id)
    err = _fails(stripe.Price.modify, price.id, **change)
    assert (err.http_status, err.code, err.param) == (400, code, param)
    assert stripe.Price.retrieve(price.id).to_dict() == price.to_dict()


def test_missing_price(api: Account) -> None:
    for call in (stripe.Price.retrieve, stripe.Price.modify):
        err = _fails(call, "price_missing")
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")


_BAD_LIST: list[tuple[dict[str, Any], str | None, str]] = [
    ({"type": "monthly"}, ENUM, "type"),
    ({"active": "maybe"}, BOOL, "active"),
    ({"recurring": {"interval": "hour"}}, ENUM, "recurring[interval]"),
    ({"recurring": {"usage_type": "burst"}}, ENUM, "recurring[usage_type]"),
    ({"recurring": {"colour": "r"}}, UNKNOWN, "recurring[colour]"),
    ({"lookup_keys": ["k" * 201]}, LONG, "lookup_keys[0]"),
    ({"lookup_keys": [f"k{i}" for i in range(11)]}, "parameter_invalid_array", "lookup_keys"),
    ({"created": {"after": 1}}, UNKNOWN, "created[after]"),
    ({"limit": 0}, INT, "limit"),
    ({"colour": "red"}, UNKNOWN, "colour"),
    ({"starting_after": "price_missing"}, "resource_missing", "starting_after"),
]


@pytest.mark.parametrize(("change", "code", "param"), _BAD_LIST, ids=[c[2] for c in _BAD_LIST])
def test_list_rejects(api: Account, change: dict[str, Any], code: str | None, param: str) -> None:
    err = _fails(stripe.Price.list, **change)
    assert (err.http_status, err.code, err.param) == (404 if code == "resource_missing" else 400, code, param)


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({}, MISSING, "query"),
        ({"query": ""}, EMPTY, "query"),
        ({"query": "name:'Pro'"}, None, "query"),
        ({"query": "active:'maybe'"}, None, "query"),
        ({"query": "type:'metered'"}, None, "query"),
        ({"query": "active:'true"}, None, "query"),
        ({"query": "active:'true' currency:'usd'"}, None, "query"),
        ({"query": "active:'true' AND currency:'usd' OR type:'recurring'"}, None, "query"),
        ({"query": " OR ".join(["active:'true'"] * 11)}, None, "query"),
        ({"query": "active:'true'", "page": "bogus"}, None, "page"),
        ({"query": "active:'true'", "limit": 101}, INT, "limit"),
    ],
)
def test_search_rejects(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    err = _fails(stripe.Price.search, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)
