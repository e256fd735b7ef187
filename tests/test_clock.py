"""The system clock: whole seconds in UTC, the current second's datetime made once."""

from __future__ import annotations

import datetime as dt
import threading
import time

from billfold.clock import SystemClock


def test_the_system_clock_reads_whole_utc_seconds_of_the_wall_clock() -> None:
    clock = SystemClock()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    now = clock.now()
    after = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert before <= now <= after
    assert now.microsecond == 0
    assert now.utcoffset() == dt.timedelta(0)


def test_the_system_clock_moves_on_with_the_second() -> None:
    clock = SystemClock()
    first = clock.now()
    again = clock.now()
    assert again - first <= dt.timedelta(seconds=1)
    time.sleep(max(0.0, first.timestamp() + 1 - time.time()) + 0.01)
    assert clock.now() >= first + dt.timedelta(seconds=1)


def test_threads_reading_the_system_clock_all_see_a_consistent_second() -> None:
    clock = SystemClock()
    seen: list[dt.datetime] = []

    def read() -> None:
        seen.extend(clock.now() for _ in range(2000))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = dt.datetime.now(dt.UTC)
    assert all(value.microsecond == 0 and value <= wall for value in seen)
    assert len({value.timestamp() for value in seen}) <= 3  # the run spans a second or two at most
