"""dhcpanalyze: correlate DHCPv4 and ISC failover traffic into transactions, states and findings.

Ctrl-C ends the program with status 130 and no traceback, from the first line of dhcpanalyze that
runs. The console script starts with `from dhcpanalyze.cli import main`, which runs this file before
any other import of the program; a KeyboardInterrupt raised while the rest is still importing
(dataclasses, dpkt, the engine: most of the start-up) reaches the top level before cli.main can catch
it, so the hook that shows uncaught exceptions is set here, first. It changes only what an uncaught
KeyboardInterrupt (or an error caused by one) does; every other exception is shown as before.
"""
import sys as _sys

__version__ = "0.1.0"


def _interrupted(value: BaseException | None) -> bool:
    """A KeyboardInterrupt, or an error raised because of one: Python wraps an interrupt that lands
    in a class body's `__set_name__` (dataclasses while importing) in a RuntimeError."""
    for _ in range(8):
        if value is None:
            return False
        if isinstance(value, KeyboardInterrupt):
            return True
        value = value.__cause__ or value.__context__
    return False


def _exit_quietly_on_interrupt(kind, value, traceback, _shown=_sys.excepthook) -> None:
    if not _interrupted(value):
        _shown(kind, value, traceback)
        return
    import os
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(130)       # dhcpanalyze.exitcodes.Exit.INTERRUPTED (not imported: it may be half-loaded)


_sys.excepthook = _exit_quietly_on_interrupt
