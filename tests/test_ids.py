"""Ids: Stripe's shape, time-ordered for the indexes, unguessable, never repeated by a fork."""

from __future__ import annotations

import os
import string
import time

from billfold.ids import new_id, random_token

_BASE62 = set(string.ascii_letters + string.digits)


def test_ids_have_stripes_shape_and_sort_by_creation_time() -> None:
    earlier = [new_id("cus") for _ in range(50)]
    time.sleep(0.002)
    later = new_id("cus")
    for value in [*earlier, later]:
        prefix, _, rest = value.partition("_")
        assert prefix == "cus"
        assert len(rest) == 24
        assert set(rest) <= _BASE62
    assert len(set(earlier)) == len(earlier)
    assert all(later > value for value in earlier)  # byte order, as SQLite's index sorts them


def test_the_random_part_is_not_shared_between_ids_of_one_millisecond() -> None:
    values = [new_id("evt") for _ in range(2000)]
    random_parts = {value[4 + 8 :] for value in values}
    assert len(random_parts) == len(values)
    # 16 random base62 characters: every character position takes many values.
    for position in range(16):
        assert len({part[position] for part in random_parts}) > 40


def test_short_ids_and_tokens_are_wholly_random() -> None:
    requests = [new_id("req", 14) for _ in range(200)]
    assert len({value[4:12] for value in requests}) == len(requests)  # no shared time prefix
    assert len(random_token(40)) == 40


def test_a_forked_child_never_repeats_its_parents_ids() -> None:
    new_id("cus")  # the parent's entropy buffer is now filled
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write, new_id("cus").encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent = new_id("cus")
    assert child[4 + 8 :] != parent[4 + 8 :]
