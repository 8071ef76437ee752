"""The pcap reader's prefilter drops frames before they are decoded, and the decoder then trusts it:
both must agree. Every capture decodes to the same records, and counts the same frames, with the
prefilter and without it (every frame then goes through the decoder's own tests)."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

import dhcpanalyze.decode as decode
from dhcpanalyze.decode import DecodeOptions, Decoder
from dhcpanalyze.sources.capture import CaptureFile, Prefilter
from tests.conftest import SAMPLES, corpus_captures, sample_captures


def _decode(path: str) -> tuple[list, int]:
    decoder = Decoder(DecodeOptions(keep_raw=True))
    return list(decoder.records([path])), decoder.frames_read


def _without_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "CaptureFile", lambda path, prefilter=None: CaptureFile(path))


def _frames(pcap: bytes) -> list[bytes]:
    frames, pos = [], 24
    while pos + 16 <= len(pcap):
        caplen = struct.unpack_from("<I", pcap, pos + 8)[0]
        frames.append(pcap[pos + 16:pos + 16 + caplen])
        pos += 16 + caplen
    return frames


def _ip(proto: int, payload: bytes, frag: int = 0) -> bytes:
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 7, frag, 64, proto, 0,
                       b"\xc0\xa8\x64\x02", b"\xc0\xa8\x64\x03") + payload


def _tcp(sport: int, dport: int, flags: int, data: bytes = b"") -> bytes:
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 1, 5 << 4, flags, 65535, 0, 0) + data


def _edge_frames(icmp_code: int = 3) -> list[bytes]:
    """Frames at each of the prefilter's decisions, on untagged Ethernet/IPv4."""
    seed = (SAMPLES / "seed.pcap").read_bytes()
    dhcp_frame = next(frame for frame in _frames(seed) if frame[23] == 17 and frame[36:38] == b"\x00\x43")
    dhcp_ip = dhcp_frame[14:]
    udp = dhcp_ip[20:]
    icmp_error = bytes([3, icmp_code]) + bytes(6) + dhcp_ip[:20 + 8 + 64]
    packets = [
        _tcp(647, 40000, 0x10),                          # bare ACK: dropped
        _tcp(40000, 647, 0x02),                          # SYN: kept
        _tcp(40000, 647, 0x18, b"\x00\x0c\x0b\x0c" + bytes(8)),   # data: kept
        _tcp(40000, 647, 0x11),                          # FIN: kept
        _tcp(40000, 80, 0x18, b"GET /"),                 # other port: dropped
    ]
    ips = [_ip(6, p) for p in packets]
    ips += [_ip(17, udp[:48], frag=0x2000),              # first fragment of DHCP: kept
            _ip(17, udp[48:], frag=6),                   # the rest (offset 48): kept, reassembled
            _ip(17, struct.pack("!HHHH", 5353, 53, 12, 0) + b"abcd"),       # DNS: dropped
            _ip(17, struct.pack("!HHHH", 5353, 53, 12, 0) + b"abcd", frag=9),  # non-first: kept
            _ip(1, icmp_error),                          # ICMP port/host unreachable quoting DHCP: kept
            _ip(1, b"\x08\x00\x00\x00\x00\x01\x00\x01" + bytes(32)),          # echo: dropped
            _ip(47, bytes(24))]                          # GRE: dropped
    return [b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip for ip in ips] + [dhcp_frame]


def _pcap(tmp_path: Path, frames: list[bytes], order: str = "<") -> str:
    out = struct.pack(order + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + b"".join(
        struct.pack(order + "IIII", 1795860716, n, len(f), len(f)) + f for n, f in enumerate(frames))
    path = tmp_path / "edges.pcap"
    path.write_bytes(out)
    return str(path)


@pytest.fixture
def edge_cases(tmp_path: Path) -> str:
    """Frames at each of the prefilter's decisions, on untagged Ethernet/IPv4."""
    return _pcap(tmp_path, _edge_frames())


@pytest.fixture(params=["<", ">"], ids=["little-endian", "big-endian"])
def edge_cases_any_order(tmp_path: Path, request) -> str:
    """The same in a pcap of either byte order (the reader compares the packet's fields in the
    file's order), with an ICMP error whose code is not a type the prefilter keeps (it must read
    the type byte), ending in two runts shorter than the fields it reads."""
    dhcp_frame = _edge_frames()[-1]
    return _pcap(tmp_path, _edge_frames(icmp_code=1) + [dhcp_frame[:20], dhcp_frame[:37]], request.param)


def test_edge_cases_agree(edge_cases: str, monkeypatch) -> None:
    filtered = _decode(edge_cases)
    _without_prefilter(monkeypatch)
    assert filtered == _decode(edge_cases)
    kinds = sorted(type(r).__name__ + ("/icmp" if getattr(r, "via_icmp", None) else "")
                   for r in filtered[0])
    assert kinds == ["DhcpRecord", "DhcpRecord", "DhcpRecord/icmp", "TcpEvent", "TcpEvent", "TcpEvent"], kinds
    assert filtered[1] == 13


def test_edge_cases_agree_in_either_byte_order(edge_cases_any_order: str, monkeypatch) -> None:
    # and the reader really drops the five it should (bare ACK, other TCP port, DNS, echo, GRE)
    prefilter = Prefilter(DecodeOptions().dhcp_ports, DecodeOptions().failover_ports, decode.ICMP_ERRORS)
    assert len(list(CaptureFile(edge_cases_any_order, prefilter))) == 15 - 5
    filtered = _decode(edge_cases_any_order)
    _without_prefilter(monkeypatch)
    assert filtered == _decode(edge_cases_any_order)
    assert filtered[1] == 15
    assert sum(1 for r in filtered[0] if getattr(r, "via_icmp", None)) == 1


@pytest.mark.parametrize("path", sample_captures() + corpus_captures(), ids=lambda p: p.name)
def test_captures_agree(path: Path, monkeypatch) -> None:
    filtered = _decode(str(path))
    _without_prefilter(monkeypatch)
    assert filtered == _decode(str(path))
