"""Property tests: --fix over generated version lists in both writers' shapes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tvlint.document import parse
from tvlint.fix import plan_fix
from tvlint.lint import Linter
from tvlint.model import model_of
from tvlint.model_file import model_file
from tvlint.ranking import duplicate_groups

from .factories import as_datetime, lint_bytes

LINTER = Linter()
HOSTS = [
    "https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/",
    "https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/",
    "https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-actors/models/",
]
MODELS = [f"style_1_vV{i}" for i in range(1, 5)] + ["actor_6_V7", "café_été"]
BASE = datetime(2025, 10, 12, 8, 0, tzinfo=timezone.utc)


@st.composite
def timestamps(draw: st.DrawFn) -> str | None:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, "yesterday", "2025-13-01T00:00:00Z"]))
    instant = BASE + timedelta(seconds=draw(st.integers(-5000, 5000)))
    offset = timedelta(minutes=30 * draw(st.integers(-16, 16)))
    local = instant.astimezone(timezone(offset))
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + draw(st.sampled_from(["", ".5", ".123"]))
    suffix = "Z" if not offset and draw(st.booleans()) else local.strftime("%z")
    return text + (suffix if suffix == "Z" else suffix[:3] + ":" + suffix[3:])


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    model = draw(st.sampled_from(MODELS))
    webhook = draw(st.booleans())
    entry: dict[str, Any] = {
        "id": f"{draw(st.uuids())}-e1" if webhook else model,
        "name": "V7" if webhook else f"{model}.safetensors",
        "timestamp": draw(timestamps()),
        "parameters": {"network_dim": 16, "learning_rate": 0.0001} if webhook else {},
        "status": draw(st.sampled_from(["completed", "pending", "failed"])),
    }
    if entry["timestamp"] is None:
        del entry["timestamp"]
    if draw(st.integers(0, 4)) > 0:
        query = draw(st.sampled_from(["", "?X-Amz-Signature=abc", "#x"]))
        entry["loraUrl"] = (
            draw(st.sampled_from(HOSTS)) + model.replace("é", "%C3%A9") + ".safetensors" + query
        )
    if draw(st.booleans()):
        entry["completedAt"] = "2025-10-12T08:41:05.201Z"
    # A person's verdict, on a few entries of either writer.
    verdict = draw(st.sampled_from([None, None, None, True, False]))
    if verdict is not None:
        entry["isGood"] = verdict
    if not webhook:
        entry["lastSynced"] = "2025-10-12T09:46:20.075Z"
        entry["description"] = "Synced from S3"
    elif draw(st.booleans()):
        entry["description"] = draw(
            st.sampled_from(["Aquarelle légère", "水彩 — soft", "x\u2028y"])
        )
    keys = list(entry)
    order = draw(st.permutations(keys))
    return {k: entry[k] for k in order}


FORMATS = st.tuples(
    st.sampled_from([2, 4, "\t", None]),  # indent
    st.booleans(),  # CRLF
    st.booleans(),  # final newline
    st.booleans(),  # non-ASCII escaped
)


def render(data: Any, fmt: tuple[Any, bool, bool, bool]) -> bytes:
    indent, crlf, final_newline, ascii_only = fmt
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    if crlf:
        text = text.replace("\n", "\r\n")
    if final_newline:
        text += "\r\n" if crlf else "\n"
    return text.encode()


def oracle_best(versions: list[dict[str, Any]], indices: list[int]) -> int:
    """The ranking, written independently: params, completedAt, instant, first."""

    def instant(entry: dict[str, Any]) -> datetime | None:
        return as_datetime(entry["timestamp"]) if "timestamp" in entry else None

    def key(i: int) -> tuple[Any, ...]:
        e = versions[i]
        when = instant(e)
        return (bool(e["parameters"]), "completedAt" in e, when is not None, when or BASE, -i)

    return max(indices, key=key)


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), max_size=14), FORMATS)
def test_fix_properties(versions: list[dict[str, Any]], fmt: tuple[Any, bool, bool, bool]) -> None:
    raw = render({"versions": versions}, fmt)
    before, _ = lint_bytes(LINTER, "f.json", raw)  # the check never crashes
    plan = plan_fix(parse(raw))
    by_file: dict[str, list[int]] = {}
    for i, entry in enumerate(versions):
        name = model_file(entry.get("loraUrl"))
        if name:
            by_file.setdefault(name, []).append(i)
    groups = [ix for ix in by_file.values() if len(ix) > 1]
    assert ("TV004" in {p.code for p in before.problems or ()}) == bool(groups)
    # The oracle, written independently: a group whose entries disagree on isGood is
    # left whole; otherwise the best entry stays, with the isGood it lacked carried.
    conflicts = [
        ix
        for ix in groups
        if len({json.dumps(versions[i].get("isGood")) for i in ix if "isGood" in versions[i]}) > 1
    ]
    expected = list(versions)
    gone: set[int] = set()
    for ix in groups:
        if ix in conflicts:
            continue
        best = oracle_best(versions, ix)
        gone |= set(ix) - {best}
        verdicts = [versions[i]["isGood"] for i in ix if "isGood" in versions[i]]
        if verdicts and "isGood" not in versions[best]:
            expected[best] = {**versions[best], "isGood": verdicts[0]}
            event("a verdict carried over")
    if conflicts:
        event("a conflict left for a person")
    expected = [e for i, e in enumerate(expected) if i not in gone]
    if len(conflicts) == len(groups):
        assert plan is None
        return
    assert plan is not None
    new_bytes = plan.apply(parse(raw)).raw
    after, _ = lint_bytes(LINTER, "f.json", new_bytes)
    new = parse(new_bytes).data["versions"]
    # Only the conflicts remain duplicated, each reported, and each says why.
    remaining = [p for p in after.problems or () if p.code == "TV004"]
    assert len(remaining) == sum(len(ix) - 1 for ix in conflicts)
    assert all("conflicting isGood" in p.message for p in remaining)
    assert len(duplicate_groups(new)) == len(conflicts)
    # ... and what the fix records for the new document is what a search finds.
    new_document = plan.document(parse(new_bytes))
    assert model_of(new_document).duplicate_groups(("isGood",)) == duplicate_groups(
        new_document.data["versions"], ("isGood",)
    )
    # Every model file is still there.
    assert {model_file(e.get("loraUrl")) for e in new if "loraUrl" in e} == set(by_file)
    # Entries without loraUrl are all kept, in order.
    assert [e for e in new if "loraUrl" not in e] == [e for e in versions if "loraUrl" not in e]
    # The kept entry of each group is the ranking's best, carrying what a person set.
    assert new == expected
    # Every byte outside the removed spans and the carried members is preserved: the
    # result is exactly what the same writer would have written for the expected data.
    assert new_bytes == render({"versions": expected}, fmt)
    # Fixing twice equals fixing once.
    assert plan_fix(parse(new_bytes)) is None
