"""What the decoding pipeline hands to the engine, the reports and (later) the TUI.

Each record is one decoded message (or one event) with where and when it was seen. Records are
produced in capture order; `frame` is the 1-based frame number as tshark counts it.
"""
from __future__ import annotations

from dataclasses import dataclass

from dissectors.dhcp.message import DhcpMessage
from dissectors.failover.message import FailoverMessage


@dataclass(slots=True, frozen=True)
class IcmpQuote:
    """The DHCP message was found quoted inside an ICMP error (RFC 792): who sent the error and why."""

    type: int               # 3 destination unreachable, 11 time exceeded, ...
    code: int               # 3 port unreachable, 1 host unreachable, ...
    sender: str             # the IP that sent the ICMP error (the dead server's host, a router)


@dataclass(slots=True)
class DhcpRecord:
    """A DHCPv4 message on UDP (or quoted in an ICMP error: then src/dst are the quoted datagram's)."""

    frame: int
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    msg: DhcpMessage
    via_icmp: IcmpQuote | None = None
    eth_src: str | None = None      # link-layer source MAC when the link has one
    raw: bytes = b""                # the whole frame, only when DecodeOptions.keep_raw (for -x)


@dataclass(slots=True)
class FailoverRecord:
    """A failover message; `frame` is the frame that carried its last byte."""

    frame: int
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    msg: FailoverMessage
    raw: bytes = b""                # the frame carrying the last byte, only with DecodeOptions.keep_raw


@dataclass(slots=True, frozen=True)
class TcpEvent:
    """Connection life on a failover port: kind is 'syn', 'synack', 'fin', 'rst' or 'gap'.

    'gap' means bytes of the stream were lost (capture started mid-stream, dropped segments);
    `detail` says how many bytes were skipped to the next plausible message header.
    """

    frame: int
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    kind: str
    detail: str = ""


@dataclass(slots=True, frozen=True)
class CaptureIssue:
    """A frame or file problem: truncated record, snaplen cut, malformed IP, unreadable input."""

    frame: int
    ts: float
    message: str


Record = DhcpRecord | FailoverRecord | TcpEvent | CaptureIssue
