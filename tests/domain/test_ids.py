"""Identifiers: random ones, and message ids that sort by the time they were made."""

from __future__ import annotations

import re
import time

from chatbank.core.ids import new_id, new_sortable_id


def test_sortable_ids_sort_in_the_order_they_were_made() -> None:
    made = []
    for _ in range(5):
        made.append(new_sortable_id("msg"))
        time.sleep(0.002)  # the time part has millisecond resolution
    assert sorted(made) == made


def test_sortable_ids_are_unique_within_one_millisecond_and_url_safe() -> None:
    ids = [new_sortable_id("msg") for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"msg_[0-9a-f]{32}", value) for value in ids)
    assert len(ids[0]) <= 40  # the id columns' width


def test_random_ids_keep_their_form() -> None:
    assert re.fullmatch(r"usr_[A-Za-z0-9_-]{22}", new_id("usr"))
