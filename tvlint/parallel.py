"""Checking many files in forked processes, reported in order.

The paths are cut into one contiguous share per process. This process checks the
first share itself while each forked worker checks another; a worker starts with this
process's imports and linters (rules, schemas, settings) and sends back, through a pipe,
each file's outcome as plain values (``marshal``: built in, so nothing to import).
``in_shares`` does the same for any work on a share: ``tvlint.runner`` also gives each
worker a share of the paths named, to find their files before checking them.
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
from tvlint.interrupts import stop_if_noted
from tvlint.result import Outcome

if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

    from tvlint.discover import Target
    from tvlint.result import Encoded

T = TypeVar("T")
R = TypeVar("R")


def check_files(
    check: Callable[[Target], Outcome], paths: Sequence[Target], jobs: int
) -> Iterator[Outcome]:
    """``check`` of each path, by ``jobs`` processes (this one too), in order."""

    def work(share: Sequence[Target]) -> list[Outcome]:
        return [check(target) for target in share]

    def decode(sent: object, share: Sequence[Target]) -> list[Outcome]:
        return decode_outcomes(sent, len(share))

    for outcomes in in_shares(work, paths, jobs, encode_outcomes, decode):
        yield from outcomes


def encode_outcomes(outcomes: Sequence[Outcome]) -> list[Encoded]:
    return [outcome.encode() for outcome in outcomes]


def decode_outcomes(sent: object, count: int | None = None) -> list[Outcome]:
    """The outcomes ``encode_outcomes`` made (``count`` of them, where known);
    ValueError if ``sent`` is not that."""
    if not isinstance(sent, list) or (count is not None and len(sent) != count):
        raise ValueError("outcomes missing")
    return [Outcome.decode(outcome) for outcome in sent]


def in_shares(
    work: Callable[[Sequence[T]], R],
    items: Sequence[T],
    jobs: int,
    encode: Callable[[R], object],
    decode: Callable[[object, Sequence[T]], R],
) -> Iterator[R]:
    """``work`` of each of ``jobs`` contiguous shares of ``items``, in order: the first
    in this process, each other in a forked worker, whose result crosses the pipe as
    ``encode`` makes it (plain values, for ``marshal``) and is made again by ``decode``
    (ValueError where it cannot be). Where a worker fails, this process does its work."""
    shares = _shares(items, jobs)
    # Ctrl-C reaches the whole process group; this process alone stops the run and says
    # so. Held while forking, so that no worker gets it before it ignores it; this
    # process gets one that came meanwhile as soon as the workers are up.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    workers: list[_Worker] = []
    try:
        for share in shares[1:]:
            workers.append(_Worker(_produce(work, share, encode)))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield work(shares[0])
        for worker, share in zip(workers, shares[1:], strict=True):
            try:
                sent = worker.result()
                if sent is None:
                    raise ValueError("no worker, or it failed")
                done = decode(sent, share)
            except (ValueError, EOFError, TypeError):
                stop_if_noted()  # it may have left at a Ctrl-C this process could not raise
                done = work(share)
            yield done
    finally:
        for worker in workers:  # only left running if the run was cut short
            worker.stop()


def _produce(
    work: Callable[[Sequence[T]], R], share: Sequence[T], encode: Callable[[R], object]
) -> Callable[[], object]:
    return lambda: encode(work(share))


def _shares(paths: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """``jobs`` contiguous runs of paths, as even as can be, none empty."""
    jobs = max(1, min(jobs, len(paths)))
    size, extra = divmod(len(paths), jobs)
    starts = [i * size + min(i, extra) for i in range(jobs)]
    return [paths[start : start + size + (i < extra)] for i, start in enumerate(starts)]


class _Worker:
    """A forked process making a result (``produce``) and writing it to a pipe.

    If no process can be started (a limit on processes or open files), there is no
    worker, and ``result`` is None.
    """

    def __init__(self, produce: Callable[[], object]) -> None:
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
            _work(produce, read_end, write_end)
        os.close(write_end)
        self.read_end = read_end

    def result(self) -> object | None:
        """What the worker made, once it has exited; None if there was no worker, or it
        failed (EOFError or ValueError from ``marshal`` where its output was cut)."""
        sent = self._receive()
        return None if sent is None else marshal.loads(sent)

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


def _leave(signum: int, frame: FrameType | None) -> None:
    os._exit(1)


def _work(produce: Callable[[], object], read_end: int, write_end: int) -> NoReturn:
    """The worker's whole life; it leaves with os._exit, never through the caller."""
    status = 1
    try:
        os.close(read_end)
        # Ctrl-C is this process's parent's to report: the worker leaves at once, and
        # starts nothing more (the parent, which gets it too, stops the run; sent to
        # the worker alone, the parent does its work). Not ignored: the commands a
        # worker starts (git ls-files) would inherit that, and run on once it is gone.
        signal.signal(signal.SIGINT, _leave)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        sent = marshal.dumps(produce())  # type: ignore[arg-type]  # plain values, or it raises
        with open(write_end, "wb") as pipe:
            pipe.write(sent)
        status = 0
    finally:
        # No atexit handlers, no flushing of buffers copied from this process.
        os._exit(status)
