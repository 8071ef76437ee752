"""A bounded reader over a bytes buffer: the only place that indexes raw wire bytes.

Every read is checked against the reader's end; a short read raises `Truncated`, which
decoders catch and turn into an `issue` on the message (malformed input is data).
"""
from __future__ import annotations

import struct

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")


class Truncated(Exception):
    """A read ran past the end of the bounded region."""


class Reader:
    """Sequential big-endian reads from buf[start:end]."""

    __slots__ = ("buf", "pos", "end")

    def __init__(self, buf: bytes, start: int = 0, end: int | None = None) -> None:
        self.buf = buf
        self.pos = start
        self.end = len(buf) if end is None else min(end, len(buf))

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def _need(self, n: int) -> int:
        if n < 0 or self.pos + n > self.end:
            raise Truncated(f"need {n} bytes at offset {self.pos}, {self.end - self.pos} left")
        start = self.pos
        self.pos += n
        return start

    def read_u8(self) -> int:
        return self.buf[self._need(1)]

    def read_u16(self) -> int:
        return _U16.unpack_from(self.buf, self._need(2))[0]

    def read_u32(self) -> int:
        return _U32.unpack_from(self.buf, self._need(4))[0]

    def read_bytes(self, n: int) -> bytes:
        start = self._need(n)
        return bytes(self.buf[start:start + n])

    def rest(self) -> bytes:
        """Everything left, without raising; the reader ends up empty."""
        data = bytes(self.buf[self.pos:self.end])
        self.pos = self.end
        return data

    def restrict_to(self, n: int) -> "Reader":
        """A sub-reader over the next n bytes (a TLV body); this reader skips past them."""
        start = self._need(n)
        return Reader(self.buf, start, start + n)
