"""Frames read again on demand: the browser keeps one-line rows, and decodes a frame's details only
when they are looked at.

While a file is loaded the reader reports, at each chunk or block boundary, how many records it
had read and the byte offset just past them (`CaptureFile.position`). Those checkpoints let a frame
be read again by seeking close to it: the file's header (pcap) or the blocks before its first
packet (pcapng: section and interface descriptions) are put in front of the seeked stream, so the
project's own readers parse it as if it were a file of its own. A gzip file seeks by
decompressing from its start (zlib speed); stdin cannot be read twice, so its frames are not kept.
"""
from __future__ import annotations

import bisect
import gzip
import struct
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

from dhcpanalyze.sources.capture import (
    GZIP_MAGIC, PCAP_MAGICS, PCAPNG_SHB, ChunkedInput, Packet, Prefilter, _read_pcap, _read_pcapng)

# A failover message may start in segments before the frame that completes it: reading starts this
# many checkpoints (chunks of about 1 MiB) early, so the TCP stream is reassembled up to it.
LEAD_CHECKPOINTS = 1


@dataclass(slots=True)
class FileSpan:
    """One input file: its global frame numbers start after `base`; checkpoints are file-local."""

    path: str
    base: int
    records: list[int] = field(default_factory=lambda: [0])
    offsets: list[int] = field(default_factory=lambda: [-1])     # -1: the very start of the file

    def note(self, records: int, offset: int) -> None:
        if records > self.records[-1]:
            self.records.append(records)
            self.offsets.append(offset)

    def start_for(self, local: int) -> tuple[int, int]:
        """(records before, byte offset) of a checkpoint a little before local frame `local`."""
        i = bisect.bisect_left(self.records, local) - 1 - LEAD_CHECKPOINTS
        i = max(i, 0)
        return self.records[i], self.offsets[i]


class FrameStore:
    """Knows where the frames of the loaded files are; `packets(first, last)` reads them again."""

    def __init__(self, prefilter: Prefilter | None = None) -> None:
        self.spans: list[FileSpan] = []
        self.prefilter = prefilter          # the loader's: frames it dropped are not read again

    def begin(self, path: str, base: int) -> FileSpan | None:
        """A file starts at global frame number base + 1; None when it cannot be re-read (stdin)."""
        if path == "-":
            return None
        span = FileSpan(path, base)
        self.spans.append(span)
        return span

    def span_of(self, frame: int) -> FileSpan | None:
        for span in reversed(self.spans):
            if frame > span.base:
                return span
        return None

    def packets(self, first: int, last: int) -> Iterator[Packet]:
        """Packets (with global frame numbers) from a little before `first` up to `last`, inclusive,
        across files."""
        for i, span in enumerate(self.spans):
            end = self.spans[i + 1].base if i + 1 < len(self.spans) else None
            if span.base < last and (end is None or end >= first):
                yield from self._read(span, max(first, span.base + 1), last)

    def _read(self, span: FileSpan, first: int, last: int) -> Iterator[Packet]:
        before, offset = span.start_for(first - span.base)
        with _open(span.path) as stream:
            head = _header(stream)
            if head is None:
                return
            stream.seek(offset if offset >= 0 else len(head))
            inp = ChunkedInput(stream, head)
            reader = _read_pcap(inp, [], self.prefilter) if head[:4] in PCAP_MAGICS else _read_pcapng(inp, [])
            for number, ts, data, linktype, wirelen in reader:
                frame = span.base + before + number
                if frame > last:
                    break
                yield frame, ts, data, linktype, wirelen


def _open(path: str) -> BinaryIO:
    fh = open(path, "rb")
    if fh.read(2) == GZIP_MAGIC:
        fh.seek(0)
        return gzip.GzipFile(fileobj=fh)
    fh.seek(0)
    return fh


def _header(stream: BinaryIO) -> bytes | None:
    """pcap: the 24-byte file header; pcapng: every block before the first packet block."""
    head = stream.read(24)
    if head[:4] in PCAP_MAGICS:
        return head
    if head[:4] != PCAPNG_SHB:
        return None
    order = "<" if head[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    stream.seek(0)
    out = b""
    while True:
        top = stream.read(8)
        if len(top) < 8:
            return out
        btype, blen = struct.unpack(order + "II", top)
        if btype in (3, 6) or blen < 12:
            return out
        out += top + stream.read(blen - 8)
