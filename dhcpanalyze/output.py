"""Writing lines to stdout, where a failed write becomes OutputError: one line and its own exit code.

A full disk (`report FILE > /dev/full`), a quota or an I/O error on stdout is no finding and no
unreadable input: the command stops and says so in one line (cli.main). A reader that went away
(`| head`) is BrokenPipeError, which stays quiet and is not wrapped here.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TextIO


class OutputError(Exception):
    """stdout refused a write; the message is the operating system's reason."""


def write_lines(lines: Iterable[str], out: TextIO | None = None) -> None:
    """Each line plus a line end to `out` (stdout), then flush; OSError on writing -> OutputError.
    Only the writes are guarded: an error while making the lines is not the output's."""
    out = out or sys.stdout
    write = out.write
    for line in lines:
        _guarded(write, line + "\n")
    _guarded(out.flush)


def _guarded(call: Callable[..., object], *args: str) -> None:
    try:
        call(*args)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None


def discard_stdout() -> None:
    """Point stdout at /dev/null after an OutputError, so that Python's last flush of what is still
    buffered at exit does not fail a second time with an 'Exception ignored' message."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):   # not a real file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
