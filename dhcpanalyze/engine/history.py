"""A bounded history: the first and the latest entries of a long sequence, and a count of the rest.

A failover relationship's state timeline, link changes, HBAs and session summaries are read for
how the pair came up (the first entries) and how it is now (the latest ones). A pair that
reconnects all day adds entries without end, so a history keeps the first `keep` entries and the
latest `keep`, and counts the ones between (`omitted`): its memory reaches the bound early and
stays there however long the capture runs, and a short capture's history is complete.

Entries that carry a time (a tuple whose first item is the capture time, in order) can be looked
up by time (`at`): exactly at any time up to the first omitted entry and from the last omitted
one on; between those two times the entry in force is not known, and `at` says so with MISSING.
"""
from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator

MISSING = object()          # `at`: the time falls among the omitted entries


class History:
    """`head`: the first `keep` entries; `tail`: the latest `keep` after them; `omitted`: how
    many came between (dropped, counted); `gap`: the first and last omitted entries (None while
    nothing is omitted), the span where a lookup by time cannot answer."""

    __slots__ = ("head", "tail", "omitted", "gap")

    def __init__(self) -> None:
        self.head: list = []
        self.tail: deque | None = None          # made when the head is full
        self.omitted = 0
        self.gap: list | None = None            # [first omitted entry, last omitted entry]

    def append(self, entry, keep: int) -> None:
        """Add the newest entry; `keep` entries are kept at each end (at least one: the newest
        entry always is)."""
        if self.tail is None:
            if len(self.head) < keep:
                self.head.append(entry)
                return
            self.tail = deque(maxlen=max(keep, 1))
        if len(self.tail) == self.tail.maxlen:
            self._drop(self.tail[0])
        self.tail.append(entry)

    def _drop(self, entry) -> None:
        self.omitted += 1
        if self.gap is None:
            self.gap = [entry, entry]
        else:
            self.gap[1] = entry

    def __len__(self) -> int:
        return len(self.head) + (len(self.tail) if self.tail is not None else 0)

    def __bool__(self) -> bool:
        return bool(self.head)

    def __iter__(self) -> Iterator:
        yield from self.head
        if self.tail is not None:
            yield from self.tail

    def __getitem__(self, i: int):
        """-1: the newest entry; other indexes count through head then tail."""
        if i == -1 and self.tail:
            return self.tail[-1]
        return list(self)[i]

    @property
    def omitted_at(self) -> int | None:
        """Where the omitted entries belong among the kept ones (None: nothing omitted)."""
        return len(self.head) if self.omitted else None

    def at(self, ts: float):
        """The entry in force at `ts`: the latest with time <= ts (None before the first one;
        MISSING when ts falls between the first and the last omitted entry's times)."""
        tail, head = self.tail, self.head
        newest = tail[-1] if tail else head[-1] if head else None
        if newest is None or ts >= newest[0]:   # asked about now, mostly: no search
            return newest
        if tail and ts >= tail[0][0]:
            return tail[bisect.bisect_right(tail, ts, key=_time) - 1]
        if self.gap is not None and ts >= self.gap[0][0]:
            return self.gap[1] if ts >= self.gap[1][0] else MISSING
        i = bisect.bisect_right(head, ts, key=_time)
        return head[i - 1] if i else None


def _time(entry) -> float:
    return entry[0]
