"""Issue 14 item 8: IPv4 reassembly and failover resynchronisation do work linear in their input.

Wall time is not asserted here (BENCHMARKS.md has the timings). The work is counted instead: every
Python-level and C-level call made while feeding the input (sys.setprofile), which is deterministic.
Linear work grows about 4x for 4x the input; the quadratic versions grew 12-16x.
"""
from __future__ import annotations

import struct
import sys

from dissectors.failover.framing import EraState, MessageCutter
from dissectors.ipv4 import Defragmenter

GROWTH_LIMIT = 6.0          # 4x the input may cost at most 6x the calls


def count_calls(work) -> int:
    calls = 0

    def profile(frame, event, arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls


# --- IPv4 reassembly --------------------------------------------------------------------------

def _fragments(payload: bytes, size: int = 8) -> list[tuple[bytes, bytes, int]]:
    """(header, data, flags/offset field) per fragment of one UDP/67 datagram, the last one first."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0x1234, 0, 64, 17, 0, b"\x0a\0\0\1", b"\x0a\0\0\2")
    pieces = []
    for offset in range(0, len(payload), size):
        more = 0x2000 if offset + size < len(payload) else 0
        pieces.append((header, payload[offset:offset + size], more | offset // 8))
    return [pieces[-1]] + pieces[:-1]


def _reassemble(fragments) -> bytes | None:
    defrag, whole = Defragmenter(), None
    for header, data, field in fragments:
        whole = defrag.add(0.0, header, data, field) or whole
    return whole


def test_last_fragment_first_is_reassembled() -> None:
    payload = struct.pack("!HHHH", 68, 67, 8 + 8000, 0) + bytes(range(256)) * 31 + bytes(64)
    whole = _reassemble(_fragments(payload))
    assert whole is not None and whole[20:] == payload


def test_reassembly_work_is_linear_in_fragments() -> None:
    small, large = (_fragments(bytes(8 * n)) for n in (1000, 4000))
    growth = count_calls(lambda: _reassemble(large)) / count_calls(lambda: _reassemble(small))
    assert growth < GROWTH_LIMIT, growth


# --- failover resynchronisation ---------------------------------------------------------------

def _unsyncable(size: int) -> bytes:
    """Bytes full of plausible failover headers that never verify: every 16 bytes a complete
    16-byte "CONNECT" whose option runs past its end, and every 256 bytes a header claiming 2,047
    bytes (incomplete until 2 KiB later, then failing too). A scanner that waits at the long one
    and re-checks the short ones on each new segment does quadratic work."""
    short = b"\x00\x10\x05\x0c" + b"\x00" * 8 + b"\x00\x16\x00\x40"
    long_ = b"\x07\xff\x05\x0c" + b"\x00" * 8 + b"\x00\x16\x00\x40"
    block = long_ + short * 15
    return (block * (size // len(block) + 1))[:size]


def _resync(data: bytes, segment: int = 64) -> int:
    cutter, items = MessageCutter(EraState(), in_step=False), []
    for at in range(0, len(data), segment):
        items += cutter.add(data[at:at + segment], 1, 0.0)
    items += cutter.finish(2, 0.0)
    assert [i.kind for i in items if i.kind == "message"] == []
    assert cutter.pending == 0
    return len(cutter.buf)


def test_resync_work_is_linear_in_bytes() -> None:
    small, large = _unsyncable(16_384), _unsyncable(65_536)
    growth = count_calls(lambda: _resync(large)) / count_calls(lambda: _resync(small))
    assert growth < GROWTH_LIMIT, growth


def test_resync_buffer_stays_bounded() -> None:
    cutter, peak = MessageCutter(EraState(), in_step=False), 0
    data = _unsyncable(200_000)
    for at in range(0, len(data), 64):
        cutter.add(data[at:at + 64], 1, 0.0)
        peak = max(peak, len(cutter.buf))
    assert peak <= 2048 + 64


def _normal(size: int) -> bytes:
    """A stream of real-shaped BNDUPDs (address, status, chaddr, times), as a busy pair sends them."""
    options = (struct.pack("!HH4s", 2, 4, b"\xc0\xa8\x64\x3c") + struct.pack("!HHB", 3, 1, 2)
               + struct.pack("!HHB6s", 5, 7, 1, b"\x02\x00\x00\x00\x00\x0a")
               + b"".join(struct.pack("!HHI", code, 4, 1_795_860_000) for code in (6, 13, 18, 25)))
    message = struct.pack("!HBBII", 12 + len(options), 3, 12, 1_795_860_000, 7) + options
    return (message * (size // len(message) + 1))[:size // len(message) * len(message)]


def _cut(data: bytes, in_step: bool, segment: int = 64) -> None:
    cutter = MessageCutter(EraState(), in_step=in_step)
    for at in range(0, len(data), segment):
        cutter.add(data[at:at + segment], 1, 0.0)
    cutter.finish(2, 0.0)


def test_resync_costs_about_what_normal_traffic_costs_per_byte() -> None:
    size = 65_536
    hostile = count_calls(lambda: _cut(_unsyncable(size), in_step=False))
    normal = count_calls(lambda: _cut(_normal(size), in_step=True))
    # was ~90x before the fix; 2-5x since. Normal traffic's count falls as its decoding gets
    # cheaper: messages of a known layout cost one struct call (issue 15) and the ratio went from
    # 4.9 to 7.0 (216k/44k -> 224k/32k calls) with the resync path itself unchanged
    assert hostile / normal < 8, hostile / normal
    # and it stays linear: twice the bytes, twice the calls
    twice = count_calls(lambda: _cut(_unsyncable(2 * size), in_step=False))
    assert twice / hostile < 2.2, twice / hostile
