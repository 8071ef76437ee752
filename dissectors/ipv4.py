"""IPv4 header fields and fragment reassembly (RFC 791), bounded and sans-I/O."""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

MAX_DATAGRAMS = 64           # fragmented datagrams being reassembled at once; oldest dropped beyond
MAX_DATAGRAM_BYTES = 65535   # RFC 791 maximum
MAX_HELD_BYTES = 2 * MAX_DATAGRAM_BYTES   # fragment bytes held per datagram (overlaps included)
FRAGMENT_TIMEOUT = 30.0      # seconds (capture time) a partial datagram is kept; RFC 1122 suggests 60-120


@dataclass(slots=True)
class _Partial:
    first_ts: float
    pieces: dict[int, bytes] = field(default_factory=dict)   # fragment offset in bytes -> data
    total: int = -1                                          # known once the last fragment (MF=0) arrives
    header: bytes = b""                                      # IP header of the offset-0 fragment
    covered: int = 0             # bytes 0..covered are all received (a contiguous prefix)
    waiting: list[tuple[int, int]] = field(default_factory=list)   # heap of (offset, end) beyond it
    held: int = 0                # payload bytes held in `pieces`


    def note_received(self, offset: int, end: int) -> None:
        """Extend the contiguous prefix: each fragment enters and leaves the heap once, so a
        datagram's fragments cost O(n log n) in any order (not a sort of all of them per fragment)."""
        heapq.heappush(self.waiting, (offset, end))
        while self.waiting and self.waiting[0][0] <= self.covered:
            self.covered = max(self.covered, heapq.heappop(self.waiting)[1])

    def assemble(self) -> bytes:
        """The payload from the pieces, in offset order (a later offset overwrites an overlap)."""
        data = bytearray()
        for offset in sorted(self.pieces):
            data[offset:offset + len(self.pieces[offset])] = self.pieces[offset]
        return bytes(data[:self.total])


class Defragmenter:
    """Collects fragments keyed by (src, dst, id, protocol); returns the whole datagram when complete."""

    def __init__(self) -> None:
        self._partials: dict[tuple, _Partial] = {}
        self.dropped = 0   # datagrams given up on (timeout, table full, impossible layout)

    def add(self, ts: float, header: bytes, payload: bytes, frag_field: int) -> bytes | None:
        """Feed one fragment; returns header+payload of the reassembled datagram or None."""
        key = (header[12:20], header[4:6], header[9])
        self._expire(ts)
        part = self._partials.get(key)
        if part is None:
            if len(self._partials) >= MAX_DATAGRAMS:
                self._partials.pop(next(iter(self._partials)))
                self.dropped += 1
            part = self._partials[key] = _Partial(ts)
        offset = (frag_field & 0x1FFF) * 8
        if offset + len(payload) > MAX_DATAGRAM_BYTES:
            del self._partials[key]
            self.dropped += 1
            return None
        if offset not in part.pieces:                 # first copy wins, as in most stacks
            part.held += len(payload)
            if part.held > MAX_HELD_BYTES:            # overlapping copies beyond any real datagram
                del self._partials[key]
                self.dropped += 1
                return None
            part.pieces[offset] = payload
            part.note_received(offset, offset + len(payload))
        if offset == 0:
            part.header = header
        if not frag_field & 0x2000:                   # MF clear: this is the last fragment
            part.total = offset + len(payload)
        if part.total < 0 or not part.header or part.covered < part.total:
            return None
        del self._partials[key]
        return part.header + part.assemble()

    def _expire(self, now: float) -> None:
        while self._partials:
            key, part = next(iter(self._partials.items()))
            if now - part.first_ts <= FRAGMENT_TIMEOUT:
                return
            del self._partials[key]
            self.dropped += 1
