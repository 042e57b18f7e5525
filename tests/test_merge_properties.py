"""Property test: three-way merges of generated histories."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tvlint.lint import Linter
from tvlint.merge import Conflict, merge
from tvlint.model_file import model_file

from .factories import dumps, s3_entry, webhook_entry

LINTER = Linter()
MODELS = [f"style_1_vV{i}" for i in range(1, 7)]


def made(n: int, model: str, webhook: bool, verdict: bool | None) -> dict[str, Any]:
    """Entry ``n``: every entry has its own timestamp, so two never rank equal."""
    stamp = f"2025-10-{1 + n // 60:02d}T08:{n % 60:02d}:00Z"
    entry = (
        webhook_entry(job=f"job-{n}-e1", model=model, timestamp=stamp)
        if webhook
        else s3_entry(model, id=f"s3-{n}", timestamp=stamp)
    )
    if verdict is not None:
        entry["isGood"] = verdict
    return entry


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Any], list[Any], list[Any]]:
    counter = iter(range(10_000))

    def new_entry() -> dict[str, Any]:
        return made(
            next(counter),
            draw(st.sampled_from(MODELS)),
            draw(st.booleans()),
            draw(st.sampled_from([None, None, True, False])),
        )

    base: list[Any] = []
    for _ in range(draw(st.integers(0, 4))):
        entry = new_entry()
        if model_file(entry["loraUrl"]) not in {model_file(e["loraUrl"]) for e in base}:
            base.append(entry)  # a base that passes: one entry per model file

    def side() -> list[Any]:
        entries = [dict(e) for e in base]
        for _ in range(draw(st.integers(0, 3))):
            op = draw(st.sampled_from(["add", "add", "remove", "edit"]))
            if op == "add":
                entries.insert(draw(st.integers(0, len(entries))), new_entry())
            elif entries and op == "remove":
                entries.pop(draw(st.integers(0, len(entries) - 1)))
            elif entries:
                at = draw(st.integers(0, len(entries) - 1))
                entries[at] = {**entries[at], "description": draw(st.sampled_from(["a", "b"]))}
        return entries

    return base, side(), side()


def encoded(versions: list[Any]) -> bytes:
    return dumps({"versions": versions}).encode()


def canonical(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_merges_lose_nothing_invent_nothing_and_do_not_depend_on_the_side(
    history: tuple[list[Any], list[Any], list[Any]],
) -> None:
    base, ours, theirs = history
    try:
        result = json.loads(merge(encoded(base), encoded(ours), encoded(theirs), LINTER))
    except Conflict as exc:
        event(f"conflict: {str(exc).split(' ')[-1]}")
        try:
            merge(encoded(base), encoded(theirs), encoded(ours), LINTER)
        except Conflict:
            return
        raise AssertionError("a conflict one way and a clean merge the other") from None
    merged = result["versions"]
    event(f"clean, {len(merged)} entries")
    by_id = {e["id"]: e for e in merged}
    named = {model_file(e.get("loraUrl")) for e in merged}
    base_ids = {e["id"]: canonical(e) for e in base}
    for this, other in ((ours, theirs), (theirs, ours)):
        other_ids = {e["id"]: canonical(e) for e in other}
        for entry in this:
            removed_by_other = (
                entry["id"] in base_ids
                and entry["id"] not in other_ids
                and canonical(entry) == base_ids[entry["id"]]
            )
            # No entry lost: each is there, or the other side removed it, or it went as a
            # duplicate of the entry kept for its model file.
            assert (
                entry["id"] in by_id
                or removed_by_other
                or model_file(entry.get("loraUrl")) in named
            )
    # None invented: each is an entry of a side, but for a verdict carried into it.
    sides = {canonical(e) for e in ours + theirs}
    for entry in merged:
        without = {k: v for k, v in entry.items() if k != "isGood"}
        assert canonical(entry) in sides or any(
            canonical(without) == canonical({k: v for k, v in e.items() if k != "isGood"})
            for e in ours + theirs
        )
    # One entry per model file.
    files = Counter(model_file(e.get("loraUrl")) for e in merged)
    assert all(count == 1 for count in files.values())
    # The other way round: the same entries, perhaps in another order.
    swapped = json.loads(merge(encoded(base), encoded(theirs), encoded(ours), LINTER))["versions"]
    assert sorted(map(canonical, swapped)) == sorted(map(canonical, merged))


def test_top_level_keys_merge_key_by_key() -> None:
    versions = [{"id": "a", "name": "V1"}]
    base = dumps({"versions": versions, "owner": "mia", "note": "x"}).encode()
    ours = dumps({"versions": versions, "owner": "mia", "note": "x", "mine": 1}).encode()
    theirs = dumps({"versions": versions}).encode()  # the last two removed
    assert json.loads(merge(base, ours, theirs)) == {"versions": versions, "mine": 1}


def test_an_entry_changed_on_one_side_is_not_dropped_as_a_duplicate() -> None:
    synced = s3_entry("style_1_vV2")
    base = encoded([synced])
    ours = encoded([{**synced, "description": "Use for client X"}])
    theirs = encoded([webhook_entry(model="style_1_vV2"), synced])
    with pytest.raises(Conflict, match="changed on one side, would be removed as a duplicate"):
        merge(base, ours, theirs, LINTER)


def test_an_entry_without_an_id_changed_on_both_sides_is_a_conflict() -> None:
    base = encoded([{"name": "V1", "note": "a"}])
    with pytest.raises(Conflict, match="without an id"):
        merge(base, encoded([{"name": "V1", "note": "b"}]), encoded([{"name": "V1", "note": "c"}]))
    # Added on both sides: both kept.
    both = merge(
        base,
        encoded([{"name": "V1", "note": "a"}, {"name": "V2"}]),
        encoded([{"name": "V1", "note": "a"}, {"name": "V3"}]),
    )
    assert json.loads(both)["versions"] == [
        {"name": "V1", "note": "a"},
        {"name": "V2"},
        {"name": "V3"},
    ]


def test_a_conflict_both_sides_had_is_still_a_conflict() -> None:
    # A clean result names each model file once: a group left to a person stays so.
    held = [s3_entry("style_1_vV2", isGood=True), webhook_entry(model="style_1_vV2", isGood=False)]
    base = encoded(held)
    ours = encoded([webhook_entry(job="n-e1", model="style_1_vV3"), *held])
    theirs = encoded([*held, webhook_entry(job="m-e1", model="style_1_vV4")])
    with pytest.raises(Conflict, match="conflicting isGood"):
        merge(base, ours, theirs, LINTER)
