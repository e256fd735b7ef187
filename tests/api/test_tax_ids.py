"""Customer tax IDs through the stripe SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from billfold.context import Ctx
from billfold.customers.tax_ids import MAX_TAX_IDS, create_tax_id
from billfold.errors import InvalidRequestError
from tests.shapes import shape_problems
from tests.support import Account, LiveServer

# One valid value for a dozen types, with the country each names (more in test_tax_id_formats).
VALID = [
    ("eu_vat", "DE136695976", "DE"),
    ("eu_vat", "EL094259216", "GR"),
    ("gb_vat", "GB980780684", "GB"),
    ("au_abn", "83 914 571 673", "AU"),
    ("br_cnpj", "16.727.230/0001-97", "BR"),
    ("ca_bn", "123026635", "CA"),
    ("ch_vat", "CHE-107.787.577 IVA", "CH"),
    ("in_gst", "27AAPFU0939F1ZV", "IN"),
    ("us_ein", "91-1144442", "US"),
    ("no_vat", "995525828MVA", "NO"),
    ("nz_gst", "49-098-576", "NZ"),
    ("mx_rfc", "VACE-460910-SX6", "MX"),
    ("ae_trn", "100123456700003", "AE"),
    ("za_vat", "4123456789", "ZA"),
]
INVALID = [
    ("eu_vat", "DE136695977"),
    ("eu_vat", "GR094259216"),
    ("eu_vat", "US123456789"),
    ("gb_vat", "GB980780685"),
    ("au_abn", "99 999 999 999"),
    ("br_cpf", "231.002.999-00"),
    ("ca_gst_hst", "123026635"),
    ("ch_uid", "CHE-100.155.213"),
    ("in_gst", "27AAPFU0939F1Z"),
    ("us_ein", "07-1144442"),
    ("ru_inn", "1234567895"),
    ("ae_trn", "12345"),
    ("za_vat", "5123456789"),
]


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _customer() -> str:
    return str(stripe.Customer.create(name="Tax payer").id)


def test_create_retrieve_list_delete(api: Account) -> None:
    customer = _customer()
    tax_id = stripe.Customer.create_tax_id(customer, type="eu_vat", value="DE136695976")
    assert tax_id.id.startswith("txi_")
    data = tax_id.to_dict()
    assert shape_problems(data, "TaxId") == []
    assert data["object"] == "tax_id"
    assert data["type"] == "eu_vat"
    assert data["value"] == "DE136695976"
    assert data["country"] == "DE"
    assert data["customer"] == customer
    assert data["customer_account"] is None
    assert data["livemode"] is False
    assert data["owner"] == {
        "account": None,
        "application": None,
        "customer": customer,
        "customer_account": None,
        "type": "customer",
    }
    assert data["verification"] == {"status": "unverified", "verified_address": None, "verified_name": None}

    assert stripe.Customer.retrieve_tax_id(customer, tax_id.id).to_dict() == data
    listed = stripe.Customer.list_tax_ids(customer)
    assert [t.id for t in listed.data] == [tax_id.id]
    assert listed.url == f"/v1/customers/{customer}/tax_ids"

    deleted = stripe.Customer.delete_tax_id(customer, tax_id.id)
    assert deleted.to_dict() == {"id": tax_id.id, "object": "tax_id", "deleted": True}
    err = _error(stripe.Customer.retrieve_tax_id, customer, tax_id.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    assert stripe.Customer.list_tax_ids(customer).data == []


@pytest.mark.parametrize(("type_", "value", "country"), VALID)
def test_valid_values(api: Account, type_: str, value: str, country: str) -> None:
    tax_id = stripe.Customer.create_tax_id(_customer(), type=type_, value=value)
    assert (tax_id.type, tax_id.value, tax_id.country) == (type_, value, country)


@pytest.mark.parametrize(("type_", "value"), INVALID)
def test_invalid_values(api: Account, type_: str, value: str) -> None:
    err = _error(stripe.Customer.create_tax_id, _customer(), type=type_, value=value)
    assert (err.http_status, err.code, err.param) == (400, "tax_id_invalid", "value")
    assert type_ in str(err.user_message)


def test_value_is_kept_as_sent_but_stripped(api: Account) -> None:
    tax_id = stripe.Customer.create_tax_id(_customer(), type="eu_vat", value="  de 136 695 976 ")
    assert tax_id.value == "de 136 695 976"
    assert tax_id.country == "DE"


def test_northern_ireland_is_eu_vat_in_gb(api: Account) -> None:
    tax_id = stripe.Customer.create_tax_id(_customer(), type="eu_vat", value="XI980780684")
    assert tax_id.country == "GB"


def test_error_message_names_the_format(api: Account) -> None:
    err = _error(stripe.Customer.create_tax_id, _customer(), type="ca_qst", value="123")
    assert "1234567890TQ1234" in str(err.user_message)


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"value": "DE136695976"}, "parameter_missing", "type"),
        ({"type": "eu_vat"}, "parameter_missing", "value"),
        ({"type": "xx_vat", "value": "1"}, "parameter_invalid_enum", "type"),
        ({"type": "unknown", "value": "1"}, "parameter_invalid_enum", "type"),
        ({"type": "", "value": "1"}, "parameter_invalid_empty", "type"),
        ({"type": "eu_vat", "value": ""}, "parameter_invalid_empty", "value"),
        ({"type": "eu_vat", "value": "   "}, "tax_id_invalid", "value"),
        ({"type": "ae_trn", "value": "1" * 65}, "tax_id_invalid", "value"),
        ({"type": "eu_vat", "value": "x" * 5001}, "parameter_invalid_string_too_long", "value"),
        ({"type": "eu_vat", "value": {"a": "b"}}, "parameter_invalid_string", "value"),
        ({"type": "eu_vat", "value": "DE136695976", "colour": "red"}, "parameter_unknown", "colour"),
        ({"type": "eu_vat", "value": "DE136695976", "expand": ["nope"]}, None, "expand"),
    ],
)
def test_bad_create_input(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    err = _error(stripe.Customer.create_tax_id, _customer(), **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"limit": 0}, "parameter_invalid_integer", "limit"),
        ({"limit": 101}, "parameter_invalid_integer", "limit"),
        ({"limit": "x"}, "parameter_invalid_integer", "limit"),
        ({"starting_after": ""}, "parameter_invalid_empty", "starting_after"),
        ({"ending_before": ""}, "parameter_invalid_empty", "ending_before"),
        ({"type": "eu_vat"}, "parameter_unknown", "type"),
        ({"starting_after": "txi_a", "ending_before": "txi_b"}, "parameters_exclusive", "starting_after"),
    ],
)
def test_bad_list_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    customer = _customer()
    stripe.Customer.create_tax_id(customer, type="us_ein", value="91-1144442")
    err = _error(stripe.Customer.list_tax_ids, customer, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_unknown_cursor_is_404(api: Account) -> None:
    err = _error(stripe.Customer.list_tax_ids, _customer(), starting_after="txi_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "starting_after")


def test_pagination_newest_first(api: Account) -> None:
    customer = _customer()
    values = ["91-1144442", "DE136695976", "GB980780684"]
    types = ["us_ein", "eu_vat", "gb_vat"]
    ids = [stripe.Customer.create_tax_id(customer, type=t, value=v).id for t, v in zip(types, values, strict=True)]
    first = stripe.Customer.list_tax_ids(customer, limit=2)
    assert [t.id for t in first.data] == ids[::-1][:2]
    assert first.has_more is True
    second = stripe.Customer.list_tax_ids(customer, limit=2, starting_after=first.data[-1].id)
    assert [t.id for t in second.data] == [ids[0]]
    assert second.has_more is False
    back = stripe.Customer.list_tax_ids(customer, limit=2, ending_before=ids[0])
    assert [t.id for t in back.data] == ids[::-1][:2]


def test_at_most_25_per_customer(api: Account) -> None:
    customer = _customer()
    for _ in range(MAX_TAX_IDS):
        stripe.Customer.create_tax_id(customer, type="us_ein", value="91-1144442")
    err = _error(stripe.Customer.create_tax_id, customer, type="us_ein", value="91-1144442")
    assert (err.http_status, err.code, err.param) == (400, None, None)
    assert len(stripe.Customer.list_tax_ids(customer, limit=100).data) == MAX_TAX_IDS
    # Another customer is not affected.
    stripe.Customer.create_tax_id(_customer(), type="us_ein", value="91-1144442")


def test_missing_customer(api: Account) -> None:
    for call, args in [
        (stripe.Customer.list_tax_ids, ()),
        (stripe.Customer.retrieve_tax_id, ("txi_x",)),
        (stripe.Customer.delete_tax_id, ("txi_x",)),
    ]:
        err = _error(call, "cus_missing", *args)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    err = _error(stripe.Customer.create_tax_id, "cus_missing", type="us_ein", value="91-1144442")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    assert "No such customer: 'cus_missing'" in str(err.user_message)


def test_deleted_customer_is_missing(api: Account) -> None:
    customer = _customer()
    stripe.Customer.delete(customer)
    err = _error(stripe.Customer.create_tax_id, customer, type="us_ein", value="91-1144442")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")


def test_another_accounts_customer_is_missing(api: Account, server: LiveServer) -> None:
    other = server.new_account("Other Ltd")
    theirs = stripe.Customer.create(api_key=other.key)
    their_tax_id = stripe.Customer.create_tax_id(theirs.id, type="us_ein", value="91-1144442", api_key=other.key)
    err = _error(stripe.Customer.create_tax_id, theirs.id, type="us_ein", value="91-1144442")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    err = _error(stripe.Customer.retrieve_tax_id, theirs.id, their_tax_id.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    assert stripe.Customer.list_tax_ids(theirs.id, api_key=other.key).data[0].id == their_tax_id.id


def test_tax_id_of_another_customer_is_missing(api: Account) -> None:
    mine, other = _customer(), _customer()
    tax_id = stripe.Customer.create_tax_id(other, type="us_ein", value="91-1144442")
    for call in (stripe.Customer.retrieve_tax_id, stripe.Customer.delete_tax_id):
        err = _error(call, mine, tax_id.id)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    assert stripe.Customer.retrieve_tax_id(other, tax_id.id).id == tax_id.id


def test_expand_customer(api: Account) -> None:
    customer = _customer()
    tax_id = stripe.Customer.create_tax_id(customer, type="us_ein", value="91-1144442", expand=["customer"])
    expanded = tax_id.to_dict()["customer"]
    assert (expanded["id"], expanded["object"]) == (customer, "customer")
    fetched = stripe.Customer.retrieve_tax_id(customer, tax_id.id, expand=["owner.customer"]).to_dict()
    assert fetched["owner"]["customer"]["id"] == customer
    assert fetched["customer"] == customer
    listed = stripe.Customer.list_tax_ids(customer, expand=["data.customer"]).to_dict()
    assert listed["data"][0]["customer"]["name"] == "Tax payer"


def test_events(api: Account) -> None:
    customer = _customer()
    tax_id = stripe.Customer.create_tax_id(customer, type="us_ein", value="91-1144442")
    snapshot = tax_id.to_dict()
    stripe.Customer.delete_tax_id(customer, tax_id.id)
    created = stripe.Event.list(type="customer.tax_id.created").data
    deleted = stripe.Event.list(type="customer.tax_id.deleted").data
    assert [e.data.object.to_dict() for e in created] == [snapshot]
    assert [e.data.object.to_dict() for e in deleted] == [snapshot]


def test_create_tax_id_names_nested_params(api: Account, server: LiveServer) -> None:
    customer = _customer()
    with server.database.unit_of_work() as session:
        ctx = Ctx(session, api.id, server.clock)
        with pytest.raises(InvalidRequestError) as bad_value:
            create_tax_id(ctx, customer, "eu_vat", "DE1", param_prefix="tax_id_data[0]")
        with pytest.raises(InvalidRequestError) as bad_type:
            create_tax_id(ctx, customer, "xx_vat", "1", param_prefix="tax_id_data[1]")
    assert (bad_value.value.code, bad_value.value.param) == ("tax_id_invalid", "tax_id_data[0][value]")
    assert (bad_type.value.code, bad_type.value.param) == ("parameter_invalid_enum", "tax_id_data[1][type]")
    with server.database.unit_of_work() as session:
        created = create_tax_id(Ctx(session, api.id, server.clock), customer, "gb_vat", " GB980780684 ")
        assert (created.value, created.country) == ("GB980780684", "GB")
    assert [t.id for t in stripe.Customer.list_tax_ids(customer).data] == [created.id]


def test_unknown_parameters_on_retrieve_and_delete(api: Account) -> None:
    customer = _customer()
    tax_id = stripe.Customer.create_tax_id(customer, type="us_ein", value="91-1144442")
    for call in (stripe.Customer.retrieve_tax_id, stripe.Customer.delete_tax_id):
        err = _error(call, customer, tax_id.id, colour="red")
        assert (err.http_status, err.code, err.param) == (400, "parameter_unknown", "colour")
    err = _error(stripe.Customer.retrieve_tax_id, customer, tax_id.id, expand="customer")
    assert (err.http_status, err.code, err.param) == (400, "parameter_invalid_array", "expand")
    assert stripe.Customer.retrieve_tax_id(customer, tax_id.id).id == tax_id.id
