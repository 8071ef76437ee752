"""Every supported link layer and IPv4 fragmentation lead to the same decoded DHCP message."""
from __future__ import annotations

import struct

import dpkt
import pytest

from dhcpanalyze.decode import DecodeOptions, iter_records
from dhcpanalyze.model import DhcpRecord
from tests.conftest import corpus_file


def _discover_frame() -> bytes:
    """Frame 1 of Wireshark's sample dhcp.pcap: a DISCOVER from 00:0b:82:01:fc:42, xid 0x00003d1d."""
    with open(corpus_file("wireshark/dhcp.pcap"), "rb") as fh:
        return bytes(next(iter(dpkt.pcap.Reader(fh)))[1])


def _write(tmp_path, frames: list[bytes], linktype: int) -> str:
    path = tmp_path / f"l{linktype}.pcap"
    with open(path, "wb") as fh:
        writer = dpkt.pcap.Writer(fh, linktype=linktype)
        for i, frame in enumerate(frames):
            writer.writepkt(frame, 1000.0 + i)
    return str(path)


def _dhcp(path: str) -> list[DhcpRecord]:
    return [r for r in iter_records([path]) if isinstance(r, DhcpRecord)]


def _variants(eth: bytes) -> dict[str, tuple[int, bytes]]:
    ip = eth[14:]
    dst, src = eth[0:6], eth[6:12]
    return {
        "ethernet": (1, eth),
        "802.1Q": (1, dst + src + b"\x81\x00\x00\x64\x08\x00" + ip),
        "QinQ": (1, dst + src + b"\x88\xa8\x00\x0a\x81\x00\x00\x64\x08\x00" + ip),
        "linux-sll": (113, struct.pack("!HHH", 0, 1, 6) + src + b"\0\0" + b"\x08\x00" + ip),
        "linux-sll2": (276, b"\x08\x00\0\0" + struct.pack("!I", 2) + struct.pack("!HBB", 1, 0, 6) + src + b"\0\0" + ip),
        "raw-ip": (101, ip),
        "null-le": (0, b"\x02\0\0\0" + ip),
        "null-be": (0, b"\0\0\0\x02" + ip),
        "loop": (108, b"\0\0\0\x02" + ip),
    }


@pytest.mark.parametrize("name", list(_variants(b"\0" * 20).keys()))
def test_each_link_type_decodes_the_same_discover(tmp_path, name):
    linktype, frame = _variants(_discover_frame())[name]
    records = _dhcp(_write(tmp_path, [frame], linktype))
    assert len(records) == 1
    r = records[0]
    assert (r.msg.msg_type, r.msg.xid, r.msg.chaddr.hex()) == ("DISCOVER", 0x3D1D, "000b8201fc42")
    assert (r.src, r.sport, r.dst, r.dport) == ("0.0.0.0", 68, "255.255.255.255", 67)


def _fragments(eth: bytes, size: int) -> list[bytes]:
    ip = dpkt.ip.IP(eth[14:])
    body = bytes(ip.data)
    out = []
    for off in range(0, len(body), size):
        piece = body[off:off + size]
        more = off + size < len(body)
        frag = dpkt.ip.IP(src=ip.src, dst=ip.dst, p=ip.p, id=0x4242, ttl=64, data=piece)
        frag.offset, frag.mf = off // 8, int(more)          # offset in 8-byte units
        frag.len = 20 + len(piece)
        out.append(eth[:14] + bytes(frag))
    return out


def test_fragmented_dhcp_is_reassembled_in_any_order(tmp_path):
    frames = _fragments(_discover_frame(), 96)
    assert len(frames) >= 3
    shuffled = [frames[2], frames[0]] + frames[3:] + [frames[1]]
    records = _dhcp(_write(tmp_path, shuffled, 1))
    assert len(records) == 1
    assert records[0].frame == len(frames)                 # completed by the last frame that arrived
    assert records[0].msg.xid == 0x3D1D and records[0].msg.issues == []


def test_missing_fragment_yields_nothing_rather_than_garbage(tmp_path):
    frames = _fragments(_discover_frame(), 96)
    assert _dhcp(_write(tmp_path, frames[:1] + frames[2:], 1)) == []


def test_snaplen_cut_frame_is_decoded_with_an_issue(tmp_path):
    frame = _discover_frame()[:200]
    records = _dhcp(_write(tmp_path, [frame], 1))
    assert len(records) == 1
    assert records[0].msg.xid == 0x3D1D
    assert any("snaplen" in issue for issue in records[0].msg.issues)


def test_extra_dhcp_port(tmp_path):
    eth = bytearray(_discover_frame())
    struct.pack_into("!H", eth, 14 + 20 + 2, 4011)               # PXE proxy port instead of 67
    path = _write(tmp_path, [bytes(eth)], 1)
    assert len(_dhcp(path)) == 1                                    # source port 68 still matches
    struct.pack_into("!H", eth, 14 + 20, 4012)
    path = _write(tmp_path, [bytes(eth)], 1)
    assert _dhcp(path) == []
    opts = DecodeOptions(dhcp_ports=frozenset((67, 68, 4011)))
    assert len([r for r in iter_records([path], opts) if isinstance(r, DhcpRecord)]) == 1


def test_frame_numbers_continue_across_files(tmp_path):
    frame = _discover_frame()
    first = _write(tmp_path, [frame, frame[:14] + b"\x45" + b"\0" * 19], 1)     # DHCP + a non-DHCP frame
    second = tmp_path / "second.pcap"
    second.write_bytes(open(first, "rb").read())
    frames = [r.frame for r in iter_records([first, str(second)]) if isinstance(r, DhcpRecord)]
    assert frames == [1, 3]
