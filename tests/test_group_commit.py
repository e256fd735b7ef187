"""Group commit (billfold.db): the API's units of one or two event-loop turns share one COMMIT.

Each unit runs in a savepoint of the group's transaction, so a failing unit leaves the others
untouched; nobody outside sees a unit's writes before the group commits, and a COMMIT that
fails answers every unit of its group with the failure and keeps nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import cast

import pytest
import sqlalchemy as sa

from billfold.db import Database, Unit
from billfold.models import IdempotencyRecord
from billfold.rows import FastInsert
from tests.support import backends, drop_database, fresh_database

_RECORDS = cast("sa.Table", IdempotencyRecord.__table__)
_APPEND = FastInsert(_RECORDS, ["account_id", "key", "request_fingerprint", "status_code", "response_body", "created"])
_WHEN = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(params=backends())
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    url = fresh_database(request.param)
    database = Database(url)
    yield database
    database.close()
    drop_database(url)


def _row(key: str) -> dict[str, object]:
    return {
        "account_id": "acct_group",
        "key": key,
        "request_fingerprint": "f",
        "status_code": 200,
        "response_body": b"{}",
        "created": _WHEN,
    }


def _write(unit: Unit, key: str) -> None:
    unit.connection.execute(sa.insert(_RECORDS), [_row(key)])


def _write_with_the_orm(unit: Unit, key: str) -> None:
    unit.session.add(IdempotencyRecord(**_row(key)))
    unit.session.flush()


def _in_order(db: Database) -> list[str]:
    """What another connection sees, in insertion order."""
    engine = sa.create_engine(db.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(_RECORDS.c.key).order_by(_RECORDS.c.pk)).scalars())
    finally:
        engine.dispose()


def _committed(db: Database) -> set[str]:
    """What another connection sees."""
    return set(_in_order(db))


def test_units_of_one_turn_share_one_commit_and_a_failing_one_leaves_only_itself_out(db: Database) -> None:
    async def scenario() -> None:
        first = db.unit(grouped=True)
        with first as unit:
            _write(unit, "a")
        failing = db.unit(grouped=True)

        def break_a_rule() -> None:
            with failing as unit:
                _write_with_the_orm(unit, "b")
                msg = "rule broken"
                raise ValueError(msg)

        with pytest.raises(ValueError, match="rule broken"):
            break_a_rule()
        third = db.unit(grouped=True)
        with third as unit:
            _write_with_the_orm(unit, "c")
        assert first.group is not None
        assert first.group is failing.group is third.group
        assert _committed(db) == set()  # nothing is visible before the group's COMMIT
        await first.group
        assert _committed(db) == {"a", "c"}
        # The next turn opens a new group.
        later = db.unit(grouped=True)
        with later as unit:
            _write(unit, "d")
        assert later.group is not None
        assert later.group is not first.group
        await later.group
        assert _committed(db) == {"a", "c", "d"}

    asyncio.run(scenario())


def test_a_read_joins_the_open_group_sees_its_writes_and_waits_for_its_commit(db: Database) -> None:
    async def scenario() -> None:
        alone = db.unit(readonly=True, grouped=True)
        with alone as unit:
            unit.connection.execute(sa.select(_RECORDS.c.key)).all()
        assert alone.group is None  # a read with no group open commits nothing: nothing to await
        write = db.unit(grouped=True)
        with write as unit:
            _write(unit, "a")
        read = db.unit(readonly=True, grouped=True)
        with read as unit:
            seen = set(unit.connection.execute(sa.select(_RECORDS.c.key)).scalars())
        assert seen == {"a"}
        assert read.group is write.group
        assert read.group is not None
        await read.group
        assert _committed(db) == {"a"}

    asyncio.run(scenario())


def test_a_plain_unit_commits_the_open_group_first(db: Database) -> None:
    async def scenario() -> None:
        write = db.unit(grouped=True)
        with write as unit:
            _write(unit, "a")
        with db.unit() as unit:  # e.g. a hosted page: its own transaction, after the group's
            _write(unit, "b")
        assert write.group is not None
        assert write.group.done()
        await write.group
        assert _committed(db) == {"a", "b"}

    asyncio.run(scenario())


def test_a_failed_group_commit_fails_every_unit_and_keeps_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full() -> None:
        msg = "database or disk is full"
        raise sa.exc.OperationalError("COMMIT", None, Exception(msg))

    async def scenario() -> None:
        units = [db.unit(grouped=True), db.unit(grouped=True)]
        for n, uow in enumerate(units):
            with uow as unit:
                _write(unit, f"lost-{n}")
        monkeypatch.setattr(db, "_commit_driver", disk_full)
        for uow in units:
            assert uow.group is not None
            with pytest.raises(sa.exc.OperationalError, match="disk is full"):
                await uow.group
        monkeypatch.undo()
        assert _committed(db) == set()
        # The connection was dropped; the next group starts on a new one.
        again = db.unit(grouped=True)
        with again as unit:
            _write(unit, "kept")
        assert again.group is not None
        await again.group
        assert _committed(db) == {"kept"}

    asyncio.run(scenario())


def test_units_do_not_nest_inside_a_grouped_unit(db: Database) -> None:
    async def scenario() -> None:
        outer = db.unit(grouped=True)
        with outer as unit:
            _write(unit, "a")
            with pytest.raises(RuntimeError, match="do not nest"), db.unit():
                pass
        assert outer.group is not None
        await outer.group
        assert _committed(db) == {"a"}

    asyncio.run(scenario())


# -- batched appends (``batch_appends``): rows that wait for the group ------------------------


def test_batched_appends_are_inserted_with_the_group_and_a_failing_unit_drops_its_own(db: Database) -> None:
    async def scenario() -> None:
        first = db.unit(grouped=True, batch_appends=True)
        with first as unit:
            unit.append(_APPEND, _row("a"))
            assert unit.appended(_APPEND) == [_row("a")]
        failing = db.unit(grouped=True, batch_appends=True)

        def fail_after_appending(unit: Unit, key: str) -> None:
            unit.append(_APPEND, _row(key))
            msg = "rule broken"
            raise ValueError(msg)

        with pytest.raises(ValueError, match="rule broken"), failing as unit:
            fail_after_appending(unit, "b")
        partly = db.unit(grouped=True, batch_appends=True)
        with partly as unit:
            unit.append(_APPEND, _row("c"))
            with pytest.raises(ValueError, match="rule broken"), unit.savepoint():
                fail_after_appending(unit, "d")
            assert [row["key"] for row in unit.appended(_APPEND)] == ["c"]
            assert [row["key"] for row in unit.waiting(_APPEND)] == ["a", "c"]  # the group's, then its own
        assert first.group is failing.group is partly.group
        assert first.group is not None
        assert db._appends  # still waiting: no statement has inserted them yet
        await first.group
        assert _in_order(db) == ["a", "c"]

    asyncio.run(scenario())


def test_a_unit_that_does_not_batch_finds_the_waiting_rows_inserted_before_it(db: Database) -> None:
    async def scenario() -> None:
        batching = db.unit(grouped=True, batch_appends=True)
        with batching as unit:
            unit.append(_APPEND, _row("a"))
        read = db.unit(readonly=True, grouped=True)
        with read as unit:
            seen = set(unit.connection.execute(sa.select(_RECORDS.c.key)).scalars())
        assert seen == {"a"}
        write = db.unit(grouped=True)
        with write as unit:
            _write(unit, "b")
            unit.append(_APPEND, _row("c"))  # a unit that does not batch inserts at once
        assert write.group is batching.group
        assert write.group is not None
        await write.group
        assert _in_order(db) == ["a", "b", "c"]

    asyncio.run(scenario())


def test_a_plain_unit_inserts_the_waiting_rows_with_the_group_it_commits(db: Database) -> None:
    async def scenario() -> None:
        batching = db.unit(grouped=True, batch_appends=True)
        with batching as unit:
            unit.append(_APPEND, _row("a"))
        with db.unit() as unit:
            _write(unit, "b")
        assert batching.group is not None
        await batching.group
        assert _in_order(db) == ["a", "b"]

    asyncio.run(scenario())


def test_appends_that_cannot_be_inserted_fail_the_whole_group(db: Database) -> None:
    async def scenario() -> None:
        units = [db.unit(grouped=True, batch_appends=True) for _ in range(2)]
        for uow in units:
            with uow as unit:
                unit.append(_APPEND, _row("same"))  # the second breaks the unique (account, key)
        for uow in units:
            assert uow.group is not None
            with pytest.raises(sa.exc.IntegrityError):
                await uow.group
        assert _committed(db) == set()
        again = db.unit(grouped=True, batch_appends=True)
        with again as unit:
            unit.append(_APPEND, _row("kept"))
        assert again.group is not None
        await again.group
        assert _committed(db) == {"kept"}

    asyncio.run(scenario())


def test_waiting_rows_that_cannot_be_inserted_fail_the_unit_that_would_follow_them(db: Database) -> None:
    async def scenario() -> None:
        units = [db.unit(grouped=True, batch_appends=True) for _ in range(2)]
        for uow in units:
            with uow as unit:
                unit.append(_APPEND, _row("same"))
        with pytest.raises(sa.exc.IntegrityError), db.unit(grouped=True):
            pass
        for uow in units:
            assert uow.group is not None
            with pytest.raises(sa.exc.IntegrityError):
                await uow.group
        assert _committed(db) == set()

    asyncio.run(scenario())
