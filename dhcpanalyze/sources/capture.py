"""Capture-file readers: pcap (both byte orders, µs and ns), pcapng (any number of interfaces and link
types), gzip-compressed either way, and '-' for stdin.

Each reader yields `(ts, data, linktype, wirelen)` per packet and streams the file in chunks, so memory
stays flat however large the capture is. Problems inside a file (a truncated last record, a corrupt
block) end the reading with an entry in `issues`; only "this is not a capture at all" raises
`CaptureError`.

dpkt has pcap and pcapng readers, but its pcap reader builds a header object per packet (the cost we
measure against in BENCHMARKS.md) and its pcapng reader keeps one link type for the whole file; reading
record headers with struct at fixed offsets is both faster and lets one file carry several link types.
"""
from __future__ import annotations

import gzip
import io
import struct
import sys
from dataclasses import dataclass
from typing import BinaryIO, Iterator

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20           # bytes read from the file at a time
MAX_RECORD = 1 << 18      # a record claiming more than 256 KiB is corruption, not a packet

Packet = tuple[int, float, bytes, int, int]      # (frame number, ts, data, linktype, wirelen)

# Untagged Ethernet + option-less IPv4 header, read in one call at fixed offsets: EtherType, version/IHL,
# flags/fragment offset, protocol, and the first four bytes of the transport header (the ports).
_ETH_IPV4_FIELDS = "12xHB5xHxB10xHH"
_ETH_IPV4_LEN = struct.calcsize("!" + _ETH_IPV4_FIELDS)      # 38
# IPv4 total length, then the TCP data offset and flags of an option-less IPv4 header.
_TCP_SIZES = struct.Struct("!16xH28xBB")
_TCP_SIZES_LEN = _TCP_SIZES.size    # 48


def prefilter_judges(data: bytes, linktype: int) -> bool:
    """Does the pcap reader's prefilter judge this frame (untagged Ethernet, option-less IPv4, long
    enough for its fixed offsets)? Such a frame it yielded is a candidate; others need a decoder's look."""
    return (linktype == 1 and len(data) >= _ETH_IPV4_LEN and data[12] == 8 and data[13] == 0
            and data[14] == 0x45)


def is_bare_ack(tcp_len: int, offset_byte: int, flags: int) -> bool:
    """A TCP segment (`tcp_len` bytes from its header on) without data and without SYN, FIN or RST:
    no failover bytes and no connection event, so nothing for the decoder."""
    return 20 <= tcp_len <= (offset_byte >> 4) * 4 and not flags & 0x07


def _is_bare_ack(buf: bytes, start: int, caplen: int) -> bool:
    """is_bare_ack for an unfragmented segment at `start`, from fixed offsets."""
    if caplen < _TCP_SIZES_LEN:
        return False
    total, offset_byte, flags = _TCP_SIZES.unpack_from(buf, start)
    return is_bare_ack(min(total, caplen - 14) - 20, offset_byte, flags)


@dataclass(frozen=True, slots=True)
class Prefilter:
    """Frames a reader may drop without yielding them, judged from fixed offsets of Ethernet/IPv4.

    Only untagged Ethernet frames with a 20-byte IPv4 header are ever dropped: UDP unless a port is in
    `udp_ports` (or it is a non-first fragment, which carries no ports), TCP unless a port is in
    `tcp_ports` and the segment carries data or SYN/FIN/RST (bare ACKs are dropped), ICMP unless
    its type is in `icmp_types`, and every other IP protocol. Anything else (VLAN tags, IP options,
    other link types, short frames) is yielded for the full decoder to judge. Per dropped packet that
    is one struct call, which also reads the record's length (two for TCP on a failover port).
    """

    udp_ports: frozenset[int]
    tcp_ports: frozenset[int]
    icmp_types: frozenset[int]

    def in_file_order(self, order: str) -> tuple:
        """For a pcap in byte order `order`: a struct that reads a record's captured length and the
        fixed-offset fields of its packet in one call, all in the file's order (so a little-endian
        file gives the packet's 16-bit fields byte-swapped), then what they are compared with,
        swapped to match: the IPv4 EtherType, the UDP and TCP port sets, the first-fragment and
        fragment masks, and the shift that takes the ICMP type out of the "source port", then
        the ICMP types. The swapped values are only compared, never shown."""
        fused = struct.Struct(order + "8xI4x" + _ETH_IPV4_FIELDS).unpack_from
        swap = _swap16 if order == "<" else int
        return (fused, swap(0x0800), frozenset(map(swap, self.udp_ports)), frozenset(map(swap, self.tcp_ports)),
                swap(0x1FFF), swap(0x3FFF), 0 if order == "<" else 8, self.icmp_types)


def _swap16(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


_NO_PREFILTER = Prefilter(frozenset(), frozenset(), frozenset())


class CaptureError(Exception):
    """The input cannot be read as a capture at all (missing, unreadable, unknown format)."""


class ChunkedInput:
    """A byte stream read in large chunks into one reused buffer.

    `buf[pos:end]` holds the bytes not consumed yet; `fill(n)` makes at least n of them available
    (False at EOF with fewer). Refilling moves only the unconsumed tail (less than one record) to
    the front and reads into the space behind it: no new chunk-sized object per refill, and the
    bytes are copied once from the file, not again to join them to the tail. Readers copy out
    what they keep (`bytes(buf[a:b])`), since later fills overwrite the buffer.

    SLACK bytes always follow `end` in the buffer (stale or zero), so a reader may unpack a
    fixed-size struct at any pos < end without a bounds check of its own, as long as it uses
    only the fields that lie before `end`.
    """

    SLACK = 64

    def __init__(self, stream: BinaryIO, head: bytes = b"") -> None:
        self.stream = stream
        self.buf = bytearray(head) + bytes(self.SLACK)
        self.pos = 0
        self.end = len(head)
        self.consumed = 0   # bytes handed out before buf[0], for error offsets
        self.records = 0    # packet records read so far (kept by the readers, so a read error keeps it)

    def fill(self, n: int) -> bool:
        """Make at least n bytes available from pos; False at EOF with fewer."""
        if self.end - self.pos >= n:
            return True
        tail = self.end - self.pos
        if self.pos:
            self.buf[:tail] = self.buf[self.pos:self.end]
            self.consumed += self.pos
            self.pos, self.end = 0, tail
        size = tail + max(CHUNK, n) + self.SLACK
        if len(self.buf) < size:
            self.buf.extend(bytes(size - len(self.buf)))
        with memoryview(self.buf) as view:
            while self.end - self.pos < n:
                got = self.stream.readinto(view[self.end:len(self.buf) - self.SLACK])
                if not got:
                    return False
                self.end += got
        return True

    @property
    def offset(self) -> int:
        return self.consumed + self.pos


class CaptureFile:
    """Iterate the packets of one capture; `issues` collects what went wrong inside the file."""

    def __init__(self, path: str, prefilter: Prefilter | None = None) -> None:
        self.path = path
        self.prefilter = prefilter
        self.issues: list[str] = []
        self.records = 0          # packet records read (yielded or dropped by the prefilter)
        self.prefilters = False   # the prefilter is applied (pcap): see prefilter_judges
        self.format = "?"
        self._stream = _open_stream(path)
        self._input = _sniff(self._stream, path)
        head = bytes(self._input.buf[:4])
        if head in PCAP_MAGICS:
            self.format = "pcap"
            self.prefilters = prefilter is not None
        elif head == PCAPNG_SHB:
            self.format = "pcapng"
        else:
            self.close()
            raise CaptureError(f"{path}: not a pcap or pcapng capture (starts with {head.hex() or 'nothing'})")

    def __iter__(self) -> Iterator[Packet]:
        try:
            if self.format == "pcap":
                yield from _read_pcap(self._input, self.issues, self.prefilter)
            else:
                yield from _flag_far_future(_read_pcapng(self._input, self.issues), self.issues)
        except (OSError, EOFError, gzip.BadGzipFile, ValueError) as exc:
            self.issues.append(f"read error after byte {self._input.offset}: {exc}")
        finally:
            if getattr(self._input.stream, "cut_short", False):
                self.issues.append(f"gzip stream cut short after {self._input.end + self._input.consumed} "
                                   "decompressed bytes; every complete record before the cut was read")
            self.records = self._input.records
            self.close()

    @property
    def position(self) -> tuple[int, int]:
        """(records read, byte offset just past the last of them), updated at the reader's chunk and
        block boundaries: a place from which the file can be read again (the TUI re-reads frames)."""
        return self._input.records, self._input.offset

    def close(self) -> None:
        if self._stream is not sys.stdin.buffer:
            self._stream.close()


def _open_stream(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CaptureError(f"{path}: {exc.strerror or exc}") from None


def _sniff(stream: BinaryIO, path: str) -> ChunkedInput:
    """Look at the first bytes; unwrap gzip transparently."""
    try:
        head = stream.read(4)
        if head[:2] == GZIP_MAGIC:
            stream = _GzipMembers(gzip.GzipFile(fileobj=_Prefixed(head, stream)))
            head = stream.read(4)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CaptureError(f"{path}: {exc}") from None
    if len(head) < 4:
        raise CaptureError(f"{path}: empty or too short to be a capture ({len(head)} bytes)")
    return ChunkedInput(stream, head)


class _GzipMembers(io.RawIOBase):
    """A gzip stream that ends cleanly where a cut file ends.

    GzipFile raises EOFError at a missing end-of-stream marker, and a large `readinto` then drops
    everything it had decompressed in that call (up to a chunk, 1 MiB). Reading with `read1` gets
    each decompressed piece as it comes, so every byte before the cut reaches the capture reader,
    which then reports the record the cut went through; `cut_short` says the stream was incomplete.
    """

    def __init__(self, stream: gzip.GzipFile) -> None:
        self.stream = stream
        self.cut_short = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            data = self.stream.read1(len(b))
        except EOFError:
            self.cut_short = True
            return 0
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


class _Prefixed(io.RawIOBase):
    """A stream with some already-read bytes put back in front (stdin cannot seek)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(b))
        b[:len(data)] = data
        return len(data)


def _read_pcap(inp: ChunkedInput, issues: list[str], prefilter: Prefilter | None) -> Iterator[Packet]:
    if not inp.fill(24):
        issues.append("pcap file header truncated (fewer than 24 bytes)")
        return
    order, scale = PCAP_MAGICS[bytes(inp.buf[0:4])]
    linktype = struct.unpack_from(order + "I", inp.buf, 20)[0] & 0xFFFF   # upper bits: FCS info
    inp.pos = 24
    unpack = struct.Struct(order + "IIII").unpack_from
    filtering = prefilter is not None and linktype == 1
    # caplen and the prefilter's fields in one struct call (ChunkedInput keeps slack after `end`);
    # the fields are used only once the record is known to hold them (caplen >= 38)
    fused, ipv4, udp_ports, tcp_ports, first_frag, frag, icmp_shift, icmp_types = \
        (prefilter or _NO_PREFILTER).in_file_order(order)
    number = 0
    while True:
        # Hot loop: local names only, one bounds check per record; refill when the chunk runs dry.
        buf, pos, end = inp.buf, inp.pos, inp.end
        while pos + 16 <= end:
            caplen, ethertype, ver_ihl, flags_offset, proto, sport, dport = fused(buf, pos)
            stop = pos + 16 + caplen
            if stop > end or caplen > MAX_RECORD:
                break
            number += 1
            if filtering and caplen >= _ETH_IPV4_LEN and ethertype == ipv4 and ver_ihl == 0x45 and (
                    sport not in udp_ports and dport not in udp_ports and not flags_offset & first_frag
                    if proto == 17 else
                    (sport not in tcp_ports and dport not in tcp_ports or
                     not flags_offset & frag and _is_bare_ack(buf, pos + 16, caplen)) if proto == 6 else
                    (sport >> icmp_shift) & 0xFF not in icmp_types if proto == 1 else True):
                pos = stop
                continue
            sec, frac, caplen, wirelen = unpack(buf, pos)
            yield number, sec + frac * scale, bytes(buf[pos + 16:stop]), linktype, wirelen
            pos = stop
        inp.pos, inp.records = pos, number      # once per chunk: a refill may raise
        if inp.fill(16):
            caplen = unpack(inp.buf, inp.pos)[2]
            if caplen > MAX_RECORD:
                issues.append(f"record {number + 1}: captured length {caplen} is impossible; file corrupt "
                              f"from byte {inp.offset}, stopped reading")
                return
            if inp.fill(16 + caplen):
                continue
            issues.append(f"record {number + 1}: truncated ({inp.end - inp.pos - 16} of {caplen} bytes); "
                          "the capture ends mid-packet")
        elif inp.end > inp.pos:
            issues.append(f"record {number + 1}: truncated header ({inp.end - inp.pos} of 16 bytes); "
                          "the capture ends mid-record")
        return


def _read_pcapng(inp: ChunkedInput, issues: list[str]) -> Iterator[Packet]:
    order = "<"
    interfaces: list[tuple[int, float]] = []   # (linktype, seconds per timestamp unit) per IDB
    number = 0
    while inp.fill(12):
        btype_raw = bytes(inp.buf[inp.pos:inp.pos + 4])
        if btype_raw == PCAPNG_SHB:
            bom = bytes(inp.buf[inp.pos + 8:inp.pos + 12])
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []                    # a new section restarts interface numbering
        btype, blen = struct.unpack_from(order + "II", inp.buf, inp.pos)
        if blen < 12 or blen % 4 or blen > MAX_RECORD:
            issues.append(f"pcapng block at byte {inp.offset} has impossible length {blen}; stopped reading")
            return
        if not inp.fill(blen):
            issues.append(f"pcapng block at byte {inp.offset} truncated ({inp.end - inp.pos} of {blen} "
                          "bytes); the capture ends mid-block")
            return
        body = bytes(inp.buf[inp.pos + 8:inp.pos + blen - 4])
        inp.pos += blen
        if btype == 1:
            interfaces.append(_idb(body, order))
        elif btype in (6, 3):
            number = inp.records = number + 1
            packet = _packet_block(btype, body, order, interfaces, number, issues)
            if packet is not None:
                yield (number, *packet)
    if inp.end > inp.pos:
        issues.append(f"pcapng block at byte {inp.offset} truncated (header of {inp.end - inp.pos} bytes)")
    return


LAST_CALENDAR_TS = 253_402_300_799.0    # 9999-12-31T23:59:59Z: later times have no ISO-8601 date


def _flag_far_future(packets: Iterator[Packet], issues: list[str]) -> Iterator[Packet]:
    """The packets as they are; one issue for those stamped past year 9999 (a 64-bit pcapng
    timestamp can say year 38558), which the reports show as raw seconds flagged out of range."""
    count, first = 0, None
    try:
        for packet in packets:
            if packet[1] > LAST_CALENDAR_TS:
                count += 1
                first = first or packet
            yield packet
    finally:
        if first is not None:
            issues.append(f"packet {first[0]}: timestamp {first[1]:.0f} s is past year 9999 "
                          f"({count} packet{'s' if count > 1 else ''} in all); shown as raw seconds")


def _idb(body: bytes, order: str) -> tuple[int, float]:
    """Interface Description Block: link type and if_tsresol (option 9, default 10^-6)."""
    linktype = struct.unpack_from(order + "H", body, 0)[0] if len(body) >= 2 else 1
    scale = 1e-6
    pos = 8
    while pos + 4 <= len(body):
        code, olen = struct.unpack_from(order + "HH", body, pos)
        if code == 0:
            break
        if code == 9 and olen >= 1:
            res = body[pos + 4]
            scale = 2.0 ** -(res & 0x7F) if res & 0x80 else 10.0 ** -res
        pos += 4 + ((olen + 3) & ~3)
    return linktype, scale


def _packet_block(btype: int, body: bytes, order: str, interfaces: list[tuple[int, float]],
                  number: int, issues: list[str]) -> tuple[float, bytes, int, int] | None:
    if btype == 3:                                  # Simple Packet Block: interface 0, no timestamp
        if not interfaces or len(body) < 4:
            issues.append(f"packet {number}: simple packet block without interface; skipped")
            return None
        wirelen = struct.unpack_from(order + "I", body, 0)[0]
        return 0.0, bytes(body[4:4 + min(wirelen, len(body) - 4)]), interfaces[0][0], wirelen
    if len(body) < 20:
        issues.append(f"packet {number}: enhanced packet block too short ({len(body)} bytes); skipped")
        return None
    ifid, ts_hi, ts_lo, caplen, wirelen = struct.unpack_from(order + "IIIII", body, 0)
    if ifid >= len(interfaces):
        issues.append(f"packet {number}: refers to interface {ifid}, only {len(interfaces)} defined; skipped")
        return None
    linktype, scale = interfaces[ifid]
    if caplen > len(body) - 20:
        issues.append(f"packet {number}: captured length {caplen} exceeds its block; cut to the block")
        caplen = len(body) - 20
    return ((ts_hi << 32) | ts_lo) * scale, bytes(body[20:20 + caplen]), linktype, wirelen
