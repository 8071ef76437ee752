"""IPv4 header fields and fragment reassembly (RFC 791), bounded and sans-I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_DATAGRAMS = 64           # fragmented datagrams being reassembled at once; oldest dropped beyond
MAX_DATAGRAM_BYTES = 65535   # RFC 791 maximum
FRAGMENT_TIMEOUT = 30.0      # seconds (capture time) a partial datagram is kept; RFC 1122 suggests 60-120


@dataclass(slots=True)
class _Partial:
    first_ts: float
    pieces: dict[int, bytes] = field(default_factory=dict)   # fragment offset in bytes -> data
    total: int = -1                                          # known once the last fragment (MF=0) arrives
    header: bytes = b""                                      # IP header of the offset-0 fragment


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
        part.pieces.setdefault(offset, payload)      # first copy wins, as in most stacks
        if offset == 0:
            part.header = header
        if not frag_field & 0x2000:                   # MF clear: this is the last fragment
            part.total = offset + len(payload)
        return self._complete(key, part)

    def _complete(self, key: tuple, part: _Partial) -> bytes | None:
        if part.total < 0 or not part.header:
            return None
        data = bytearray()
        for offset in sorted(part.pieces):
            if offset > len(data):
                return None                            # a hole: wait for more fragments
            data[offset:offset + len(part.pieces[offset])] = part.pieces[offset]
        if len(data) < part.total:
            return None
        del self._partials[key]
        return part.header + bytes(data[:part.total])

    def _expire(self, now: float) -> None:
        while self._partials:
            key, part = next(iter(self._partials.items()))
            if now - part.first_ts <= FRAGMENT_TIMEOUT:
                return
            del self._partials[key]
            self.dropped += 1
