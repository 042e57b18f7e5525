"""The command's entry point: tvlint's modules load with Ctrl-C held.

A Ctrl-C that lands while modules are still loading would otherwise surface as a
KeyboardInterrupt from inside the import machinery: a traceback, or an "Exception
ignored" one from a callback there, with the run going on regardless. Held, it is
noted, and the run stops with the same message and status as an interrupted run.
"""

from __future__ import annotations

import signal

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType


def main(argv: Sequence[str] | None = None) -> int:
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        from tvlint.cli import interrupted
        from tvlint.cli import main as run
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        return interrupted()
    try:
        return run(argv)
    except KeyboardInterrupt:
        # A Ctrl-C in the run's last instant, its report written, that Python raises
        # only here: the same one line as anywhere else, not a traceback.
        return interrupted()
