"""The packet list kept compact: per record its frame, time and kind, nothing else.

A 1M-packet capture with 10 % DHCP and failover gives about 100k records; decoded records with
their options would take a few kilobytes each. The summary lines on screen, details and hex are
decoded again from the file when looked at (framestore.py), as toolong keeps only line offsets.
Lines are kept only for records that cannot be read again (stdin, a live source, what the TCP
reassembler flushes at the end, capture problems).
"""
from __future__ import annotations

from array import array

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, Record, TcpEvent
from dhcpanalyze.reports.packets import summary_line

DHCP, ICMP, FAILOVER, TCP, ISSUE = range(5)
KIND_NAMES = ("DHCP", "ICMP", "FAILOVER", "TCP", "ISSUE")


def kind_of(record: Record) -> int:
    if isinstance(record, DhcpRecord):
        return DHCP if record.via_icmp is None else ICMP
    if isinstance(record, FailoverRecord):
        return FAILOVER
    return ISSUE if isinstance(record, CaptureIssue) else TCP


KIND_OF_TYPE = {FailoverRecord: FAILOVER, TcpEvent: TCP, CaptureIssue: ISSUE}   # DhcpRecord: DHCP or ICMP


class PacketRows:
    """Append-only rows; row i is the i-th record in capture order."""

    def __init__(self) -> None:
        self.frames = array("Q")
        self.ts = array("d")
        self.kinds = bytearray()
        self.kept: dict[int, str] = {}      # row -> summary line, for rows that cannot be re-read
        self.t0: float | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def add(self, record: Record, rereadable: bool) -> int:
        row = len(self.frames)
        if not row:
            self.t0 = record.ts
        self.frames.append(record.frame)
        self.ts.append(record.ts)
        kind = KIND_OF_TYPE.get(type(record))
        if kind is None:
            kind = kind_of(record)
        self.kinds.append(kind)
        if not rereadable or kind == ISSUE:
            self.kept[row] = summary_line(record, self.t0)
        return row

    def line(self, record: Record) -> str:
        return summary_line(record, self.t0 if self.t0 is not None else record.ts)

    def nth_in_frame(self, row: int) -> int:
        """How many earlier rows share this row's frame (a frame may carry several messages)."""
        frame, n = self.frames[row], 0
        while row - n - 1 >= 0 and self.frames[row - n - 1] == frame:
            n += 1
        return n

    def row_of_frame(self, frame: int) -> int | None:
        """The first row of a frame (rows are in frame order within a file)."""
        lo, hi = 0, len(self.frames)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.frames[mid] < frame:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.frames) and self.frames[lo] == frame else None
