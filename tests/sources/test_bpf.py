"""The socket backend's kernel filter, run here by a small classic-BPF interpreter: it keeps exactly
what the default filter text keeps, and agrees frame by frame with libpcap's compilation of that
text (`tcpdump -dd`, when tcpdump is installed)."""
from __future__ import annotations

import shutil
import struct
import subprocess

import pytest

from dhcpanalyze.sources import bpf

from .frames import icmp_echo, ipv4, tcp_syn, udp

ARP = bytes(12) + b"\x08\x06" + bytes(28)


def run_bpf(program, frame: bytes) -> int:
    """Classic BPF (linux/filter.h) for the opcodes these programs use; 0 means dropped."""
    a = x = pc = 0
    while True:
        op, jt, jf, k = program[pc]
        pc += 1
        if op == bpf.RET:
            return k
        if op == bpf.LDH_ABS:
            a = struct.unpack_from("!H", frame, k)[0] if k + 2 <= len(frame) else None
        elif op == bpf.LDB_ABS:
            a = frame[k] if k < len(frame) else None
        elif op == bpf.LDX_MSH:
            x = (frame[k] & 0x0F) * 4
        elif op == bpf.LDH_IND:
            a = struct.unpack_from("!H", frame, x + k)[0] if x + k + 2 <= len(frame) else None
        elif op in (bpf.JEQ, bpf.JSET):
            hit = a == k if op == bpf.JEQ else bool(a & k)
            pc += jt if hit else jf
        else:
            raise AssertionError(f"opcode {op:#x} not interpreted")
        if a is None:           # a load past the end of the packet ends the program: dropped
            return 0


KEPT = {
    "DISCOVER 68->67": udp(68, 67, b"\x01" * 240),
    "OFFER 67->68": udp(67, 68, b"\x02" * 240),
    "PXE 4011": udp(68, 4011, b"\x01" * 240),
    "failover SYN": tcp_syn(40000, 647),
    "failover 519": tcp_syn(519, 40000),
    "ICMP": icmp_echo(),
    "non-first fragment": ipv4(17, b"\0" * 16, frag=0x0010),
}
DROPPED = {
    "DNS": udp(5000, 53, b"q"),
    "SSH": tcp_syn(40000, 22),
    "ARP": ARP,
    "first fragment of DNS": ipv4(17, struct.pack("!HHHH", 5000, 53, 8, 0) + b"x" * 8, frag=0x2000),
    "runt": b"\x00" * 13,
}
PORTS = ({67, 68, 4011}, {647, 519})


@pytest.mark.parametrize("name", KEPT)
def test_program_keeps(name):
    assert run_bpf(bpf.ethernet_program(*PORTS), KEPT[name]) == bpf.SNAPLEN


@pytest.mark.parametrize("name", DROPPED)
def test_program_drops(name):
    assert run_bpf(bpf.ethernet_program(*PORTS), DROPPED[name]) == 0


def test_program_agrees_with_libpcap_on_the_filter_text():
    if not shutil.which("tcpdump"):
        pytest.skip("tcpdump is not installed")
    done = subprocess.run(["tcpdump", "-dd", "-y", "EN10MB", bpf.filter_text(*PORTS)],
                          capture_output=True, text=True, check=True)
    libpcap = bpf.parse_dd(done.stdout)
    ours = bpf.ethernet_program(*PORTS)
    for name, frame in {**KEPT, **DROPPED}.items():
        assert bool(run_bpf(ours, frame)) == bool(run_bpf(libpcap, frame)), name
