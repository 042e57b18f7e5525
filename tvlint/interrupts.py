"""A Ctrl-C that Python could not raise where it landed.

A KeyboardInterrupt raised in a finalizer (a generator closed as it is dropped, a file
closed) or in a callback of the import machinery cannot leave it: Python prints it as
"Exception ignored", and the run goes on. ``tvlint.cli`` notes it here instead, and the
run stops where it next asks (``stop_if_noted``): before each file is read
(``Linter.load``), and before doing the work of a worker that failed, which a worker
does when it gets the same Ctrl-C (done again here, a command it had started, and that
the Ctrl-C ended, would start anew and nothing would stop it).
"""

from __future__ import annotations

_noted: list[BaseException] = []


def note(interrupt: BaseException) -> None:
    _noted.append(interrupt)


def stop_if_noted() -> None:
    """KeyboardInterrupt if a Ctrl-C was noted."""
    if _noted:
        raise KeyboardInterrupt


def take() -> bool:
    """Whether a Ctrl-C was noted since the last ``take``; forgotten from here."""
    noted = bool(_noted)
    _noted.clear()
    return noted
