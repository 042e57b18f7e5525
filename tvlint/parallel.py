"""Checking many files in worker processes, in order.

The workers are forked from the running process, so they start with its imports and
its linter (rules, schema, settings) without pickling anything; each gets a chunk of
paths and sends back each file's outcome (its problems, or why it could not be read).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator, Sequence

from tvlint.lint import Checked, FileError, Linter

_linter: Linter | None = None  # set before the fork: every worker inherits it


def check_files(linter: Linter, paths: Sequence[str], jobs: int) -> Iterator[Checked | FileError]:
    """``linter.check_file`` of each path, by ``jobs`` worker processes, in path order."""
    global _linter
    _linter = linter
    # Chunks: enough for the workers to even out, big enough to spare round trips.
    size = min(256, max(16, len(paths) // (jobs * 8)))
    chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
    # Ctrl-C reaches the whole process group; the parent alone stops the run and says
    # so. Held while forking, so that no worker gets it before it ignores it; the
    # parent gets one that came meanwhile as soon as the workers are up.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_ignore_ctrl_c)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with pool:
        for outcomes in pool.imap(_check_chunk, chunks):
            yield from outcomes


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _check_chunk(paths: Sequence[str]) -> list[Checked | FileError]:
    assert _linter is not None
    return [_linter.check_file(path) for path in paths]
