"""Test helpers: run the engine over captures, and build records from wire bytes.

Synthetic records are made the way the pipeline makes them: bytes laid out as RFC 2131 /
failover-wire.md say, decoded by the project's real dissectors, wrapped in model records.
"""
from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.model import DhcpRecord, FailoverRecord, IcmpQuote, TcpEvent
from dissectors.dhcp import decode_dhcp
from dissectors.failover import decode_failover

DHCP_TYPES = {"DISCOVER": 1, "OFFER": 2, "REQUEST": 3, "DECLINE": 4, "ACK": 5, "NAK": 6,
              "RELEASE": 7, "INFORM": 8, "LEASEQUERY": 10, "LEASEACTIVE": 13}
FO_TYPES = {"BNDUPD": 3, "BNDACK": 4, "CONNECT": 5, "CONNECTACK": 6, "STATE": 10, "CONTACT": 11,
            "DISCONNECT": 12}
REPLIES = {"OFFER", "ACK", "NAK", "LEASEACTIVE"}


@dataclass
class Run:
    """Everything one engine run emitted, as report-contract dicts."""

    transactions: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    def codes(self, code: str) -> list[dict]:
        return [f for f in self.findings if f["code"] == code]

    def of_client(self, mac: str) -> list[dict]:
        return [t for t in self.transactions if t["client"]["mac"] == mac]


def run_records(records, settings: EngineSettings | None = None, engine: Engine | None = None):
    engine = engine or Engine(settings)
    run = Run()
    for rec in records:
        _collect(run, engine.feed(rec))
    _collect(run, engine.finish())
    run.summary = engine.summary().to_dict()
    return run


def run_files(paths, settings: EngineSettings | None = None) -> Run:
    from dhcpanalyze.decode import iter_records
    return run_records(iter_records([str(p) for p in paths]), settings)


def _collect(run: Run, outs) -> None:
    for out in outs:
        (run.transactions if out.record == "transaction" else run.findings).append(out.to_dict())


# --- DHCP ------------------------------------------------------------------------------------

def ip4(text: str) -> bytes:
    return socket.inet_aton(text)


def mac_bytes(mac: str) -> bytes:
    return bytes(int(part, 16) for part in mac.split(":"))


def dhcp_bytes(mtype: str | None, xid: int, mac: str, *, ciaddr="0.0.0.0", yiaddr="0.0.0.0",
               giaddr="0.0.0.0", secs: int = 0, options: dict | None = None) -> bytes:
    """A BOOTP header (RFC 2131 §2) with the magic cookie and options, END-terminated."""
    op = 2 if mtype in REPLIES else 1
    chaddr = mac_bytes(mac)
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, len(chaddr), 0, xid, secs, 0,
                       ip4(ciaddr), ip4(yiaddr), b"\0" * 4, ip4(giaddr),
                       chaddr.ljust(16, b"\0"), b"", b"")
    opts = b""
    if mtype is not None:
        opts += bytes((53, 1, DHCP_TYPES[mtype]))
    for code, raw in (options or {}).items():
        opts += bytes((code, len(raw))) + raw
    return head + b"\x63\x82\x53\x63" + opts + b"\xff"


def dhcp(frame: int, ts: float, src: str, dst: str, mtype: str | None, xid: int, mac: str,
         icmp: IcmpQuote | None = None, **kw) -> DhcpRecord:
    """A DhcpRecord for these fields; ports follow the direction (client 68 -> server 67)."""
    msg = decode_dhcp(dhcp_bytes(mtype, xid, mac, **kw))
    client = msg.op == 1
    return DhcpRecord(frame=frame, ts=ts, src=src, sport=68 if client else 67, dst=dst,
                      dport=67 if client else 68, msg=msg, via_icmp=icmp)


def u32(value: int) -> bytes:
    return struct.pack("!I", value)


def dora(frame: int, ts: float, xid: int, mac: str, server: str, addr: str, *, secs: int = 0,
         lease: int = 600, offers_from: tuple[str, ...] | None = None) -> list[DhcpRecord]:
    """DISCOVER, OFFER(s), REQUEST for `server`, ACK: four or more records 10 ms apart."""
    recs = [dhcp(frame, ts, "0.0.0.0", "255.255.255.255", "DISCOVER", xid, mac, secs=secs)]
    for i, srv in enumerate(offers_from or (server,)):
        recs.append(dhcp(frame + 1 + i, ts + 0.01, srv, addr, "OFFER", xid, mac, yiaddr=addr,
                         options={54: ip4(srv), 51: u32(lease)}))
    n = frame + len(recs)
    recs.append(dhcp(n, ts + 0.02, "0.0.0.0", "255.255.255.255", "REQUEST", xid, mac,
                     secs=secs, options={54: ip4(server), 50: ip4(addr)}))
    recs.append(dhcp(n + 1, ts + 0.03, server, addr, "ACK", xid, mac, yiaddr=addr,
                     options={54: ip4(server), 51: u32(lease)}))
    return recs


# --- failover ------------------------------------------------------------------------------

def fo_option(code: int, raw: bytes) -> bytes:
    return struct.pack("!HH", code, len(raw)) + raw


def fo(frame: int, ts: float, src: str, dst: str, mtype: str, xid: int, *, clock: float | None
       = None, options: list[tuple[int, bytes]] = (), sport: int = 647, dport: int = 40000
       ) -> FailoverRecord:
    """A failover message (12-byte header, failover-wire.md §1.2) decoded by the dissector."""
    body = b"".join(fo_option(code, raw) for code, raw in options)
    header = struct.pack("!HBBII", 12 + len(body), FO_TYPES[mtype], 12,
                         int(ts if clock is None else clock), xid)
    msg = decode_failover(header + body)
    return FailoverRecord(frame=frame, ts=ts, src=src, sport=sport, dst=dst, dport=dport, msg=msg)


def hba_split(n: int) -> bytes:
    """ISC's HBA for `split n`: buckets 0..n-1 set, LSB first (failover-wire.md §6.2)."""
    return (((1 << n) - 1).to_bytes(32, "little"))


def connect(frame, ts, primary, secondary, *, name=b"fo", split=128, mclt=60, max_unacked=10,
            receive_timer=15, clock=None, sport=40000, dport=647):
    return fo(frame, ts, primary, secondary, "CONNECT", 0, clock=clock, sport=sport, dport=dport,
              options=[(22, name), (14, u32(max_unacked)), (19, u32(receive_timer)),
                       (28, b"isc-4.4.3-P1"), (20, b"\x01"), (27, b"\x00"), (15, u32(mclt)),
                       (11, hba_split(split))])


def connectack(frame, ts, secondary, primary, *, name=b"fo", max_unacked=10, receive_timer=15,
               reject: int | None = None, text: bytes = b"", clock=None, sport=647,
               dport=40000):
    options = [(22, name), (14, u32(max_unacked)), (19, u32(receive_timer)),
               (28, b"isc-4.4.3-P1"), (20, b"\x01")]
    if reject is not None:
        options += [(21, bytes((reject,))), (16, text)]
    return fo(frame, ts, secondary, primary, "CONNECTACK", 0, clock=clock, sport=sport,
              dport=dport, options=options)


def state(frame, ts, src, dst, value: int, xid: int = 1, startup=False, **kw):
    return fo(frame, ts, src, dst, "STATE", xid, options=[
        (24, bytes((value,))), (23, bytes((1 if startup else 0,))), (25, u32(int(ts)))], **kw)


def bndupd(frame, ts, src, dst, xid: int, addr: str, mac: str, status: int = 2, **kw):
    return fo(frame, ts, src, dst, "BNDUPD", xid, options=[
        (2, ip4(addr)), (3, bytes((status,))), (5, b"\x01" + mac_bytes(mac)),
        (13, u32(int(ts) + 600)), (18, u32(int(ts) + 900)), (25, u32(int(ts)))], **kw)


def bndack(frame, ts, src, dst, xid: int, addr: str, reject: int | None = None, text=b"", **kw):
    options = [(2, ip4(addr))]
    if reject is not None:
        options += [(21, bytes((reject,))), (16, text)]
    return fo(frame, ts, src, dst, "BNDACK", xid, options=options, **kw)


def tcp(frame, ts, src, sport, dst, dport, kind):
    return TcpEvent(frame=frame, ts=ts, src=src, sport=sport, dst=dst, dport=dport, kind=kind)


P, S = "10.0.0.2", "10.0.0.3"       # a primary and a secondary for synthetic pairs


def pair_up(ts: float = 1000.0, *, split: int = 128, receive_timer: int = 15, max_unacked=10,
            frame: int = 1) -> list:
    """A connection from P to S brought to NORMAL/NORMAL, as ISC does it (wire §5.1)."""
    return [tcp(frame, ts, P, 40000, S, 647, "syn"), tcp(frame + 1, ts, S, 647, P, 40000, "synack"),
            connect(frame + 2, ts + 0.001, P, S, split=split, receive_timer=receive_timer,
                    max_unacked=max_unacked, sport=40000, dport=647),
            connectack(frame + 3, ts + 0.002, S, P, receive_timer=receive_timer,
                       max_unacked=max_unacked, sport=647, dport=40000),
            state(frame + 4, ts + 0.003, S, P, 2, sport=647, dport=40000),
            state(frame + 5, ts + 0.004, P, S, 2, sport=40000, dport=647)]


def from_p(rec_factory, *args, **kw):
    """A failover record on the pair_up connection from P."""
    return rec_factory(*args, sport=40000, dport=647, **kw)


def from_s(rec_factory, *args, **kw):
    return rec_factory(*args, sport=647, dport=40000, **kw)
