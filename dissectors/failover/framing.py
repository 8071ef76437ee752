"""Cutting one direction's in-order bytes into failover messages, and resynchronising after a gap.

The only delimiter on the wire is the 2-byte length (failover-wire.md §1.4), so one lost byte shifts
every later boundary. Once in step, lengths are trusted as ISC trusts them; a length outside 12..2048
(ISC drops the connection on it) or a hole in the stream puts the cutter out of step. Out of step, it
looks for the next plausible header - length 12..2048, known type, payload offset 12..length - whose
options parse exactly to the length without any issue, and reports what it skipped as a 'gap' item.
Garbage is never decoded as a message.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from dissectors.failover.decode import HEADER, decode_candidate, decode_failover, decode_general, decode_laid, \
    decode_shaped, is_plausible_header
from dissectors.failover.message import FailoverMessage
from dissectors.failover.tables import HEADER_SIZE, MAX_LENGTH, MIN_LENGTH

# First bytes a header can have: length high byte 0..8 (<= 2048), any low byte, type 1..12, poffset >= 12.
_HEADER_START = re.compile(rb"[\x00-\x08].[\x01-\x0c][\x0c-\xff]", re.S)
MID_STREAM = "no SYN seen (capture started mid-stream)"


@dataclass(slots=True)      # not frozen: one per message, and a frozen __init__ costs four times as much
class StreamItem:
    """What a stream yields: kind 'message' (with `message`), 'syn', 'synack', 'fin', 'rst' or 'gap'.

    `frame`/`ts` of a message are those of the frame that carried its last byte; for a gap, the frame
    being handled when the gap was noticed. `detail` says what happened (bytes skipped, why).
    Internally the usual segment's whole messages travel as one item of kind 'messages' (with
    `messages`, all of that frame): FailoverStreams hands those out only to a caller that asks
    (feed(batched=True)), and as 'message' items to everyone else.
    """

    frame: int
    ts: float
    kind: str
    message: FailoverMessage | None = None
    detail: str = ""
    messages: list[FailoverMessage] | None = None


def expanded(items: list[StreamItem]) -> list[StreamItem]:
    """`items` with each 'messages' item as one 'message' item per message."""
    if not any(item.kind == "messages" for item in items):
        return items
    out: list[StreamItem] = []
    for item in items:
        if item.kind == "messages":
            out += [StreamItem(item.frame, item.ts, "message", msg) for msg in item.messages]
        else:
            out.append(item)
    return out


class EraState:
    """Shared by both directions of a connection: once a 3.0.x CONNECT/CONNECTACK is seen, the whole
    connection uses the legacy numbering (only those two messages carry the vendor class)."""

    __slots__ = ("legacy",)

    def __init__(self) -> None:
        self.legacy = False

    def decode(self, chunk: bytes) -> FailoverMessage:
        return decode_failover(chunk, True if self.legacy else None)

    def decode_candidate(self, chunk: bytes) -> FailoverMessage:
        return decode_candidate(chunk, True if self.legacy else None)


class MessageCutter:
    """Message boundaries of one direction. `in_step` is False for a stream picked up mid-way."""

    def __init__(self, era: EraState, in_step: bool) -> None:
        self.era = era
        self.buf = bytearray()
        self.pos = 0                 # next unconsumed byte in buf
        self.base = 0                # stream offset of buf[0]
        self.spans: deque[tuple[int, int, float]] = deque()   # (end offset, frame, ts) per piece
        self.in_step = in_step
        self.reason = "" if in_step else MID_STREAM
        self.skipped = 0             # bytes dropped while out of step, not yet reported
        self.missing = 0             # bytes the capture never had, not yet reported
        # Out of step, what earlier searches learnt (stream offsets): headers found whose message was
        # not complete yet, and where the search for new headers resumes. Each header is found and
        # decoded once, however many segments arrive while one waits, so resynchronising costs
        # about what cutting normal traffic does (re-checking every candidate per segment cost ~60x).
        self.candidates: list[int] = []
        self.searched = 0

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a message."""
        return len(self.buf) - self.pos

    def add(self, data: bytes, data_frame: int, data_ts: float, frame: int | None = None,
            ts: float | None = None) -> list[StreamItem]:
        """Append in-order bytes, carried by `data_frame`, and cut every message they complete;
        `frame`/`ts` are those of the frame being handled (the same unless the bytes were held)."""
        if frame is None:
            frame, ts = data_frame, data_ts
        if self.in_step and not self.buf:
            # The common case: in step, nothing pending, the segment starts on a boundary. Its
            # whole messages are cut from it directly; only a remainder goes into the buffer.
            messages, used = self._whole_messages(data)
            self.base += used
            items = [StreamItem(data_frame, data_ts, "messages", messages=messages)] if messages else []
            if used == len(data):
                return items
            return items + self._append(data[used:], data_frame, data_ts, frame, ts)
        return self._append(data, data_frame, data_ts, frame, ts)

    def _whole_messages(self, data: bytes) -> tuple[list[FailoverMessage], int]:
        """The messages lying whole in `data` from its start, and how many bytes they take;
        stops at a partial message or an implausible length (left to the buffered path)."""
        messages, pos, size, era = [], 0, len(data), self.era
        data = bytes(data)
        while size - pos >= HEADER_SIZE:
            length, mtype, poffset, time, xid = HEADER.unpack_from(data, pos)
            if not MIN_LENGTH <= length <= MAX_LENGTH or size - pos < length:
                break
            legacy = True if era.legacy else None
            msg = decode_laid(data, pos, length, mtype, poffset, time, xid, legacy)    # in place
            if msg is None:     # era.decode without its call layers: the shaped path, else the general one
                chunk = data[pos:pos + length]
                msg = decode_shaped(chunk, legacy) or decode_general(chunk, legacy)
                if msg.legacy:
                    era.legacy = True
            messages.append(msg)
            pos += length
        return messages, pos

    def _append(self, data: bytes, data_frame: int, data_ts: float, frame: int, ts: float) -> list[StreamItem]:
        self.buf += data
        self.spans.append((self.base + len(self.buf), data_frame, data_ts))
        return self._cut(frame, ts, final=False)

    def hole(self, size: int, frame: int, ts: float) -> list[StreamItem]:
        """`size` bytes will never come: whatever spans the hole is unusable."""
        items = self._cut(frame, ts, final=True)
        self._skip(self.pending)
        self._compact()
        self.base += size
        self.missing += size
        self._out_of_step(f"{size} bytes missing from the capture")
        return items

    def finish(self, frame: int, ts: float) -> list[StreamItem]:
        """End of the stream: cut what can be cut, report what is left over as a gap."""
        items = self._cut(frame, ts, final=True)
        undecoded = self.pending + self.skipped
        if undecoded or self.missing:
            what = "inside a message" if self.in_step and self.pending else "without a plausible message header"
            detail = f"stream ended {what}: {undecoded} bytes undecoded"
            if self.missing:
                detail += f", {self.missing} bytes missing from the capture"
            items.append(StreamItem(frame, ts, "gap", None, detail))
            self._skip(self.pending)
            self._compact()
            self.skipped = self.missing = 0
        return items

    def _cut(self, frame: int, ts: float, final: bool) -> list[StreamItem]:
        # The in-step branch below has a fast twin in _whole_messages: keep the two in step.
        items: list[StreamItem] = []
        while True:
            if not self.in_step:
                msg = self._find_header(final)
                if msg is None:
                    break
                items += self._take_gap(frame, ts)
                self.in_step = True
                items.append(self._emit(msg))
                continue
            if self.pending < 2:
                break
            length = int.from_bytes(self.buf[self.pos:self.pos + 2], "big")
            if not MIN_LENGTH <= length <= MAX_LENGTH:
                self._out_of_step(f"implausible message length {length} at stream offset {self.base + self.pos}")
                continue
            if self.pending < length:
                break
            items.append(self._emit(self.era.decode(bytes(self.buf[self.pos:self.pos + length]))))
        self._compact()
        return items

    def _find_header(self, final: bool) -> FailoverMessage | None:
        """The first verified message from pos on; the bytes before it are skipped.

        A candidate whose message is not complete yet cannot be verified. A complete, verified message
        later in the buffer wins over it: inside a real message's body no verified header was ever
        found in the lab streams, while option-length + timestamp bytes (`00 04 6b 0a ...`) look like a
        header every few dozen bytes. Without such a message, wait at the incomplete candidate
        (not final) or pass over it (final: nothing more will come).
        """
        waiting: list[int] = []
        found = self._verify_waiting(waiting, final)
        if found is None:
            found = self._search(waiting, final)
        if found is not None:
            at, msg = found
            self._skip(at - self.pos)
            self.candidates, self.searched = [], 0
            return msg
        self.candidates = waiting
        if waiting:
            self._skip(waiting[0] - self.base - self.pos)
        else:   # a header may begin in the last 3 bytes: keep them unless nothing more will come
            self._skip(self.pending if final else max(0, self.pending - 3))
        return None

    def _verify_waiting(self, waiting: list[int], final: bool) -> tuple[int, FailoverMessage] | None:
        """Check the candidates an earlier search left waiting (in order); those still incomplete
        go to `waiting` unless the stream is final."""
        for offset in self.candidates:
            at = offset - self.base
            found = self._check(at, waiting, final)
            if found is not None:
                return found
        return None

    def _search(self, waiting: list[int], final: bool) -> tuple[int, FailoverMessage] | None:
        """Look for headers in the bytes no search has seen yet."""
        i = max(self.pos, self.searched - self.base)
        while (match := _HEADER_START.search(self.buf, i)) is not None:
            at = match.start()
            i = at + 1
            if is_plausible_header(self.buf, at):
                found = self._check(at, waiting, final)
                if found is not None:
                    return found
        self.searched = self.base + max(i, len(self.buf) - 3)   # a match needs 4 bytes
        return None

    def _check(self, at: int, waiting: list[int], final: bool) -> tuple[int, FailoverMessage] | None:
        """The message at buf[at] if it is complete and decodes without an issue; an incomplete
        one is noted in `waiting` (not when final: nothing more will come)."""
        length = int.from_bytes(self.buf[at:at + 2], "big")
        if at + length > len(self.buf):
            if not final:
                waiting.append(self.base + at)
            return None
        msg = self.era.decode_candidate(bytes(self.buf[at:at + length]))
        return None if msg.issues else (at, msg)

    def _take_gap(self, frame: int, ts: float) -> list[StreamItem]:
        skipped, missing = self.skipped, self.missing
        self.skipped = self.missing = 0
        if not (skipped or missing):
            return []                # picked up exactly on a message boundary: nothing lost
        cause = f"{missing} bytes missing from the capture" if missing else self.reason
        return [StreamItem(frame, ts, "gap", None, f"{cause}; skipped {skipped} bytes to the next message header")]

    def _emit(self, msg: FailoverMessage) -> StreamItem:
        if msg.legacy:
            self.era.legacy = True
        self.pos += msg.length
        end = self.base + self.pos
        frame, ts = next((f, t) for span_end, f, t in self.spans if span_end >= end)
        return StreamItem(frame, ts, "message", msg)

    def _out_of_step(self, reason: str) -> None:
        self.in_step = False
        self.reason = reason
        self.candidates, self.searched = [], 0

    def _skip(self, count: int) -> None:
        self.pos += count
        self.skipped += count

    def _compact(self) -> None:
        if self.pos:
            del self.buf[:self.pos]
            self.base += self.pos
            self.pos = 0
        while self.spans and self.spans[0][0] <= self.base:
            self.spans.popleft()
