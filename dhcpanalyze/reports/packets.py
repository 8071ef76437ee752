"""Per-message output of `dhcpanalyze packets`: summary lines, -V decode trees, -x hex, and jsonl.

All are generators of lines; wire strings pass through escape_text before they reach a terminal.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, Record, TcpEvent
from dissectors import dhcp as dhcp_dissector
from dissectors import failover as failover_dissector
from dissectors.options import Option
from dissectors.text import escape_text

HEADER = f"{'No.':>6} {'Time':>11}  {'Source':<21} {'Destination':<21} {'Protocol':<8} Info"


# -- jsonl ----------------------------------------------------------------------------------------

def option_json(opt: Option) -> dict:
    return {"code": opt.code, "name": opt.name, "raw": opt.raw.hex(), "value": opt.value}


def record_json(record: Record) -> dict:
    """The stable jsonl object of issue 2 (record "dhcp") and issue 3 (record "failover")."""
    if isinstance(record, DhcpRecord):
        return _dhcp_json(record)
    if isinstance(record, FailoverRecord):
        return _failover_json(record)
    if isinstance(record, TcpEvent):
        return {"record": "tcp", "frame": record.frame, "ts": record.ts, "src": record.src,
                "sport": record.sport, "dst": record.dst, "dport": record.dport, "event": record.kind,
                "detail": record.detail}
    return {"record": "capture-issue", "frame": record.frame, "ts": record.ts, "message": record.message}


def _dhcp_json(r: DhcpRecord) -> dict:
    m = r.msg
    return {
        "record": "dhcp", "frame": r.frame, "ts": r.ts, "src": r.src, "sport": r.sport, "dst": r.dst,
        "dport": r.dport, "op": m.op, "htype": m.htype, "hlen": m.hlen, "hops": m.hops, "xid": m.xid,
        "secs": m.secs, "flags": m.flags, "ciaddr": m.ciaddr, "yiaddr": m.yiaddr, "siaddr": m.siaddr,
        "giaddr": m.giaddr, "chaddr": _hex_colon(m.chaddr), "sname": _field_text(m.sname),
        "file": _field_text(m.file), "msg_type": m.msg_type, "options": [option_json(o) for o in m.options],
        "issues": list(m.issues),
        "via_icmp": None if r.via_icmp is None else {"type": r.via_icmp.type, "code": r.via_icmp.code,
                                                     "from": r.via_icmp.sender},
    }


def _failover_json(r: FailoverRecord) -> dict:
    m = r.msg
    return {
        "record": "failover", "frame": r.frame, "ts": r.ts, "src": r.src, "sport": r.sport, "dst": r.dst,
        "dport": r.dport, "length": m.length, "type": m.type, "type_name": m.type_name, "poffset": m.poffset,
        "time": m.time, "xid": m.xid, "options": [option_json(o) for o in m.options], "issues": list(m.issues),
        "legacy": m.legacy,
    }


def jsonl_lines(records: Iterable[Record]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record_json(record), separators=(", ", ": "))


# -- summary lines --------------------------------------------------------------------------------

def summary_line(record: Record, t0: float) -> str:
    if isinstance(record, CaptureIssue):
        return f"{record.frame:>6} {record.ts - t0:>11.6f}  !! {escape_text(record.message)}"
    proto, info = _protocol_info(record)
    src = f"{record.src}:{record.sport}"
    dst = f"{record.dst}:{record.dport}"
    return f"{record.frame:>6} {record.ts - t0:>11.6f}  {src:<21} {dst:<21} {proto:<8} {info}"


def _protocol_info(record: Record) -> tuple[str, str]:
    if isinstance(record, DhcpRecord):
        info = dhcp_info(record)
        if record.via_icmp is not None:
            q = record.via_icmp
            info = f"[ICMP type {q.type} code {q.code} from {q.sender}: {_icmp_text(q.type, q.code)}] {info}"
            return "ICMP", info
        return "DHCP", info
    if isinstance(record, FailoverRecord):
        # its wire strings are escaped there, and it counts the message's issues
        return "FAILOVER", failover_dissector.summary(record.msg)
    detail = f" ({escape_text(record.detail)})" if record.detail else ""
    return "TCP", f"{record.kind.upper()}{detail}"


ICMP_UNREACH = {0: "net unreachable", 1: "host unreachable", 2: "protocol unreachable",
                3: "port unreachable", 9: "net prohibited", 10: "host prohibited", 13: "admin prohibited"}


def _icmp_text(icmp_type: int, code: int) -> str:
    if icmp_type == 3:
        return ICMP_UNREACH.get(code, f"unreachable code {code}")
    return {11: "time exceeded", 12: "parameter problem", 4: "source quench", 5: "redirect"}.get(
        icmp_type, f"type {icmp_type}")


def dhcp_info(record: DhcpRecord) -> str:
    """Wireshark's Info column, plus who and what: `DHCP ACK 192.168.100.125 to 96:a3:.. by 192.168.100.2`."""
    m = record.msg
    kind = m.msg_type or ("BOOTREQUEST" if m.op == 1 else "BOOTREPLY" if m.op == 2 else f"op {m.op}")
    mac = _hex_colon(m.chaddr)
    server = _opt_value(m, 54) or (record.src if m.op == 2 else None)
    parts = [kind]
    if m.op == 2:
        addr = m.yiaddr if m.yiaddr != "0.0.0.0" else m.ciaddr
        if addr != "0.0.0.0":
            parts.append(addr)
        parts.append(f"to {mac}")
        if server:
            parts.append(f"by {server}")
        lease = _opt_value(m, 51)
        if lease is not None:
            parts.append(f"lease {lease}s")
    else:
        wanted = _opt_value(m, 50) or (m.ciaddr if m.ciaddr != "0.0.0.0" else None)
        if wanted:
            parts.append(str(wanted))
        parts.append(f"from {mac}")
        if _opt_value(m, 54):
            parts.append(f"server {_opt_value(m, 54)}")
        if m.giaddr != "0.0.0.0":
            parts.append(f"via relay {m.giaddr}")
    parts.append(f"xid 0x{m.xid:08x}")
    message = _opt_value(m, 56)
    if message:
        parts.append(f'"{message}"')
    if m.issues:
        parts.append(f"[{len(m.issues)} issue(s)]")
    return escape_text(" ".join(str(p) for p in parts))


def _opt_value(msg, code: int):
    opt = msg.option(code)
    return None if opt is None else opt.value


def _hex_colon(octets: bytes) -> str:
    return ":".join(f"{b:02x}" for b in octets)


def _field_text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("latin-1")


# -- -V trees and -x hex ---------------------------------------------------------------------------

def tree_lines(record: Record, t0: float) -> Iterator[str]:
    yield summary_line(record, t0)
    if isinstance(record, DhcpRecord):
        yield f"    Frame {record.frame}, time {record.ts:.6f}"
        if record.via_icmp is not None:
            q = record.via_icmp
            yield (f"    ICMP from {q.sender}: type {q.type} code {q.code} ({_icmp_text(q.type, q.code)}), "
                   "quoting the DHCP datagram below")
        yield f"    Internet Protocol, Src: {record.src}, Dst: {record.dst}"
        yield f"    User Datagram Protocol, Src Port: {record.sport}, Dst Port: {record.dport}"
        lines = dhcp_dissector.tree_lines(record.msg)
    elif isinstance(record, FailoverRecord):
        yield f"    Frame {record.frame} (last byte of the message), time {record.ts:.6f}"
        yield f"    Internet Protocol, Src: {record.src}, Dst: {record.dst}"
        yield f"    Transmission Control Protocol, Src Port: {record.sport}, Dst Port: {record.dport}"
        lines = failover_dissector.tree_lines(record.msg)
    else:
        return
    for depth, text in lines:
        yield "    " + "    " * depth + text


def hex_lines(raw: bytes) -> Iterator[str]:
    """Offset, 16 hex bytes, ASCII with dots for anything unprintable (tshark -x layout)."""
    for off in range(0, len(raw), 16):
        chunk = raw[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        yield f"{off:04x}  {hexes:<47}  {text}"
