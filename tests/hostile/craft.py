"""Crafted captures for the hardening tests: frames laid out by hand, written as pcap or pcapng,
and the `report` / `packets` commands run in-process over them in every format.

Nothing is mocked: the files go through the real readers, dissectors, engine and renderers.
"""
from __future__ import annotations

import socket
import struct
from pathlib import Path

import pytest

from dhcpanalyze.cli import main

MAC_A, MAC_B = b"\x02\x00\x00\x00\x00\x0a", b"\x02\x00\x00\x00\x00\x0b"
REPORT_FORMATS = (("text",), ("json",), ("jsonl",),
                  ("csv", "--csv-table", "transactions"), ("csv", "--csv-table", "findings"),
                  ("csv", "--csv-table", "leases"), ("csv", "--csv-table", "servers"))


def ipv4(src: str, dst: str, proto: int, payload: bytes, ident: int = 0, frag: int = 0) -> bytes:
    """RFC 791 header (no options, checksum 0: nothing here checks it) + payload."""
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0,
                       socket.inet_aton(src), socket.inet_aton(dst)) + payload


def ether(ip_packet: bytes) -> bytes:
    return MAC_B + MAC_A + b"\x08\x00" + ip_packet


def udp(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet frame carrying UDP (RFC 768, checksum 0 = none)."""
    return ether(ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload))


def tcp(src: str, dst: str, sport: int, dport: int, seq: int, flags: int, payload: bytes = b"",
        ack: int = 0) -> bytes:
    """An Ethernet frame carrying a TCP segment (RFC 793, 20-byte header)."""
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    return ether(ipv4(src, dst, 6, header + payload))


SYN, ACK, PSH, SYNACK = 0x02, 0x10, 0x08, 0x12


def failover_stream(messages: list[bytes], src="10.0.0.2", dst="10.0.0.3", sport=40000,
                    dport=647) -> list[bytes]:
    """A TCP handshake then each failover message in its own segment, src -> dst."""
    frames = [tcp(src, dst, sport, dport, 999, SYN), tcp(dst, src, dport, sport, 4999, SYNACK, ack=1000)]
    seq = 1000
    for message in messages:
        frames.append(tcp(src, dst, sport, dport, seq, PSH | ACK, message, ack=5000))
        seq += len(message)
    return frames


def failover_message(mtype: int, options: list[tuple[int, bytes]], time: int = 1_795_860_000,
                     xid: int = 1) -> bytes:
    """12-byte header (failover-wire.md §1.2) + TLV options."""
    body = b"".join(struct.pack("!HH", code, len(raw)) + raw for code, raw in options)
    return struct.pack("!HBBII", 12 + len(body), mtype, 12, time, xid) + body


def pcap(frames: list[bytes], ts: float = 1_795_860_000.0, step: float = 0.001) -> bytes:
    """A little-endian µs pcap of Ethernet frames, `step` seconds apart."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for n, frame in enumerate(frames):
        t = ts + n * step
        out += struct.pack("<IIII", int(t), round((t - int(t)) * 1e6), len(frame), len(frame)) + frame
    return bytes(out)


def pcapng(frames: list[tuple[int, bytes]], tsresol: int | None = None) -> bytes:
    """A little-endian pcapng: one Ethernet interface (if_tsresol byte `tsresol` when given), then
    one enhanced packet block per (raw 64-bit timestamp, frame)."""
    def block(btype: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    idb = struct.pack("<HHI", 1, 0, 65535)
    if tsresol is not None:
        idb += struct.pack("<HHB3x", 9, 1, tsresol) + b"\0" * 4
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)) + block(1, idb)
    for stamp, frame in frames:
        out += block(6, struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, len(frame), len(frame))
                     + frame)
    return out


def write(tmp_path: Path, blob: bytes, name: str = "crafted.pcap") -> str:
    path = tmp_path / name
    path.write_bytes(blob)
    return str(path)


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """`dhcpanalyze ARGV` in-process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def every_output(capsys: pytest.CaptureFixture, path: str) -> dict[str, tuple[int, str, str]]:
    """`report` in every format and table, and `packets` plain, -V and jsonl, keyed by the options."""
    runs = {" ".join(("report",) + fmt): run_cli(capsys, "report", "--format", *fmt, "--jobs", "1", path)
            for fmt in REPORT_FORMATS}
    for opts in ((), ("-V", "-x"), ("--format", "jsonl")):
        runs[" ".join(("packets",) + opts)] = run_cli(capsys, "packets", *opts, path)
    return runs
