"""`FailoverStreams`: TCP segments of failover connections in, decoded messages and connection events out.

Sans-I/O: the caller hands over each TCP segment (addresses, ports, seq, flags, payload) in capture
order and gets back `StreamItem`s, all belonging to the direction of the segment just fed. Each
direction of a connection is a byte stream (reassembly.SegmentQueue: retransmissions, overlaps,
out-of-order, holes) cut into messages by their 2-byte length (framing.MessageCutter: resync after a
gap or a mid-stream start). A SYN with a new ISN on known ports starts a new stream (ISC reconnects on
the same ports every 5 s after a failure). Memory is bounded by `StreamLimits`.
"""
from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from dissectors.failover.framing import EraState, MessageCutter, StreamItem, expanded
from dissectors.failover.reassembly import SEQ_MOD, Data, SegmentQueue

FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10

Endpoints = tuple[str, int, str, int]          # (src, sport, dst, dport) of one direction

__all__ = ["FailoverStreams", "StreamItem", "StreamLimits", "Endpoints"]


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """Bounds on what the reassembler keeps.

    max_buffered_bytes: per direction, bytes held beyond a hole waiting for it to be filled; past
        this the hole is declared lost and reported as a gap.
    max_out_of_order:   per direction, segments held beyond a hole (same consequence).
    max_connections:    connections tracked at once; the least recently seen one is flushed and
        dropped (its leftovers are reported by `take_evicted()` / `finish()`).
    close_delay_s:      a connection closed both ways (a FIN each way, or an RST) with nothing left
        to report is forgotten this long (capture time) after it closed, as Zeek's tcp_close_delay:
        ISC retries a partner that is down every 5 s, each try a new connection, and ended ones
        must not pile up to max_connections on a long capture.
    """

    max_buffered_bytes: int = 256 * 1024
    max_out_of_order: int = 64
    max_connections: int = 4096
    close_delay_s: float = 5.0


class _Direction:
    """One direction's sequence space and message cutter."""

    def __init__(self, era: EraState, limits: StreamLimits, isn: int | None) -> None:
        self.queue = SegmentQueue(limits.max_out_of_order, limits.max_buffered_bytes)
        self.cutter = MessageCutter(era, in_step=isn is not None)
        self.isn = isn
        self.closed = False
        if isn is not None:
            self.queue.anchor(isn + 1)          # the SYN itself takes one sequence number

    def push(self, seq: int, payload: bytes, frame: int, ts: float) -> list[StreamItem]:
        queue = self.queue
        if queue.next is not None and not queue.held and seq == queue.next % SEQ_MOD:
            # the common case, as SegmentQueue.push would find it: the next bytes, nothing held
            queue.next += len(payload)
            return self.cutter.add(payload, frame, ts)
        return self._place(queue.push(seq, payload, frame, ts), frame, ts)

    def finish(self, frame: int, ts: float) -> list[StreamItem]:
        return self._place(self.queue.flush(frame, ts), frame, ts) + self.cutter.finish(frame, ts)

    def is_new_data(self, seq: int, size: int) -> bool:
        """After FIN/RST, is this segment beyond what the old stream had (ports reused, SYN unseen)?"""
        if self.queue.next is None:
            return False
        start = self.queue.position(seq)
        return start != self.queue.next and start + size > self.queue.next

    def _place(self, pieces, frame: int, ts: float) -> list[StreamItem]:
        items: list[StreamItem] = []
        for piece in pieces:
            if isinstance(piece, Data):
                items += self.cutter.add(piece.data, piece.frame, piece.ts, frame, ts)
            else:
                items += self.cutter.hole(piece.size, frame, ts)
        return items


class _Connection:
    __slots__ = ("era", "dirs", "closed_at")

    def __init__(self) -> None:
        self.era = EraState()
        self.dirs: dict[Endpoints, _Direction] = {}
        self.closed_at: float | None = None     # capture time it closed both ways (None: open)

    def is_spent(self) -> bool:
        """Nothing held or half-cut: flushing it would report nothing."""
        return not any(d.queue.held or d.cutter.pending or d.cutter.skipped or d.cutter.missing
                       for d in self.dirs.values())


class FailoverStreams:
    """All failover TCP connections of one capture."""

    def __init__(self, limits: StreamLimits | None = None) -> None:
        self.limits = limits or StreamLimits()
        self._conns: OrderedDict[tuple, _Connection] = OrderedDict()
        self._evicted: list[tuple[Endpoints, StreamItem]] = []
        self._closed: deque[tuple[float, tuple, _Connection]] = deque()   # in closing order
        self._last = (0, 0.0)
        self.evictions = 0

    def feed(self, frame: int, ts: float, src: str, sport: int, dst: str, dport: int,
             seq: int, flags: int, payload: bytes, batched: bool = False) -> list[StreamItem]:
        """One TCP segment; returns the items it produced, in stream order, all of direction src->dst.
        With `batched`, a segment's whole messages may come as one 'messages' item (StreamItem)."""
        items = self._feed(frame, ts, src, sport, dst, dport, seq, flags, payload)
        return items if batched else expanded(items)

    def _feed(self, frame: int, ts: float, src: str, sport: int, dst: str, dport: int,
              seq: int, flags: int, payload: bytes) -> list[StreamItem]:
        self._last = (frame, ts)
        key = (src, sport, dst, dport)
        conn = self._connection(key, frame, ts)
        if payload and not flags & (SYN | FIN | RST):     # the common case: data on a known stream
            direction = conn.dirs.get(key)
            if direction is not None and not direction.closed:
                return direction.push(seq, payload, frame, ts)
        items: list[StreamItem] = []
        if flags & SYN:
            items += self._syn(conn, key, seq, flags, frame, ts)
            seq += 1
        if payload:
            items += self._data(conn, key, seq, payload, frame, ts)
        for flag, kind in ((RST, "rst"), (FIN, "fin")):
            if flags & flag:
                items.append(StreamItem(frame, ts, kind))
                if key in conn.dirs:
                    conn.dirs[key].closed = True
        if flags & (RST | FIN) and conn.closed_at is None:
            self._note_closed(conn, key, flags, ts)
        return items

    def buffered_bytes(self) -> int:
        """Bytes currently kept across all streams (held out-of-order segments + partial messages)."""
        return sum(d.queue.held_bytes + d.cutter.pending for c in self._conns.values() for d in c.dirs.values())

    def take_evicted(self) -> list[tuple[Endpoints, StreamItem]]:
        """Items flushed from connections dropped by the `max_connections` bound, since the last call."""
        evicted, self._evicted = self._evicted, []
        return evicted

    def finish(self) -> list[tuple[Endpoints, StreamItem]]:
        """End of capture: flush every stream (held segments, partial messages) and forget them."""
        frame, ts = self._last
        out = self.take_evicted()
        for conn in self._conns.values():
            out += self._flush(conn, frame, ts)
        self._conns.clear()
        return out

    def _connection(self, key: Endpoints, frame: int, ts: float) -> _Connection:
        src, sport, dst, dport = key
        ckey = key if (src, sport) < (dst, dport) else (dst, dport, src, sport)   # one key per connection
        conn = self._conns.get(ckey)
        if conn is None:
            self._forget_closed(ts)
            if len(self._conns) >= self.limits.max_connections:
                _, oldest = self._conns.popitem(last=False)
                self._evicted += self._flush(oldest, frame, ts)
                self.evictions += 1
            conn = self._conns[ckey] = _Connection()
        self._conns.move_to_end(ckey)
        return conn

    def _note_closed(self, conn: _Connection, key: Endpoints, flags: int, ts: float) -> None:
        """An RST ends the connection; FINs do once each direction has sent one."""
        if flags & RST or len(conn.dirs) == 2 and all(d.closed for d in conn.dirs.values()):
            src, sport, dst, dport = key
            ckey = key if (src, sport) < (dst, dport) else (dst, dport, src, sport)
            conn.closed_at = ts
            self._closed.append((ts, ckey, conn))

    def _forget_closed(self, ts: float) -> None:
        """Drop the connections closed more than close_delay_s ago (checked when a new one starts)."""
        closed = self._closed
        while closed and ts - closed[0][0] >= self.limits.close_delay_s:
            at, ckey, conn = closed.popleft()
            if self._conns.get(ckey) is conn and conn.closed_at == at and conn.is_spent():
                del self._conns[ckey]

    @staticmethod
    def _flush(conn: _Connection, frame: int, ts: float) -> list[tuple[Endpoints, StreamItem]]:
        return [(key, item) for key, d in conn.dirs.items() for item in expanded(d.finish(frame, ts))]

    def _syn(self, conn: _Connection, key: Endpoints, seq: int, flags: int,
             frame: int, ts: float) -> list[StreamItem]:
        kind = "synack" if flags & ACK else "syn"
        old = conn.dirs.get(key)
        if old is not None and old.isn == seq:
            return [StreamItem(frame, ts, kind, None, "retransmission")]
        items = old.finish(frame, ts) if old is not None else []
        if kind == "syn":
            conn.era = EraState()            # a new connection: its era is learnt afresh
            conn.closed_at = None
        conn.dirs[key] = _Direction(conn.era, self.limits, seq)
        detail = "ports reused by a new connection" if old is not None else ""
        return items + [StreamItem(frame, ts, kind, None, detail)]

    def _data(self, conn: _Connection, key: Endpoints, seq: int, payload: bytes,
              frame: int, ts: float) -> list[StreamItem]:
        items: list[StreamItem] = []
        direction = conn.dirs.get(key)
        if direction is not None and direction.closed and direction.is_new_data(seq, len(payload)):
            items += direction.finish(frame, ts)     # same ports, new connection whose SYN we missed
            direction = None
            conn.closed_at = None
        if direction is None:
            direction = conn.dirs[key] = _Direction(conn.era, self.limits, None)
        return items + direction.push(seq, payload, frame, ts)
