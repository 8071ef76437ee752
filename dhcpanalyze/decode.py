"""The decoding pipeline: capture files -> frames -> IPv4 -> DHCP / ICMP-quoted DHCP / failover records.

`iter_records(paths)` yields `dhcpanalyze.model` records in capture order. The hot path looks at raw
bytes at fixed offsets and drops every frame that cannot be DHCP, failover or an ICMP error about
them before anything is built (see BENCHMARKS.md); only candidates reach the dissectors.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Iterator

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, IcmpQuote, Record, TcpEvent
from dhcpanalyze.sources.capture import CaptureError, CaptureFile, Prefilter, is_bare_ack, prefilter_judges
from dissectors.addr import ip_text
from dissectors.dhcp import decode_dhcp
from dissectors.failover.stream import FailoverStreams
from dissectors.ipv4 import Defragmenter
from dissectors.link import LINKTYPE_ETHERNET, ipv4_offset

__all__ = ["CaptureError", "DecodeOptions", "Decoder", "iter_records"]

ICMP_ERRORS = frozenset((3, 4, 5, 11, 12))   # unreachable, source quench, redirect, time exceeded, param
UDP, TCP, ICMP = 17, 6, 1
_PORTS = struct.Struct("!HH")
_UDP_HEADER = struct.Struct("!HHH")       # source port, destination port, length
# RFC 791 header: version/IHL, total length, flags/fragment offset, protocol, source, destination
_IPV4_HEADER = struct.Struct("!BxH2xHxB2x4s4s")


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """What counts as DHCP and failover traffic, and what to keep."""

    dhcp_ports: frozenset[int] = frozenset((67, 68))     # RFC 2131 §4.1; add e.g. 4011 (PXE) if needed
    failover_ports: frozenset[int] = frozenset((647,))   # ISC default; older configs use 519/520
    keep_raw: bool = False                               # keep frame bytes on records (for -x)


def iter_records(paths: list[str], opts: DecodeOptions | None = None) -> Iterator[Record]:
    """Decode every file in turn; frame numbers continue across files as if they were concatenated.

    Raises CaptureError before yielding anything from a file that is not a capture at all.
    """
    return Decoder(opts or DecodeOptions()).records(paths)


class Decoder:
    """Per-run decoding state: frame counter, IP defragmenter, failover TCP streams."""

    def __init__(self, opts: DecodeOptions) -> None:
        self.opts = opts
        self.frames_read = 0        # frames of all files so far: the next file's numbers follow on
        self.last_ts = 0.0
        self.defrag = Defragmenter()
        self.streams = FailoverStreams()

    def records(self, paths: list[str]) -> Iterator[Record]:
        """Every record of the files in turn, then what the streams still hold; sets frames_read."""
        for path in paths:
            yield from self.read(path)
        yield from self.finish()

    def read(self, path: str) -> Iterator[Record]:
        opts = self.opts
        capture = self.capture = CaptureFile(path, Prefilter(opts.dhcp_ports, opts.failover_ports,
                                                             ICMP_ERRORS))
        # Frames the reader's prefilter judged need no second look here; pcapng, VLAN tags, IP
        # options and other link types do.
        prefilters = capture.prefilters
        base = self.frames_read
        for number, ts, data, linktype, wirelen in capture:
            if prefilters and prefilter_judges(data, linktype):
                off = 14
            else:
                off = 14 if linktype == LINKTYPE_ETHERNET and data[12:14] == b"\x08\x00" else \
                    ipv4_offset(data, linktype)
                if off < 0 or not self._is_candidate(data, off):
                    continue
            self.last_ts = ts
            records = self._ipv4(base + number, ts, data, off, linktype, wirelen)
            if records:
                yield from records
        self.frames_read = base + capture.records
        for issue in capture.issues:
            yield CaptureIssue(self.frames_read, self.last_ts, f"{path}: {issue}")

    def frame_records(self, frame: int, ts: float, data: bytes, linktype: int, wirelen: int) -> list[Record]:
        """The records of one frame, judged and decoded as read() does (frames re-read on demand)."""
        off = ipv4_offset(data, linktype)
        if off < 0 or not self._is_candidate(data, off):
            return []
        self.last_ts = ts
        return self._ipv4(frame, ts, data, off, linktype, wirelen)

    def _is_candidate(self, data: bytes, off: int) -> bool:
        """DHCP, failover or an ICMP error, judged from fixed offsets. The reader's prefilter already
        judged plain Ethernet/IPv4; this covers the rest (tags, IP options, other link types)."""
        if len(data) < off + 20:
            return False
        proto, ihl = data[off + 9], (data[off] & 0x0F) * 4
        if proto == ICMP:
            return len(data) > off + ihl and data[off + ihl] in ICMP_ERRORS
        if proto != UDP and proto != TCP:
            return False
        sport, dport = _PORTS.unpack_from(data, off + ihl) if len(data) >= off + ihl + 4 else (0, 0)
        ports = self.opts.dhcp_ports if proto == UDP else self.opts.failover_ports
        if sport in ports or dport in ports:
            return True
        # A non-first UDP fragment carries no ports: the defragmenter must see it.
        return proto == UDP and bool(data[off + 6] & 0x1F or data[off + 7])

    def finish(self) -> Iterator[Record]:
        for (src, sport, dst, dport), item in self.streams.finish():
            yield self._stream_record(src, sport, dst, dport, item, b"")

    # -- IPv4 and above -------------------------------------------------------------------------

    def _ipv4(self, frame: int, ts: float, data: bytes, off: int, linktype: int, wirelen: int
              ) -> list[Record]:
        """Records from one IPv4 packet (a list: most packets give one record, some none or several)."""
        if len(data) < off + 20:
            return []
        ver_ihl, total, frag, proto, src, dst = _IPV4_HEADER.unpack_from(data, off)
        ihl = (ver_ihl & 0x0F) * 4
        if ver_ihl >> 4 != 4 or ihl < 20 or total < ihl:
            return [CaptureIssue(frame, ts, f"frame {frame}: malformed IPv4 header (ihl {ihl}, length {total})")]
        cut = off + total > len(data)
        if frag & 0x3FFF and not (cut and not frag & 0x1FFF):
            # A fragment (MF set or offset > 0). A first fragment cut by the snaplen can never be
            # reassembled, so it is decoded below as far as it goes, like tshark does.
            packet = data[off:off + total]
            whole = self.defrag.add(ts, bytes(packet[:ihl]), bytes(packet[ihl:]), frag)
            if whole is None:
                return []
            # the datagram's header is the first fragment's (its length, options may differ)
            ihl, proto, src, dst = (whole[0] & 0x0F) * 4, whole[9], whole[12:16], whole[16:20]
            l4, cut = whole[ihl:], False
        else:
            l4 = data[off + ihl:off + total]
        if proto == TCP and len(l4) >= 20 and is_bare_ack(len(l4), l4[12], l4[13]):
            return []
        src, dst = ip_text(src), ip_text(dst)
        raw = bytes(data) if self.opts.keep_raw else b""
        if proto == TCP:
            return self._tcp(frame, ts, src, dst, l4, raw)
        if proto == UDP:
            eth_src = data[6:12].hex(":") if linktype == LINKTYPE_ETHERNET else None
            record = self._udp(frame, ts, src, dst, l4, cut, wirelen - len(data), raw, eth_src)
        else:
            record = self._icmp(frame, ts, src, l4, raw)
        return [] if record is None else [record]

    def _udp(self, frame: int, ts: float, src: str, dst: str, l4: bytes, cut: bool, lost: int,
             raw: bytes, eth_src: str | None) -> DhcpRecord | None:
        if len(l4) < 8:
            return None
        sport, dport, ulen = _UDP_HEADER.unpack_from(l4, 0)
        ports = self.opts.dhcp_ports
        if sport not in ports and dport not in ports:
            return None
        payload = l4[8:ulen] if ulen >= 8 else l4[8:]
        msg = decode_dhcp(bytes(payload))
        if cut or ulen > len(l4):
            msg.issues.append(f"frame cut by the capture's snaplen: {max(lost, ulen - len(l4))} bytes of the "
                              "datagram were not captured")
        return DhcpRecord(frame, ts, src, sport, dst, dport, msg, None, eth_src, raw)

    def _icmp(self, frame: int, ts: float, sender: str, l4: bytes, raw: bytes) -> DhcpRecord | None:
        """An ICMP error quotes the offending datagram (RFC 792; Linux quotes up to 576 bytes in all)."""
        if len(l4) < 8 + 20:
            return None
        icmp_type, code = l4[0], l4[1]
        inner = l4[8:]
        ihl = (inner[0] & 0x0F) * 4
        if inner[0] >> 4 != 4 or inner[9] != UDP or len(inner) < ihl + 8:
            return None
        sport, dport, ulen = _UDP_HEADER.unpack_from(inner, ihl)
        ports = self.opts.dhcp_ports
        if sport not in ports and dport not in ports:
            return None
        payload = inner[ihl + 8:ihl + ulen] if ulen >= 8 else inner[ihl + 8:]
        msg = decode_dhcp(bytes(payload))
        if ulen > len(inner) - ihl:
            msg.issues.append(f"ICMP quoted only {len(payload)} of {ulen - 8} bytes of the DHCP message")
        return DhcpRecord(frame, ts, ip_text(inner[12:16]), sport, ip_text(inner[16:20]), dport, msg,
                          IcmpQuote(icmp_type, code, sender), None, raw)

    def _tcp(self, frame: int, ts: float, src: str, dst: str, l4: bytes, raw: bytes) -> list[Record]:
        if len(l4) < 20:
            return []
        sport, dport, seq = struct.unpack_from("!HHI", l4, 0)
        if sport not in self.opts.failover_ports and dport not in self.opts.failover_ports:
            return []
        items = self.streams.feed(frame, ts, src, sport, dst, dport, seq, l4[13], l4[(l4[12] >> 4) * 4:],
                                  batched=True)
        if len(items) == 1 and items[0].kind == "messages":     # the usual segment: whole messages
            item = items[0]
            frame, ts = item.frame, item.ts
            return [FailoverRecord(frame, ts, src, sport, dst, dport, msg, raw) for msg in item.messages]
        records: list[Record] = []
        for item in items:
            if item.kind == "messages":
                records += [FailoverRecord(item.frame, item.ts, src, sport, dst, dport, msg, raw)
                            for msg in item.messages]
            else:
                records.append(self._stream_record(src, sport, dst, dport, item, raw))
        return records

    @staticmethod
    def _stream_record(src: str, sport: int, dst: str, dport: int, item, raw: bytes) -> Record:
        if item.kind == "message":
            return FailoverRecord(item.frame, item.ts, src, sport, dst, dport, item.message, raw)
        return TcpEvent(item.frame, item.ts, src, sport, dst, dport, item.kind, item.detail)

