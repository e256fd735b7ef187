"""Stripe's bracket syntax: ``parse_pairs`` / ``parse_form`` and their inverse ``encode_pairs``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billfold.api.params.forms import decode_pairs, encode_pairs, parse_form, parse_pairs, split_key
from billfold.errors import InvalidRequestError

_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_-.", min_size=1, max_size=8)
# Any text, including "&", "=", "[", "%", spaces and non-ASCII (but no lone surrogates).
_VALUES = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
# Empty containers encode to nothing, so they cannot round-trip; generate non-empty ones.
_TREES = st.recursive(
    _VALUES,
    lambda children: (
        st.lists(children, min_size=1, max_size=4) | st.dictionaries(_KEYS, children, min_size=1, max_size=4)
    ),
    max_leaves=20,
)
_ROOTS = st.dictionaries(_KEYS, _TREES, min_size=0, max_size=5)


def _indexed(value: Any) -> Any:
    """Lists as the parser leaves them before the request models see them: ``{"0": …}``."""
    if isinstance(value, list):
        return {str(index): _indexed(item) for index, item in enumerate(value)}
    if isinstance(value, dict):
        return {key: _indexed(item) for key, item in value.items()}
    return value


@settings(deadline=None)
@given(_ROOTS)
def test_pairs_round_trip(tree: dict[str, Any]) -> None:
    assert parse_pairs(encode_pairs(tree)) == _indexed(tree)


@settings(deadline=None)
@given(_ROOTS)
def test_form_round_trip_through_url_encoding(tree: dict[str, Any]) -> None:
    assert parse_form(urlencode(encode_pairs(tree))) == _indexed(tree)


def test_encode_matches_the_sdk() -> None:
    assert encode_pairs({"items": [{"price": "p1", "quantity": 2}], "expand": ["customer"]}) == [
        ("items[0][price]", "p1"),
        ("items[0][quantity]", "2"),
        ("expand[0]", "customer"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("a[]=1&a[]=2", {"a": ["1", "2"]}),
        ("a[0][b]=1&a[1][b]=2", {"a": {"0": {"b": "1"}, "1": {"b": "2"}}}),
        ("a[][b]=1&a[][c]=2&a[][b]=3", {"a": [{"b": "1", "c": "2"}, {"b": "3"}]}),
        ("a=&b=1", {"a": "", "b": "1"}),
        ("metadata[k]=", {"metadata": {"k": ""}}),
        ("a=1&a=2", {"a": "2"}),
        ("a[b][c][d]=x", {"a": {"b": {"c": {"d": "x"}}}}),
        ("metadata[0]=x", {"metadata": {"0": "x"}}),
        ("name=caf%C3%A9+%26+bar%3D", {"name": "café & bar="}),
        ("a+b=1", {"a b": "1"}),
        ("expand%5B%5D=customer", {"expand": ["customer"]}),
        ("flag", {"flag": ""}),
    ],
)
def test_parse_form(text: str, expected: dict[str, Any]) -> None:
    assert parse_form(text) == expected


@pytest.mark.parametrize(
    ("text", "param"),
    [
        ("a=1&a[b]=2", "a[b]"),
        ("a[b]=2&a=1", "a"),
        ("a[]=1&a=2", "a"),
        ("a=1&a[]=2", "a[]"),
        ("a[]=1&a[b]=2", "a[b]"),
        ("a[b]=1&a[b][c]=2", "a[b][c]"),
        ("a[b][c]=1&a[b]=2", "a[b]"),
    ],
)
def test_value_and_hash_conflict(text: str, param: str) -> None:
    with pytest.raises(InvalidRequestError) as err:
        parse_form(text)
    assert err.value.code == "parameter_invalid_object"
    assert err.value.param == param


@pytest.mark.parametrize("key", ["[a]", "a]", "a[b", "a[b]c", "a[[b]]", "a]b[", ""])
def test_malformed_keys(key: str) -> None:
    with pytest.raises(InvalidRequestError) as err:
        split_key(key)
    assert err.value.code == "parameter_unknown"
    assert err.value.http_status == 400


def test_split_key() -> None:
    assert split_key("items[0][price]") == ["items", "0", "price"]
    assert split_key("expand[]") == ["expand", ""]
    assert split_key("a") == ["a"]


def test_invalid_utf8_is_a_400() -> None:
    with pytest.raises(InvalidRequestError) as err:
        parse_form("name=%FF")
    assert err.value.http_status == 400


# Raw query text: the characters that matter to the splitting and decoding, percent escapes
# (valid and not, UTF-8 and not) and anything else.
_RAW = st.lists(
    st.sampled_from(
        ["&", "=", "+", "%", "%2", "%20", "%2B", "%26", "%3D", "%C3%A9", "%E9", "%ff", "a", "[", "]", "é", " "]
    )
    | st.text(max_size=3),
    max_size=12,
).map("".join)


@given(_RAW)
@settings(max_examples=400)
def test_decode_pairs_is_parse_qsl(text: str) -> None:
    """The fast decoder answers exactly as the standard library, errors included."""
    try:
        expected: list[tuple[str, str]] | type[Exception] = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        expected = UnicodeDecodeError
    if expected is UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            decode_pairs(text)
    else:
        assert decode_pairs(text) == expected
