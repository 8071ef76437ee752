"""Helpers for dissector tests: a BOOTP message builder and UDP payloads pulled from corpus frames."""
from __future__ import annotations

import socket
import struct
from pathlib import Path

import dpkt
import pytest

MAGIC = bytes.fromhex("63825363")


def build_bootp(*, op: int = 1, htype: int = 1, hlen: int = 6, hops: int = 0, xid: int = 0x3D1D,
                secs: int = 0, flags: int = 0, ciaddr: str = "0.0.0.0", yiaddr: str = "0.0.0.0",
                siaddr: str = "0.0.0.0", giaddr: str = "0.0.0.0",
                chaddr: bytes = bytes.fromhex("000b8201fc42"), sname: bytes = b"", file: bytes = b"",
                cookie: bytes = MAGIC, options: bytes = b"") -> bytes:
    """A BOOTP/DHCP payload laid out as RFC 2131 figure 1; `options` is the raw options area."""
    fixed = struct.pack("!BBBBIHH", op, htype, hlen, hops, xid, secs, flags)
    addrs = b"".join(socket.inet_aton(a) for a in (ciaddr, yiaddr, siaddr, giaddr))
    return (fixed + addrs + chaddr.ljust(16, b"\x00") + sname.ljust(64, b"\x00")[:64]
            + file.ljust(128, b"\x00")[:128] + cookie + options)


@pytest.fixture
def bootp():
    return build_bootp


def udp_payloads(path: Path, ports: tuple[int, ...] = (67, 68)) -> list[tuple[int, bytes]]:
    """(frame number, UDP payload) of the Ethernet/IPv4/UDP frames on DHCP ports, via dpkt."""
    found = []
    with path.open("rb") as fh:
        reader = dpkt.pcapng.Reader(fh) if path.suffix == ".pcapng" else dpkt.pcap.Reader(fh)
        for number, (_ts, frame) in enumerate(reader, 1):
            ip = dpkt.ethernet.Ethernet(frame).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP):
                if ip.data.sport in ports or ip.data.dport in ports:
                    found.append((number, bytes(ip.data.data)))
    return found
