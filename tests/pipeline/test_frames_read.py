"""The frame count survives a read error: frames the prefilter dropped are counted too, so the capture
summary and the next file's frame numbers stay right when a compressed capture is cut short."""
from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import pytest

from dhcpanalyze.decode import DecodeOptions, Decoder
from dhcpanalyze.forked import ForkedDecoder
from dhcpanalyze.model import CaptureIssue
from dhcpanalyze.sources.capture import CaptureFile
from tests.conftest import SAMPLES


def _noise_frame() -> bytes:
    """Ethernet/IPv4/UDP to port 53 with 300 random bytes: dropped by the reader's prefilter."""
    payload = os.urandom(300)
    udp = struct.pack("!HHHH", 40000, 53, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, b"\x0a\0\0\1", b"\x0a\0\0\2")
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp


def _records_in(pcap: bytes) -> int:
    """Complete packet records in a (possibly cut) little-endian pcap."""
    pos, count = 24, 0
    while pos + 16 <= len(pcap):
        caplen = struct.unpack_from("<I", pcap, pos + 8)[0]
        if pos + 16 + caplen > len(pcap):
            break
        pos, count = pos + 16 + caplen, count + 1
    return count


@pytest.fixture
def cut_gzip(tmp_path: Path) -> tuple[Path, int]:
    seed = (SAMPLES / "seed.pcap").read_bytes()
    first = seed[24:24 + 16 + struct.unpack_from("<I", seed, 24 + 8)[0]]     # one DHCP record
    noise = [_noise_frame() for _ in range(6000)]
    body = b"".join(struct.pack("<IIII", 1795860716, n, len(f), len(f)) + f for n, f in enumerate(noise))
    whole = gzip.compress(seed[:24] + first + body, compresslevel=1)
    cut = whole[:len(whole) * 3 // 5]
    path = tmp_path / "cut.pcap.gz"
    path.write_bytes(cut)
    # every record the reader gets before the gzip stream ends, counted with no prefilter: all of
    # them are yielded then, and they are every complete record zcat recovers
    readable = sum(1 for _ in CaptureFile(str(path)))
    assert 2000 < readable == _records_in(zlib.decompressobj(wbits=31).decompress(cut))
    return path, readable


@pytest.mark.parametrize("decoder", [Decoder, ForkedDecoder], ids=["one process", "two processes"])
def test_cut_gzip_counts_every_record_read(cut_gzip, decoder) -> None:
    path, expected = cut_gzip
    run = decoder(DecodeOptions())
    records = list(run.records([str(path)]))
    issues = [r for r in records if isinstance(r, CaptureIssue)]
    assert len(records) - len(issues) == 1                 # the DHCP frame; the noise was dropped unread
    assert run.frames_read == expected
    assert [i.frame for i in issues] == [expected] * len(issues)
    assert "cut short" in issues[-1].message
