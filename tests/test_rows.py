"""Driver-level statements (billfold.rows) write and read exactly what the ORM would."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from billfold.db import UTCDateTime
from billfold.rows import _binder, _sqlite_datetime

_SQLITE = sqlite.dialect()
_ORM = UTCDateTime().dialect_impl(_SQLITE).bind_processor(_SQLITE)
_FAST = _binder(UTCDateTime(), _SQLITE)

aware = st.datetimes(
    min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001 - hypothesis takes naive bounds for aware values
    max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.sampled_from(
        [dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(-dt.timedelta(hours=8))]
    ),
)


@given(aware)
def test_a_datetime_is_stored_as_the_orm_stores_it_on_sqlite(value: dt.datetime) -> None:
    assert _FAST is not None
    assert _ORM is not None
    text = _FAST(value)
    assert text == _ORM(value)
    # ...and reads back as the same instant (SQLite compares these strings: the format is fixed).
    assert _sqlite_datetime(text) == value
    assert len(text) == len("2026-01-15 12:00:00.000000")
