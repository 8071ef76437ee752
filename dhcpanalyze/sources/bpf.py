"""The default capture filter, as tcpdump/dumpcap filter text and as a classic BPF program.

What the analyzer needs from a link: DHCP (UDP 67/68 and any --dhcp-port), failover (TCP 647 and any
--failover-port), ICMP (errors quote the DHCP datagram that provoked them) and every non-first IPv4
fragment (it carries no ports, and the decoder reassembles the datagram from all its pieces).

`filter_text` feeds dumpcap and tcpdump, which compile it with libpcap. The AF_PACKET socket has
no libpcap, so `ethernet_program` assembles the same filter for Ethernet frames (and Linux
loopback, which carries an all-zero Ethernet header) as (code, jt, jf, k) instructions, in the
shape `tcpdump -dd` prints.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable

# classic BPF opcodes (linux/filter.h): load halfword/byte absolute, load X = 4*(P[k]&0xf),
# load halfword indexed, jump-if-equal, jump-if-set, return
LDH_ABS, LDB_ABS, LDX_MSH, LDH_IND = 0x28, 0x30, 0xB1, 0x48
JEQ, JSET, RET = 0x15, 0x45, 0x06
SNAPLEN = 262144                 # bytes kept per accepted packet (tcpdump's default)
ETHERTYPE_IPV4 = 0x0800
IP_ICMP, IP_TCP, IP_UDP = 1, 6, 17
ETH = 14                          # Ethernet header; IPv4 fields below are at ETH + RFC 791 offset

Insn = tuple[int, int, int, int]


def filter_text(dhcp_ports: Iterable[int], failover_ports: Iterable[int]) -> str:
    """The filter in pcap-filter(7) syntax, e.g. for `dumpcap -f`."""
    udp = " or ".join(f"udp port {p}" for p in sorted(set(dhcp_ports)))
    tcp = " or ".join(f"tcp port {p}" for p in sorted(set(failover_ports)))
    return f"ip and ({udp} or {tcp} or icmp or ip[6:2] & 0x1fff != 0)"


def ethernet_program(dhcp_ports: Iterable[int], failover_ports: Iterable[int]) -> list[Insn]:
    """`filter_text` as a classic BPF program over an Ethernet frame (VLAN tags are taken off by
    the kernel before a packet socket's filter runs, so a tagged DHCP frame still matches)."""
    udp, tcp = sorted(set(dhcp_ports)), sorted(set(failover_ports))
    code: list[tuple] = [
        (LDH_ABS, 0, 0, 12), (JEQ, 0, "drop", ETHERTYPE_IPV4),
        (LDH_ABS, 0, 0, ETH + 6), (JSET, "accept", 0, 0x1FFF),      # a non-first fragment
        (LDB_ABS, 0, 0, ETH + 9), (JEQ, "accept", 0, IP_ICMP),
        (JEQ, "udp", 0, IP_UDP), (JEQ, "tcp", "drop", IP_TCP),
        "udp", *_either_port(udp),
        "tcp", *_either_port(tcp),
        "accept", (RET, 0, 0, SNAPLEN),
        "drop", (RET, 0, 0, 0),
    ]
    return _assemble(code)


def _either_port(ports: list[int]) -> list[tuple]:
    """Accept when the source or the destination port (after the IPv4 header) is one of `ports`."""
    checks = [(LDX_MSH, 0, 0, ETH)]
    for offset in (ETH, ETH + 2):
        checks.append((LDH_IND, 0, 0, offset))
        checks.extend((JEQ, "accept", 0, port) for port in ports)
    checks.append((RET, 0, 0, 0))
    return checks


def _assemble(code: list) -> list[Insn]:
    """Resolve label names in jt/jf into the relative jumps BPF wants (forward only)."""
    labels, insns = {}, []
    for item in code:
        if isinstance(item, str):
            labels[item] = len(insns)
        else:
            insns.append(item)
    out = []
    for pc, (op, jt, jf, k) in enumerate(insns):
        jt = labels[jt] - pc - 1 if isinstance(jt, str) else jt
        jf = labels[jf] - pc - 1 if isinstance(jf, str) else jf
        if not (0 <= jt < 256 and 0 <= jf < 256):
            raise ValueError("BPF jump out of range: too many ports for one program")
        out.append((op, jt, jf, k))
    return out


def pack_program(insns: list[Insn]) -> bytes:
    """struct sock_filter[] as the kernel reads it: u16 code, u8 jt, u8 jf, u32 k."""
    return b"".join(struct.pack("=HBBI", *insn) for insn in insns)


def parse_dd(text: str) -> list[Insn]:
    """The output of `tcpdump -dd` ({ 0x28, 0, 0, 0x0000000c },) as instructions."""
    insns = []
    for line in text.splitlines():
        line = line.strip().strip("{},").strip()
        if line:
            insns.append(tuple(int(part.strip(), 0) for part in line.strip("{} ").split(",")))
    return insns
