"""Checking many files in forked processes, reported in order.

The paths are cut into one contiguous share per process. This process checks the
first share itself while each forked worker checks another; a worker starts with this
process's imports and linters (rules, schemas, settings) and sends back, through a pipe,
each file's outcome as plain values (``marshal``: built in, so nothing to import).
``multiprocessing`` would cost a run its import, and keep this process idle while its
workers ran.

A worker that fails in any way (killed, an exception, output cut short) costs only
time: this process then checks that worker's share itself.
"""

from __future__ import annotations

import marshal
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from tvlint import TYPE_CHECKING
from tvlint.result import Outcome

if TYPE_CHECKING:
    from typing import NoReturn

    from tvlint.discover import Target

T = TypeVar("T")


def check_files(
    check: Callable[[Target], Outcome], paths: Sequence[Target], jobs: int
) -> Iterator[Outcome]:
    """``check`` of each path, by ``jobs`` processes (this one too), in order."""
    shares = _shares(paths, jobs)
    # Ctrl-C reaches the whole process group; this process alone stops the run and says
    # so. Held while forking, so that no worker gets it before it ignores it; this
    # process gets one that came meanwhile as soon as the workers are up.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    workers: list[_Worker] = []
    try:
        for share in shares[1:]:
            workers.append(_Worker(check, share))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        for target in shares[0]:
            yield check(target)
        for worker in workers:
            yield from worker.outcomes(check)
    finally:
        for worker in workers:  # only left running if the run was cut short
            worker.stop()


def _shares(paths: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """``jobs`` contiguous runs of paths, as even as can be, none empty."""
    jobs = max(1, min(jobs, len(paths)))
    size, extra = divmod(len(paths), jobs)
    starts = [i * size + min(i, extra) for i in range(jobs)]
    return [paths[start : start + size + (i < extra)] for i, start in enumerate(starts)]


class _Worker:
    """A forked process checking ``paths`` and writing their outcomes to a pipe.

    If no process can be started (a limit on processes or open files), there is no
    worker, and ``outcomes`` checks the paths in this process.
    """

    def __init__(self, check: Callable[[Target], Outcome], paths: Sequence[Target]) -> None:
        self.paths = paths
        self.pid = 0
        self.read_end: int | None = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if self.pid == 0:  # the worker: never returns
            _work(check, paths, read_end, write_end)
        os.close(write_end)
        self.read_end = read_end

    def outcomes(self, check: Callable[[Target], Outcome]) -> Iterator[Outcome]:
        """The worker's outcomes; if it failed, this process checks its paths instead."""
        sent = self._receive()
        try:
            if sent is None:
                raise ValueError("no worker, or it failed")
            decoded = [Outcome.decode(outcome) for outcome in marshal.loads(sent)]
            if len(decoded) != len(self.paths):
                raise ValueError("outcomes missing")
        except (ValueError, EOFError, TypeError):
            decoded = [check(target) for target in self.paths]
        yield from decoded

    def _receive(self) -> bytes | None:
        """All the worker sent, once it has exited; None if there was none or it failed."""
        if self.read_end is None:
            return None
        with open(self.read_end, "rb") as pipe:
            self.read_end = None
            sent = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return sent if status == 0 else None

    def stop(self) -> None:
        if self.read_end is not None:
            os.close(self.read_end)
            self.read_end = None
        pid, self.pid = self.pid, 0
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass  # reaped already: Ctrl-C came just after _receive's waitpid


def _work(
    check: Callable[[Target], Outcome], paths: Sequence[Target], read_end: int, write_end: int
) -> NoReturn:
    """The worker's whole life; it leaves with os._exit, never through the caller."""
    status = 1
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        sent = marshal.dumps([check(target).encode() for target in paths])
        with open(write_end, "wb") as pipe:
            pipe.write(sent)
        status = 0
    finally:
        # No atexit handlers, no flushing of buffers copied from this process.
        os._exit(status)
