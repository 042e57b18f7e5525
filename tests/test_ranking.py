from __future__ import annotations

from typing import Any

import pytest

from tvlint.model_file import shared_model_files
from tvlint.ranking import DuplicateGroup, Removal, duplicate_groups

from .factories import ACCEL, REGIONAL, s3_entry, webhook_entry


def group_of(*entries: dict[str, Any]) -> DuplicateGroup:
    [group] = duplicate_groups(list(entries))
    return group


def test_non_empty_parameters_win_over_everything_else() -> None:
    detailed = webhook_entry(timestamp="2020-01-01T00:00:00Z")
    del detailed["completedAt"]
    synced = s3_entry(completedAt="2025-10-12T08:41:05Z", timestamp="2025-12-01T00:00:00Z")
    assert group_of(synced, detailed) == DuplicateGroup(
        "style_1_vV7.safetensors", kept=1, removed=(Removal(0, "parameters"),)
    )


def test_completed_at_decides_between_equal_parameters() -> None:
    done = s3_entry(completedAt="2025-10-12T08:41:05Z", timestamp="2020-01-01T00:00:00Z")
    synced = s3_entry(id="b", timestamp="2025-12-01T00:00:00Z")
    assert group_of(synced, done).removed == (Removal(0, "completedAt"),)
    assert group_of(synced, done).kept == 1


def test_newer_timestamp_compared_as_an_instant() -> None:
    # 10:41:02+02:00 is 08:41:02Z, earlier than 08:50:00Z although it sorts later as text.
    offset = s3_entry(id="offset", timestamp="2025-10-12T10:41:02+02:00")
    zulu = s3_entry(id="zulu", timestamp="2025-10-12T08:50:00Z")
    group = group_of(offset, zulu)
    assert (group.kept, group.removed) == (1, (Removal(0, "timestamp"),))
    negative = s3_entry(id="neg", timestamp="2025-10-12T01:00:00-08:00")  # 09:00Z
    assert group_of(offset, zulu, negative).kept == 2


def test_fractional_seconds_count() -> None:
    a = s3_entry(id="a", timestamp="2025-10-12T08:41:02.100Z")
    b = s3_entry(id="b", timestamp="2025-10-12T08:41:02.2Z")
    assert group_of(a, b).kept == 1


@pytest.mark.parametrize("bad", [None, "yesterday", "2025-13-01T00:00:00Z", 12345])
def test_missing_or_invalid_timestamp_ranks_below_every_valid_one(bad: object) -> None:
    broken = s3_entry(id="broken")
    if bad is None:
        del broken["timestamp"]
    else:
        broken["timestamp"] = bad
    ancient = s3_entry(id="ancient", timestamp="0001-01-01T00:00:00Z")
    group = group_of(broken, ancient)
    assert (group.kept, group.removed) == (1, (Removal(0, "timestamp"),))


def test_full_tie_keeps_the_first_in_the_file() -> None:
    group = group_of(s3_entry(id="first"), s3_entry(id="second"), s3_entry(id="third"))
    assert group.kept == 0
    assert group.removed == (Removal(1, "position"), Removal(2, "position"))


def test_three_way_group_across_hosts_and_presigned_urls() -> None:
    presigned = ACCEL + "style_1_vV7.safetensors?X-Amz-Algorithm=AWS4&X-Amz-Signature=f00d"
    entries = [
        s3_entry(),  # regional host
        s3_entry(id="presigned", loraUrl=presigned, timestamp="2025-10-13T00:00:00Z"),
        webhook_entry(),  # accelerated host, with parameters
        s3_entry("style_1_vV8"),
        {"id": "no-url", "name": "V9", "status": "pending"},
    ]
    groups = duplicate_groups(entries)
    assert groups == [
        DuplicateGroup(
            "style_1_vV7.safetensors",
            kept=2,
            removed=(Removal(0, "parameters"), Removal(1, "parameters")),
        )
    ]


def test_groups_come_in_order_of_their_first_entry_and_skip_non_objects() -> None:
    entries: list[Any] = [
        s3_entry("b"),
        5,
        None,
        s3_entry("a"),
        s3_entry("a", id="a2"),
        s3_entry("b", id="b2"),
        {"loraUrl": REGIONAL},  # no file name: never collides
        {"loraUrl": REGIONAL},
    ]
    assert [g.model_file for g in duplicate_groups(entries)] == ["b.safetensors", "a.safetensors"]


def test_shared_model_files_are_in_order_of_first_entry() -> None:
    # B is named again before A is: the order is still that of each file's first entry.
    url = "https://b.s3.amazonaws.com/m/{}.safetensors".format
    versions = [{"loraUrl": url(n)} for n in "ABBCA"] + [{"loraUrl": 5}, "x", {"loraUrl": url("B")}]
    assert shared_model_files(versions) == [
        ("A.safetensors", [0, 4]),
        ("B.safetensors", [1, 2, 7]),
    ]
