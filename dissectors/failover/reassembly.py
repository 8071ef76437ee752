"""TCP sequence handling for one direction of a connection: segments in, in-order byte pieces out.

Overlap policy: bytes already passed on always win, so a retransmission or an overlapping segment
only contributes bytes beyond what was assembled ("first copy wins", as ISC's own receiver and
Wireshark's reassembly keep the first copy). Among held out-of-order segments, the one starting at
the lower sequence number is placed first; equal starts keep arrival order.

A segment beyond a hole is held (bounded by `max_out_of_order` segments and `max_buffered_bytes`);
when a bound is exceeded, or on `flush()`, the hole is given up on and reported as a `Hole` piece.
Sequence numbers are 32-bit and wrap; positions are kept as unbounded ints near the last one seen.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

SEQ_MOD = 1 << 32
HALF = 1 << 31


@dataclass(slots=True)      # not frozen: one per segment, and a frozen __init__ costs three times as much
class Data:
    """In-order stream bytes and the frame that carried them."""

    data: bytes
    frame: int
    ts: float


@dataclass(frozen=True, slots=True)
class Hole:
    """`size` bytes of the stream that never arrived; detected while handling `frame`."""

    size: int
    frame: int
    ts: float


@dataclass(order=True, slots=True)
class _Held:
    seq: int
    arrival: int
    data: bytes = field(compare=False)
    frame: int = field(compare=False)
    ts: float = field(compare=False)


class SegmentQueue:
    """One direction's sequence space. `next` is None until a SYN or the first data segment anchors it."""

    def __init__(self, max_out_of_order: int, max_buffered_bytes: int) -> None:
        self.max_out_of_order = max_out_of_order
        self.max_buffered_bytes = max_buffered_bytes
        self.next: int | None = None
        self.held: list[_Held] = []
        self.held_bytes = 0
        self._arrivals = 0

    def anchor(self, seq: int) -> None:
        """Start the byte stream at `seq` (ISN + 1 after a SYN)."""
        self.next = seq % SEQ_MOD

    def position(self, seq: int) -> int:
        """The unbounded stream position of a 32-bit sequence number (nearest to `next`)."""
        delta = (seq - self.next) % SEQ_MOD
        return self.next + (delta - SEQ_MOD if delta >= HALF else delta)

    def push(self, seq: int, data: bytes, frame: int, ts: float) -> list[Data | Hole]:
        """Place one segment; returns whatever became contiguous (and holes given up on)."""
        if not data:
            return []
        if self.next is None:
            self.anchor(seq)          # mid-stream start: the first byte seen is where we begin
        start = self.position(seq)
        if start == self.next and not self.held:     # the common case: the next bytes, nothing pending
            self.next += len(data)
            return [Data(data, frame, ts)]
        if start + len(data) <= self.next:
            return []                 # a pure retransmission of bytes already assembled
        if self._covered(start, len(data)):
            return []                 # a retransmission of a segment still held beyond a hole
        self._arrivals += 1
        bisect.insort(self.held, _Held(start, self._arrivals, bytes(data), frame, ts))
        self.held_bytes += len(data)
        pieces = self._drain()
        while self.held and self._over_limits():
            pieces += self._skip_hole(frame, ts)
        return pieces

    def flush(self, frame: int, ts: float) -> list[Data | Hole]:
        """Give up on every hole: hand out all held bytes in order (end of capture, eviction)."""
        pieces: list[Data | Hole] = []
        while self.held:
            pieces += self._skip_hole(frame, ts)
        return pieces

    def _covered(self, start: int, size: int) -> bool:
        return any(h.seq <= start and start + size <= h.seq + len(h.data) for h in self.held)

    def _over_limits(self) -> bool:
        return len(self.held) > self.max_out_of_order or self.held_bytes > self.max_buffered_bytes

    def _skip_hole(self, frame: int, ts: float) -> list[Data | Hole]:
        gap = self.held[0].seq - self.next
        self.next = self.held[0].seq
        return [Hole(gap, frame, ts)] + self._drain()

    def _drain(self) -> list[Data | Hole]:
        pieces: list[Data | Hole] = []
        while self.held and self.held[0].seq <= self.next:
            seg = self.held.pop(0)
            self.held_bytes -= len(seg.data)
            fresh = seg.data[self.next - seg.seq:]
            if fresh:
                pieces.append(Data(fresh, seg.frame, seg.ts))
                self.next += len(fresh)
        return pieces
