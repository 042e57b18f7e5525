"""Recursive work gets the same room wherever it starts, so its verdict is the input's.

A user's schema that refers to itself, or nests deeply, ends at Python's recursion
limit; a file checked by a forked worker, or called from deep in a caller's code,
started lower on the stack and got "too deep" where ``tvlint`` alone did not.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tvlint.config import load_settings
from tvlint.errors import ConfigError
from tvlint.lint import Linter
from tvlint.rules.schema import SchemaRule
from tvlint.runner import PARALLEL_FROM, can_fork
from tvlint.schema import SchemaLoadError, checker_for
from tvlint.stack import ROOM, in_room

from .factories import run_process


def _levels(level: int = 0) -> int:
    """How many levels a recursion gets from here."""
    try:
        return _levels(level + 1)
    except RecursionError:
        return level


def _room() -> int:
    """How many levels a recursion gets in_room, from here."""
    return in_room(_levels)


def _deeper(levels: int, work: Callable[[], Any]) -> Any:
    return _deeper(levels - 1, work) if levels else work()


def _in_a_thread(work: Callable[[], Any]) -> Any:
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    thread.join()
    return found[0]


class _InInit:
    def __init__(self, work: Callable[[], Any]) -> None:
        self.found = work()


def _resumed(work: Callable[[], Any]) -> Any:
    def generator() -> Iterator[Any]:
        yield work()

    return next(generator())


def _by_key(work: Callable[[], Any]) -> Any:
    found: list[Any] = []

    def key(item: int) -> int:
        found.append(work())
        return item

    sorted([0], key=key)
    return found[0]


# The places a check starts from: the top, far below it, and behind calls that enter
# Python from C (which Python 3.10 and 3.11 count apart from frames).
PLACES: dict[str, Callable[[Callable[[], Any]], Any]] = {
    "here": lambda work: work(),
    "300 levels down": lambda work: _deeper(300, work),
    "600 levels down": lambda work: _deeper(600, work),
    "a thread": _in_a_thread,
    "__init__": lambda work: _InInit(work).found,
    "a resumed generator": _resumed,
    "a sort key": _by_key,
}


def test_the_room_is_the_same_wherever_the_work_starts() -> None:
    before = sys.getrecursionlimit()
    rooms = {place: start(_room) for place, start in PLACES.items()}
    assert len(set(rooms.values())) == 1, rooms
    # ROOM's levels, give or take the frames of the measure and of in_room itself.
    assert abs(rooms["here"] - ROOM) <= 5
    assert sys.getrecursionlimit() == before


@pytest.mark.parametrize("raised", [ValueError, RecursionError, KeyboardInterrupt])
def test_the_limit_is_put_back_whatever_the_work_raises(raised: type[BaseException]) -> None:
    before = sys.getrecursionlimit()

    def work() -> None:
        assert sys.getrecursionlimit() != before
        raise raised

    with pytest.raises(raised):
        in_room(work)
    assert sys.getrecursionlimit() == before


def test_a_user_schema_s_errors_leave_the_caller_s_limit_alone(tmp_path: Path) -> None:
    # Sought one at a time, they are sought in the room, and the caller's own work,
    # between two, runs under its own limit; two at once, closed in either order, leave
    # it as it was.
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps({"$defs": {"n": {"type": "string"}}, "items": {"$ref": "#/$defs/n"}})
    )
    checker = checker_for(str(schema))
    before = sys.getrecursionlimit()
    mine = before + 5_000
    sys.setrecursionlimit(mine)
    try:
        first, second = checker.errors([1, 2, 3]), checker.errors([4, 5])
        seen = []
        for error in first:
            assert sys.getrecursionlimit() == mine
            seen.append(error.instance)
            next(second, None)
            assert sys.getrecursionlimit() == mine
        del first, second  # closed as they go
        assert seen == [1, 2, 3]
        assert sys.getrecursionlimit() == mine
    finally:
        sys.setrecursionlimit(before)


def test_checks_in_threads_give_the_caller_its_limit_back(tmp_path: Path) -> None:
    # Each put back what it found, and two that overlapped put back each other's room.
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "array", "items": {"$ref": "#"}}))
    value: Any = 1
    for _ in range(150):
        value = [value]
    checkers = [checker_for(str(schema)) for _ in range(4)]
    before, switching = sys.getrecursionlimit(), sys.getswitchinterval()
    mine = before + 4_000
    sys.setrecursionlimit(mine)
    sys.setswitchinterval(1e-6)
    try:
        threads = [
            threading.Thread(target=lambda c=checker: [list(c.errors(value)) for _ in range(15)])
            for checker in checkers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sys.getrecursionlimit() == mine
    finally:
        sys.setrecursionlimit(before)
        sys.setswitchinterval(switching)


def test_a_stream_of_errors_dropped_deep_down_closes_in_its_room(tmp_path: Path) -> None:
    # Left at its first error, as deep as the value, and dropped 800 levels down: its
    # generators were closed there, past the limit (Python 3.13 printed "Exception
    # ignored ... RecursionError" for each), and the memo of references stayed open.
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "array", "items": {"$ref": "#"}}))
    checker = checker_for(str(schema))
    value: Any = 1
    for _ in range(200):
        value = [value]
    ignored: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, ignored.append

    def drop_after_one() -> None:
        errors = checker.errors(value)
        next(errors)
        del errors

    try:
        _deeper(800, drop_after_one)
    finally:
        sys.unraisablehook = hook
    assert ignored == []
    assert checker.memo is not None and checker.memo._open == 0


def test_without_it_the_room_depends_on_the_start() -> None:
    # What the first test guards against: the measure sees a difference.
    assert _levels() - _deeper(300, _levels) >= 300


def _chain(pairs: int) -> dict[str, Any]:
    """A schema each of whose ``pairs`` definitions is not-not the next: valid for any
    value, and as deep to evaluate as there are pairs."""
    defs: dict[str, Any] = {
        f"d{i}": {"not": {"not": {"$ref": f"#/$defs/d{i + 1}"}}} for i in range(pairs)
    }
    defs[f"d{pairs}"] = {}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/$defs/d0",
        "$defs": defs,
    }


def _schema_verdict(tmp_path: Path, pairs: int) -> Callable[[], str]:
    """What TV003 says of an empty versions list with the chain, as a callable."""
    path = tmp_path / f"chain-{pairs}.json"
    path.write_text(json.dumps(_chain(pairs)))
    data = tmp_path / f"data-{pairs}" / "training_versions.json"
    data.parent.mkdir(exist_ok=True)
    data.write_text('{"versions": []}')

    def verdict() -> str:
        linter = Linter([SchemaRule(checker_for(str(path)))], ["TV003"])
        problems = linter.check_file(str(data)).problems or ()
        return "; ".join(problem.message for problem in problems) or "clean"

    return verdict


def _threshold(works: Callable[[int], bool], low: int, high: int) -> int:
    """The least n in (low, high] where ``works`` is False, ``works(low)`` being True."""
    assert works(low)
    assert not works(high)
    while high - low > 1:
        middle = (low + high) // 2
        if works(middle):
            low = middle
        else:
            high = middle
    return high


@pytest.fixture(scope="module")
def too_deep_from(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The least chain of not-not pairs that TV003 finds too deep from here."""
    tmp_path = tmp_path_factory.mktemp("threshold")
    return _threshold(lambda pairs: _schema_verdict(tmp_path, pairs)() == "clean", 10, 400)


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_user_schema_s_verdict_at_the_limit_is_the_same_from_every_start(
    tmp_path: Path, too_deep_from: int, place: str
) -> None:
    verdicts = {}
    for pairs in (too_deep_from - 1, too_deep_from):
        verdicts[pairs] = PLACES[place](_schema_verdict(tmp_path, pairs))
    assert verdicts[too_deep_from - 1] == "clean"
    assert "too deep" in verdicts[too_deep_from]


def _nested_not(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    for _ in range(levels):
        schema = {"not": schema}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _schema_loads(tmp_path: Path, levels: int) -> Callable[[], bool]:
    path = tmp_path / f"nested-{levels}.json"
    path.write_text(json.dumps(_nested_not(levels)))

    def loads() -> bool:
        try:
            checker_for(str(path))
        except SchemaLoadError:
            return False
        return True

    return loads


def _config_loads(tmp_path: Path, levels: int) -> Callable[[], bool]:
    where = tmp_path / f"config-{levels}"
    where.mkdir(exist_ok=True)
    nested = "[" * levels + "]" * levels
    (where / "tvlint.toml").write_text(f'exclude = ["x"]\n[rules.schema]\nx = {nested}\n')

    def loads() -> bool:
        try:
            load_settings(str(where))
        except ConfigError as exc:
            return "nested too deeply" not in str(exc)
        return True

    return loads


# What tvlint reads, by the nesting it is given: each says whether it could be read,
# and a nesting past which it cannot.
READS: dict[str, tuple[Callable[[Path, int], Callable[[], bool]], int]] = {
    "schema": (_schema_loads, 600),
    "configuration": (_config_loads, 2_000),
}


@pytest.fixture(scope="module")
def unreadable_from(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """The least nesting of each that cannot be read from here."""
    found = {}
    for what, (reads, past) in READS.items():
        where = tmp_path_factory.mktemp(what)
        found[what] = _threshold(partial(_read_from, reads, where), 1, past)
    return found


def _read_from(reads: Callable[[Path, int], Callable[[], bool]], where: Path, levels: int) -> bool:
    return reads(where, levels)()


@pytest.mark.parametrize("what", sorted(READS))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_file_too_deep_to_read_is_so_from_every_start(
    tmp_path: Path, unreadable_from: dict[str, int], what: str, place: str
) -> None:
    reads, _ = READS[what]
    first = unreadable_from[what]
    assert PLACES[place](reads(tmp_path, first - 1))
    assert not PLACES[place](reads(tmp_path, first))


@pytest.mark.skipif(not can_fork(), reason="workers are forked on Linux only")
def test_the_workers_verdict_at_the_limit_is_the_command_s(
    tmp_path: Path, too_deep_from: int
) -> None:
    # The case that was found: at the limit, the files a worker checked were "too
    # deep" and the others clean.
    files = []
    for i in range(PARALLEL_FROM + 20):
        path = tmp_path / f"a{i}" / "training_versions.json"
        path.parent.mkdir()
        path.write_text('{"versions": []}')
        files.append(path)
    for pairs in (too_deep_from - 1, too_deep_from):
        schema = tmp_path / f"chain-{pairs}.json"
        schema.write_text(json.dumps(_chain(pairs)))
        one, two = (
            run_process("--schema", schema, "--jobs", jobs, "--format", "json", *files)
            for jobs in ("1", "2")
        )
        assert (one.code, one.json()) == (two.code, two.json())
        assert one.code == (1 if pairs == too_deep_from else 0), one.out[:300]
