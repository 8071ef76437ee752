"""Capture input: every container variant yields the same packets; damage is reported, never raised."""
from __future__ import annotations

import gzip
import struct
import subprocess
import sys

import pytest

from dhcpanalyze.sources.capture import CaptureError, CaptureFile
from tests.conftest import ROOT, corpus_file

# A real DHCP DISCOVER frame (Wireshark's sample dhcp.pcap, frame 1): we only need realistic bytes.
def _frames() -> list[tuple[float, bytes]]:
    import dpkt
    with open(corpus_file("wireshark/dhcp.pcap"), "rb") as fh:
        return [(ts, bytes(buf)) for ts, buf in dpkt.pcap.Reader(fh)]


def _pcap(frames, order="<", nanos=False, linktype=1) -> bytes:
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for ts, data in frames:
        sec = int(ts)
        frac = round((ts - sec) * (1e9 if nanos else 1e6))
        out += struct.pack(order + "IIII", sec, frac, len(data), len(data)) + data
    return out


def _pcapng(frames_per_if: list[tuple[int, list]], order="<") -> bytes:
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack(order + "II", btype, n) + body + struct.pack(order + "I", n)
    out = block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    for linktype, _ in frames_per_if:
        out += block(1, struct.pack(order + "HHI", linktype, 0, 65535))
    for ifid, (_, frames) in enumerate(frames_per_if):
        for ts, data in frames:
            t = int(round(ts * 1e6))
            out += block(6, struct.pack(order + "IIIII", ifid, t >> 32, t & 0xFFFFFFFF, len(data), len(data)) + data)
    return out


def _read(tmp_path, blob: bytes, name="c.pcap"):
    path = tmp_path / name
    path.write_bytes(blob)
    cap = CaptureFile(str(path))
    return list(cap), cap.issues


@pytest.mark.parametrize("order", ["<", ">"], ids=["little-endian", "big-endian"])
@pytest.mark.parametrize("nanos", [False, True], ids=["usec", "nsec"])
def test_pcap_variants_give_same_packets(tmp_path, order, nanos):
    frames = _frames()
    packets, issues = _read(tmp_path, _pcap(frames, order, nanos))
    assert issues == []
    assert [bytes(p[2]) for p in packets] == [f[1] for f in frames]
    assert [round(p[1], 6) for p in packets] == [round(f[0], 6) for f in frames]
    assert {p[3] for p in packets} == {1}


def test_pcapng_with_two_interfaces_and_link_types(tmp_path):
    frames = _frames()
    raw_ip = [(ts, data[14:]) for ts, data in frames]          # same packets as LINKTYPE_RAW
    packets, issues = _read(tmp_path, _pcapng([(1, frames[:2]), (101, raw_ip[2:])]), "c.pcapng")
    assert issues == []
    assert [p[3] for p in packets] == [1, 1, 101, 101]
    assert [p[0] for p in packets] == [1, 2, 3, 4]
    assert bytes(packets[3][2]) == frames[3][1][14:]


def test_gzip_is_unwrapped(tmp_path):
    frames = _frames()
    packets, issues = _read(tmp_path, gzip.compress(_pcap(frames)), "c.pcap.gz")
    assert issues == [] and len(packets) == len(frames)


def test_truncated_last_record_reports_and_keeps_the_rest(tmp_path):
    frames = _frames()
    blob = _pcap(frames)[:-10]
    packets, issues = _read(tmp_path, blob)
    assert len(packets) == len(frames) - 1
    assert len(issues) == 1 and "truncated" in issues[0] and "record 4" in issues[0]


def test_corrupt_record_length_stops_with_message(tmp_path):
    frames = _frames()
    blob = bytearray(_pcap(frames))
    first_len = 16 + len(frames[0][1])
    struct.pack_into("<I", blob, 24 + first_len + 8, 0x7FFFFFFF)   # record 2's caplen
    packets, issues = _read(tmp_path, bytes(blob))
    assert len(packets) == 1
    assert "impossible" in issues[0]


@pytest.mark.parametrize("blob", [b"", b"hello world, not a capture", b"\x1f\x8bnot really gzip"],
                         ids=["empty", "text", "bad-gzip"])
def test_not_a_capture_raises_capture_error(tmp_path, blob):
    path = tmp_path / "x.pcap"
    path.write_bytes(blob)
    with pytest.raises(CaptureError):
        list(CaptureFile(str(path)))


def test_missing_file_raises_capture_error(tmp_path):
    with pytest.raises(CaptureError, match="No such file"):
        CaptureFile(str(tmp_path / "nope.pcap"))


def test_stdin_is_read_as_a_stream(tmp_path):
    frames = _frames()
    code = ("import sys; from dhcpanalyze.sources.capture import CaptureFile; "
            "c = CaptureFile('-'); print(sum(1 for _ in c), c.issues)")
    out = subprocess.run([sys.executable, "-c", code], input=gzip.compress(_pcap(frames)),
                         capture_output=True, cwd=ROOT, check=True)
    assert out.stdout.decode().strip() == f"{len(frames)} []"
