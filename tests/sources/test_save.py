"""--save and --ring: records kept byte for byte, a ring of complete pcap files, the newest kept."""
from __future__ import annotations

import struct

import pytest

from dhcpanalyze.sources.capture import CaptureFile
from dhcpanalyze.sources.save import PcapSaver, Ring, parse_ring

HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)   # µs pcap, Ethernet


def record(n: int, size: int = 1000) -> bytes:
    data = bytes([n % 256]) * size
    return struct.pack("<IIII", 1_800_000_000 + n, 0, size, size) + data


@pytest.mark.parametrize("text, ring", [
    ("files:3,filesize:1", Ring(3, 1.0)), ("filesize:0.5,files:10", Ring(10, 0.5))])
def test_ring_spec(text, ring):
    assert parse_ring(text) == ring


@pytest.mark.parametrize("text", ["files:3", "files:0,filesize:1", "duration:5,files:2", "x"])
def test_bad_ring_spec(text):
    with pytest.raises(ValueError):
        parse_ring(text)


def test_single_file_keeps_every_record(tmp_path):
    saver = PcapSaver(str(tmp_path / "run.pcap"))
    saver.open()
    saver.start(HEADER)
    for n in range(5):
        saver.write(record(n))
    saver.close()
    packets = list(CaptureFile(str(tmp_path / "run.pcap")))
    assert [p[2][0] for p in packets] == [0, 1, 2, 3, 4]
    assert [p[1] for p in packets] == [1_800_000_000 + n for n in range(5)]


def test_ring_rotates_and_keeps_the_newest_files(tmp_path):
    saver = PcapSaver(str(tmp_path / "run.pcap"), Ring(files=2, filesize_mb=0.0035))  # 3 records each
    saver.open()
    saver.start(HEADER)
    for n in range(10):
        saver.write(record(n))
    saver.close()
    kept = saver.kept()
    assert len(saver.written) == 4 and len(kept) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.rsplit("/", 1)[-1] for p in kept)
    firsts = [[p[2][0] for p in CaptureFile(path)] for path in kept]
    assert firsts == [[6, 7, 8], [9]]
    assert all("_0000" in path and path.endswith(".pcap") for path in kept)
