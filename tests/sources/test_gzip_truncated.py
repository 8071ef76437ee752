"""A gzip capture cut short (a download or a copy that stopped) keeps every record before the cut.

What `zcat` recovers from the cut file is the reference: every complete pcap record in it must be
read, then one "truncated" issue; nothing may be lost to decompression buffering.
"""
from __future__ import annotations

import gzip
import struct
import zlib

import pytest

from dhcpanalyze.sources.capture import CaptureFile
from tests.conftest import ROOT
from tests.pipeline.test_frames_read import _records_in


def _zcat(blob: bytes) -> bytes:
    """What zcat writes for a (possibly cut) gzip file: everything the deflate stream yields."""
    return zlib.decompressobj(wbits=31).decompress(blob)


def _read(tmp_path, blob: bytes) -> tuple[int, list[str]]:
    path = tmp_path / "cut.pcap.gz"
    path.write_bytes(blob)
    cap = CaptureFile(str(path))
    return sum(1 for _ in cap), cap.issues


def _many_packets(count: int) -> bytes:
    """A pcap of `count` 300-byte frames with distinct bytes (so gzip cannot fold them away)."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for n in range(count):
        frame = n.to_bytes(4, "big") * 75
        out += struct.pack("<IIII", 1_700_000_000 + n, 0, len(frame), len(frame)) + frame
    return bytes(out)


@pytest.mark.parametrize("pcap, keep", [
    ((ROOT / "samples" / "seed.pcap").read_bytes(), 0.9),
    (_many_packets(20_000), 0.99),
], ids=["seed-sample-cut-at-90%", "20000-packets-cut-at-99%"])
def test_cut_gzip_keeps_every_record_zcat_recovers(tmp_path, pcap: bytes, keep: float) -> None:
    packed = gzip.compress(pcap)
    cut = packed[:int(len(packed) * keep)]
    expected = _records_in(_zcat(cut))
    assert 0 < expected < _records_in(pcap)
    count, issues = _read(tmp_path, cut)
    assert count == expected
    assert any("gzip" in issue and "cut short" in issue for issue in issues), issues
