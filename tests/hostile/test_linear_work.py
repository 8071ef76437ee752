"""Issue 14 item 8: IPv4 reassembly and failover resynchronisation do work linear in their input.

Wall time is not asserted here (BENCHMARKS.md has the timings). The work is counted instead: every
Python-level and C-level call made while feeding the input (sys.setprofile), which is deterministic.
Linear work grows about 4x for 4x the input; the quadratic versions grew 12-16x.
"""
from __future__ import annotations

import struct
import sys

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
