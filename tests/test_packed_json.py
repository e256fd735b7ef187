"""Stored payloads (billfold.packed_json, models.base.PayloadJSON): packed or plain, they read back the same."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import zstandard
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from billfold.models.base import PayloadJSON
from billfold.packed_json import _dictionary_files, is_packed, pack, unpack

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
INVOICE_LIKE = {
    "id": "in_0Vc31TfJXboq9xewknIMdC4j",
    "object": "invoice",
    "amount_due": 1000,
    "lines": {"object": "list", "data": [{"object": "line_item", "amount": 1000, "description": "1 × Pro"}]},
    "status": "paid",
}


@given(json_values)
def test_a_packed_payload_unpacks_to_its_json(value: Any) -> None:
    payload = orjson.dumps({"object": value})
    packed = pack(payload)
    assert is_packed(packed)
    assert unpack(packed) == payload


@given(json_values)
def test_plain_json_is_read_as_it_is(value: Any) -> None:
    payload = orjson.dumps(value)
    assert not is_packed(payload)
    assert unpack(payload) == payload


def test_a_frame_names_a_shipped_dictionary_and_packs_an_object_small() -> None:
    payload = orjson.dumps({"object": INVOICE_LIKE})
    packed = pack(payload)
    assert len(packed) < len(payload) / 2
    assert zstandard.get_frame_parameters(packed).dict_id in _dictionary_files()


def test_the_column_writes_json_and_reads_either_form() -> None:
    dialects: list[Dialect] = [sqlite.dialect(), postgresql.dialect()]  # type: ignore[no-untyped-call]
    for dialect in dialects:
        column = PayloadJSON()
        write = column.bind_processor(dialect)
        read = column.result_processor(dialect, None)
        assert write is not None
        assert read is not None
        stored = write(INVOICE_LIKE)
        assert not is_packed(bytes(stored))  # one write stores plain JSON: nothing to gain packing it
        assert read(stored) == INVOICE_LIKE
        assert read(pack(orjson.dumps(INVOICE_LIKE))) == INVOICE_LIKE


def test_threads_pack_and_unpack_at_once() -> None:
    """Each thread has its own compressor and decompressors (zstandard's are not thread-safe)."""
    payloads = [orjson.dumps({"object": {**INVOICE_LIKE, "id": f"in_{n}"}}) for n in range(200)]

    def round_trips(start: int) -> bool:
        return all(unpack(pack(p)) == p for p in payloads[start:] + payloads[:start])

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(round_trips, range(0, 200, 25)))
