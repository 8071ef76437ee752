"""Records as plain tuples, for handing them from one process to another.

`marshal` and `pickle` turn tuples, ints, strings and bytes into bytes and back in C; a slots
dataclass goes through Python-level `__getstate__`/`__setstate__` per object (pickling records
costs about 28 µs each, packing and unpacking them here about 4 µs).
`unpack(pack(r)) == r` for every record kind (tests/pipeline/test_forked.py).
Options travel as (code, data) pairs and come back with the same names and values: the dissectors
decide both from the code and the bytes alone (and, for failover, the era the message has).
"""
from __future__ import annotations

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, IcmpQuote, Record, TcpEvent
from dissectors.dhcp import DhcpMessage, dhcp_options
from dissectors.failover import FailoverMessage, failover_options_by_name, message_from_layout
from dissectors.options import Option

_DHCP, _FAILOVER, _TCP, _ISSUE, _FAILOVER_LAID = range(5)


def pack(record: Record) -> tuple:
    """One record as a tuple of builtins; the first item says which kind it is."""
    kind = type(record)
    if kind is DhcpRecord:
        return _pack_dhcp(record)
    if kind is FailoverRecord:
        msg = record.msg
        laid = msg.layout_data()
        if laid is not None:        # the usual message: its option codes and by_name, nothing made
            return (_FAILOVER_LAID, record.frame, record.ts, record.src, record.sport, record.dst,
                    record.dport, record.raw, msg.length, msg.type, msg.type_name, msg.time, msg.xid,
                    msg.legacy, *laid)
        return (_FAILOVER, record.frame, record.ts, record.src, record.sport, record.dst, record.dport,
                record.raw, msg.length, msg.type, msg.type_name, msg.poffset, msg.time, msg.xid,
                msg.extra_header, _pack_options(msg.options), msg.issues, msg.legacy)
    if kind is TcpEvent:
        return (_TCP, record.frame, record.ts, record.src, record.sport, record.dst, record.dport,
                record.kind, record.detail)
    if kind is CaptureIssue:
        return (_ISSUE, record.frame, record.ts, record.message)
    raise TypeError(f"not a record: {kind.__name__}")


def _pack_dhcp(record: DhcpRecord) -> tuple:
    msg, icmp = record.msg, record.via_icmp
    quote = None if icmp is None else (icmp.type, icmp.code, icmp.sender)
    return (_DHCP, record.frame, record.ts, record.src, record.sport, record.dst, record.dport, quote,
            record.eth_src, record.raw,
            msg.op, msg.htype, msg.hlen, msg.hops, msg.xid, msg.secs, msg.flags, msg.ciaddr, msg.yiaddr,
            msg.siaddr, msg.giaddr, msg.chaddr, msg.sname, msg.file, msg.has_cookie,
            _pack_options(msg.options), msg.issues, msg.trailing, msg.overload, msg.split_options)


def _pack_options(options: list[Option]) -> list[tuple[int, bytes]]:
    return [(opt.code, opt.raw) for opt in options]


def unpack(item: tuple) -> Record:
    """The record `pack` made `item` from."""
    kind = item[0]
    if kind == _FAILOVER_LAID:
        _, frame, ts, src, sport, dst, dport, raw, length, mtype, type_name, time, xid, legacy, codes, by_name = item
        return FailoverRecord(frame, ts, src, sport, dst, dport,
                              message_from_layout(length, mtype, type_name, time, xid, legacy, codes, by_name), raw)
    if kind == _DHCP:
        return _unpack_dhcp(item)
    if kind == _FAILOVER:
        (_, frame, ts, src, sport, dst, dport, raw, length, mtype, type_name, poffset, time, xid, extra,
         options, issues, legacy) = item
        # the options and the engine's table of them by name in one pass (as the decoder makes them)
        options, by_name = failover_options_by_name(options, legacy)
        msg = FailoverMessage(length, mtype, type_name, poffset, time, xid, extra, options, issues, legacy,
                              by_name)
        return FailoverRecord(frame, ts, src, sport, dst, dport, msg, raw)
    if kind == _TCP:
        return TcpEvent(*item[1:])
    return CaptureIssue(*item[1:])


def _unpack_dhcp(item: tuple) -> DhcpRecord:
    frame, ts, src, sport, dst, dport, quote, eth_src, raw = item[1:10]
    header, (options, issues, trailing, overload, split) = item[10:25], item[25:]
    msg = DhcpMessage(*header, dhcp_options(options), issues, trailing, overload, split)
    via_icmp = None if quote is None else IcmpQuote(*quote)
    return DhcpRecord(frame, ts, src, sport, dst, dport, msg, via_icmp, eth_src, raw)
