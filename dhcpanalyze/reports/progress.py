"""Progress for people waiting on a long capture: a self-overwriting stderr line, terminals only.

Nothing is written when stderr is not a terminal, so logs and pipes never see it. The wall clock
is used only to pace the updates, never for anything in the report.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO

from dhcpanalyze.reports.style import is_tty

INTERVAL_S = 0.5            # at most two updates a second


class Progress:
    """Counts records passing through `watch` and shows the count now and then."""

    def __init__(self, stream: TextIO, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = is_tty(stream) if enabled is None else enabled
        self.count = 0
        self._next = 0.0
        self._shown = False

    def watch(self, records: Iterable) -> Iterable:
        """`records`, counted on the way when enabled; untouched (no extra layer) otherwise."""
        return self._counted(records) if self.enabled else records

    def _counted(self, records: Iterable) -> Iterator:
        for record in records:
            self.count += 1
            if self.count % 256 == 0:
                self._tick(record)
            yield record

    def _tick(self, record: object) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + INTERVAL_S
        frame = getattr(record, "frame", "?")
        self.stream.write(f"\rreading: frame {frame}, {self.count} DHCP/failover records ")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        """Erase the progress line so the terminal is left clean."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
