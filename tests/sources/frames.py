"""Ethernet/IPv4 frames built field by field for the live-capture tests."""
from __future__ import annotations

import struct

from dhcpanalyze.sources.capture import CaptureFile

ETH = bytes.fromhex("02da000000aa" "02da000000bb" "0800")    # dst, src, EtherType IPv4


def ipv4(proto: int, payload: bytes, frag: int = 0, ident: int = 1) -> bytes:
    """RFC 791 header without options (checksum left 0: nothing here checks it), then payload."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return ETH + header + payload


def udp(sport: int, dport: int, data: bytes) -> bytes:
    return ipv4(17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data)


def tcp_syn(sport: int, dport: int) -> bytes:
    # seq 1, ack 0, data offset 5 words, flags SYN, window 1024
    return ipv4(6, struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 1024, 0, 0))


def icmp_echo() -> bytes:
    return ipv4(1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping")


def sample_frames(path) -> list[bytes]:
    """The frames of an Ethernet capture, in order."""
    return [data for _n, _ts, data, linktype, _w in CaptureFile(str(path)) if linktype == 1]
