"""A browsing session: the source, the decoder, the engine and the indexes the TUI queries.

No Textual here. The loader feeds records in batches (`feed`), passes idle ticks to the engine
(`tick`, for a live source between packets) and ends with `finish`; any thread may query at any
time (a lock keeps a batch and a query apart). Rows are one-line summaries; details, hex and the
ladder's messages are decoded again from the file when looked at.

    session = Session(["x.pcap"])
    for progress in load(session, file_source(session, ["x.pcap"])):
        ...                                   # the app redraws at most ~10 times a second
    session.rows(0, 40)                       # (row, kind, summary line) of the rows on screen
    session.record(row)                       # the row's record decoded again: -V tree and -x hex
    session.ladder([txn]); session.timeline(rel); session.set_filter("02:da:01:00:00:01")
"""
from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import dpkt

from dhcpanalyze.decode import ICMP_ERRORS, Decoder, DecodeOptions
from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.engine.findings import SEVERITY_RANK, Finding
from dhcpanalyze.engine.relationship import Relationship
from dhcpanalyze.engine.transactions import Transaction
from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, Record, TcpEvent
from dhcpanalyze.sources.capture import Prefilter

from .foindex import FailoverIndex, FoMessage
from .framestore import FrameStore
from .rows import PacketRows
from .search import RowFilter, compile_text

MAX_TRANSACTIONS = 1_000_000        # kept for the Transactions screen (the oldest go first)
MAX_FINDINGS = 200_000
LINE_CACHE = 20_000                 # summary lines decoded again and kept for scrolling back
MAX_KEPT_RECORDS = 20_000           # latest records of a source that cannot be read again (live, stdin)


@dataclass(slots=True)
class Counts:
    records: int = 0
    frames_read: int = 0
    transactions: int = 0
    findings: int = 0
    issues: list[str] = field(default_factory=list)
    done: bool = False


class Session:
    def __init__(self, sources: list[str], decode: DecodeOptions | None = None,
                 settings: EngineSettings | None = None) -> None:
        self.sources = list(sources)
        self.decode = decode or DecodeOptions()
        self.engine = Engine(settings)
        self.store = FrameStore(Prefilter(self.decode.dhcp_ports, self.decode.failover_ports, ICMP_ERRORS))
        self.rows_ = PacketRows()
        self.fo = FailoverIndex()
        self.transactions: list[Transaction] = []
        self.findings: list[Finding] = []
        self.txn_of_frame: dict[int, int] = {}
        self.txns_of_client: dict[str, list[int]] = {}
        self.counts = Counts()
        self.filter: RowFilter | None = None
        self.view: array | None = None          # row numbers passing the filter; None: all
        self._lines: dict[int, str] = {}        # summary lines decoded again lately, by row
        self._kept: dict[int, Record] = {}      # the latest records that cannot be read again, by row
        self.lock = threading.RLock()

    # --- loading ---------------------------------------------------------------------------------

    def feed(self, records: Iterable[Record], rereadable: bool = False) -> None:
        """One batch of records, in capture order; `rereadable`: they can be decoded again from
        their frames in the file (else their summary lines are kept)."""
        with self.lock:
            for record in records:
                self._add(record, rereadable)
                for out in self.engine.feed(record):
                    self._output(out)

    def _add(self, record: Record, rereadable: bool) -> None:
        row = self.rows_.add(record, rereadable)
        if not rereadable:
            self._kept[row] = record
            if len(self._kept) > MAX_KEPT_RECORDS:
                del self._kept[next(iter(self._kept))]
        self.counts.records += 1
        if type(record) is FailoverRecord:
            self.fo.add(record)
        elif type(record) is TcpEvent:
            self.fo.tcp.append(record)
        elif type(record) is CaptureIssue:
            self.counts.issues.append(record.message)
        flt = self.filter
        if flt is not None and self._passes(flt, row, record):
            self.view.append(row)

    def tick(self, now: float) -> None:
        """Time passed without packets (live capture): let the engine close what timed out."""
        with self.lock:
            for out in self.engine.expire(now):
                self._output(out)

    def finish(self, frames_read: int) -> None:
        with self.lock:
            for out in self.engine.finish():
                self._output(out)
            self.engine.note_input(self.sources, frames_read)
            self.counts.frames_read = frames_read
            self.counts.done = True

    def _output(self, out: Transaction | Finding) -> None:
        if out.record == "transaction":
            self._add_transaction(out)
        elif len(self.findings) < MAX_FINDINGS:
            self.findings.append(out)
            self.counts.findings += 1

    def _add_transaction(self, txn: Transaction) -> None:
        if len(self.transactions) >= MAX_TRANSACTIONS:
            return
        index = len(self.transactions)
        self.transactions.append(txn)
        self.counts.transactions += 1
        for frame in txn.frames:
            self.txn_of_frame.setdefault(frame, index)
        if txn.mac:
            self.txns_of_client.setdefault(txn.mac, []).append(index)

    # --- the packet list -------------------------------------------------------------------------

    def row_count(self) -> int:
        with self.lock:
            return len(self.rows_) if self.view is None else len(self.view)

    def rows(self, start: int, n: int) -> list[tuple[int, int, str]]:
        """(row number, kind, summary line) of the visible rows start..start+n (lines decoded again)."""
        with self.lock:
            rows = self.rows_
            numbers = list(range(start, min(start + n, len(rows))) if self.view is None
                           else self.view[start:start + n])
            kinds = [rows.kinds[i] for i in numbers]
            missing = [i for i in numbers if i not in rows.kept and i not in self._lines]
            wanted = {i: (rows.frames[i], rows.nth_in_frame(i)) for i in missing}
        if wanted:
            self._decode_lines(wanted)
        kept, lines = self.rows_.kept, self._lines
        return [(i, k, kept.get(i) or lines.get(i, "(cannot be read again)"))
                for i, k in zip(numbers, kinds)]

    def _decode_lines(self, wanted: dict[int, tuple[int, int]]) -> None:
        got = self.records_at([frame for frame, _ in wanted.values()])
        if len(self._lines) > LINE_CACHE:
            self._lines = {}
        for row, (frame, nth) in wanted.items():
            records = got.get(frame, [])
            if nth < len(records):
                self._lines[row] = self.rows_.line(records[nth])

    def row_at(self, position: int) -> int | None:
        """The row number at a position of the (filtered) list."""
        with self.lock:
            rows = range(len(self.rows_)) if self.view is None else self.view
            return rows[position] if 0 <= position < len(rows) else None

    def position_of(self, row: int) -> int:
        """Where a row is in the (filtered) list; the nearest following one when filtered out."""
        with self.lock:
            if self.view is None:
                return row
            return min(bisect.bisect_left(self.view, row), max(len(self.view) - 1, 0))

    def frame_of(self, row: int) -> int:
        return self.rows_.frames[row]

    def row_of_frame(self, frame: int) -> int | None:
        with self.lock:
            return self.rows_.row_of_frame(frame)

    def record(self, row: int) -> Record | None:
        """The record of a row, decoded again from the file (with its frame bytes), or kept from a
        source that cannot be read again (its latest records only); None when neither."""
        with self.lock:
            if row in self._kept:
                return self._kept[row]
            frame, nth = self.rows_.frames[row], self.rows_.nth_in_frame(row)
        got = self.records_at([frame]).get(frame, [])
        return got[nth] if nth < len(got) else None

    def records_at(self, frames: list[int]) -> dict[int, list[Record]]:
        """The records of the given frames, decoded again (a failover message's earlier segments too)."""
        out: dict[int, list[Record]] = {}
        for first, last in _runs(sorted(set(frames))):
            wanted = set(f for f in frames if first <= f <= last)
            decoder = Decoder(DecodeOptions(self.decode.dhcp_ports, self.decode.failover_ports, True))
            for frame, ts, data, linktype, wirelen in self.store.packets(first, last):
                records = decoder.frame_records(frame, ts, data, linktype, wirelen)
                if frame in wanted:
                    out[frame] = records
        return out

    def write_pcap(self, path: str) -> int:
        """The frames of the rows shown (filtered) to a pcap file; returns how many were written.

        A pcap has one link type: frames of another link type than the first are left out."""
        with self.lock:
            rows = self.view if self.view is not None else range(len(self.rows_))
            wanted = sorted({self.rows_.frames[r] for r in rows})
        written, keep = 0, set(wanted)
        with open(path, "wb") as fh:
            writer, link = None, None
            if wanted:
                for frame, ts, data, linktype, _ in self.store.packets(wanted[0], wanted[-1]):
                    if frame in keep and link in (None, linktype):
                        if writer is None:
                            writer, link = dpkt.pcap.Writer(fh, linktype=linktype), linktype
                        writer.writepkt(data, ts)
                        keep.discard(frame)
                        written += 1
            if writer is None:
                dpkt.pcap.Writer(fh)
        return written

    # --- the filter ------------------------------------------------------------------------------

    def set_filter(self, text: str) -> RowFilter | None:
        """Apply the bar's text (raises search.BadFilter): the rows so far are read again and
        judged (seconds on a large file: call it from a worker); rows fed later are judged as
        they come."""
        flt = compile_text(text)
        with self.lock:
            self.filter = flt
            self.view = None if flt is None else array("Q")
            count = len(self.rows_)
        if flt is not None:
            matching = self._rejudge(flt, count)
            with self.lock:
                if self.filter is flt:
                    self.view = matching + self.view
        return flt

    def _rejudge(self, flt: RowFilter, count: int) -> array:
        """Rows below `count` that pass: kept lines judged as they are, the rest decoded again."""
        rows, matching = self.rows_, set()
        for row, line in list(rows.kept.items()):
            if row < count and flt.matches_line is not None and flt.matches_line(line):
                matching.add(row)
        if count:
            decoder = Decoder(DecodeOptions(self.decode.dhcp_ports, self.decode.failover_ports))
            last = max(rows.frames[:count]) if count else 0
            for frame, ts, data, linktype, wirelen in self.store.packets(1, last):
                records = decoder.frame_records(frame, ts, data, linktype, wirelen)
                first = rows.row_of_frame(frame) if records else None
                for k, record in enumerate(records):
                    row = None if first is None else first + k
                    if row is not None and row < count and row not in rows.kept \
                            and self._passes(flt, row, record):
                        matching.add(row)
        return array("Q", sorted(matching))

    def _passes(self, flt: RowFilter, row: int, record: Record) -> bool:
        if flt.matches_line is not None:
            return flt.matches_line(self.rows_.line(record))
        return flt.matches_record(record)

    # --- transactions, findings, failover, leases ------------------------------------------------

    def transactions_sorted(self, client: str | None = None, ip: str | None = None) -> list[Transaction]:
        with self.lock:
            txns = self.transactions if client is None else \
                [self.transactions[i] for i in self.txns_of_client.get(client, ())]
            if ip is not None:
                txns = [t for t in txns if ip in (t.assigned_ip, t.requested_ip, t.ciaddr)
                        or any(o.yiaddr == ip for o in t.offers)]
            return sorted(txns, key=lambda t: (t.start, t.xid))

    def transaction_of_row(self, row: int) -> Transaction | None:
        with self.lock:
            index = self.txn_of_frame.get(self.rows_.frames[row])
            return None if index is None else self.transactions[index]

    def client_of_row(self, row: int) -> str | None:
        txn = self.transaction_of_row(row)
        return txn.mac if txn is not None else None

    def findings_grouped(self) -> list[tuple[str, str, list[Finding]]]:
        """(severity, code, findings) most severe first, then by code."""
        with self.lock:
            groups: dict[tuple[str, str], list[Finding]] = {}
            for f in self.findings:
                groups.setdefault((f.severity, f.code), []).append(f)
        return sorted(((s, c, fs) for (s, c), fs in groups.items()),
                      key=lambda g: (-SEVERITY_RANK.get(g[0], 0), g[1]))

    def relationships(self) -> list[Relationship]:
        with self.lock:
            return list(self.engine.ctx.failover.relationships)

    def relationship_of_row(self, row: int) -> Relationship | None:
        with self.lock:
            frame = self.rows_.frames[row]
            messages = self.fo.pairs_of_frame(frame)
            tcp = {(e.src, e.dst) for e in self.fo.tcp if e.frame == frame}
        for rel in self.relationships():
            peers = rel.peers
            if any(src in peers and dst in peers for src, dst in messages) \
                    or any(src in peers and dst in peers for src, dst in tcp):
                return rel
        txn = self.transaction_of_row(row)
        if txn is not None and txn.server:
            return self.engine.ctx.failover.for_server(txn.server)
        return None

    def timeline(self, rel: Relationship) -> "Timeline":
        with self.lock:
            return Timeline(rel, self.fo, self.fo.between(rel.peers), self.fo.tcp_between(rel.peers),
                            self.engine.capture.first_ts, self.engine.capture.last_ts)

    def leases(self) -> list:
        with self.lock:
            return sorted(self.engine.ctx.leases.rows(), key=lambda lease: _ip_key(lease.ip))

    def ladder(self, txns: list[Transaction]) -> "Ladder":
        """The messages of these transactions (decoded again) and the BNDUPD/BNDACK of their leases."""
        frames = [f for t in txns for f in t.frames]
        records = self.records_at(frames)
        steps: list[Record | FoMessage] = []
        for frame in sorted(set(frames)):
            steps += [r for r in records.get(frame, []) if isinstance(r, DhcpRecord)]
        window = self.engine.settings.bndack_timeout_s
        with self.lock:
            for t in txns:
                ip = t.assigned_ip or t.ciaddr
                if ip:
                    steps += self.fo.bindings(ip, t.start, t.end + window)
        steps.sort(key=lambda s: (s.ts, s.frame))
        rels = [self.engine.ctx.failover.for_server(s) for t in txns
                for s in (t.server, *t.offering_servers()) if s]
        return Ladder(list(txns), steps, next((r for r in rels if r is not None), None))


@dataclass(slots=True)
class Timeline:
    """What the failover screen draws for one relationship (its messages read from the index as
    they are drawn: a resyncing pair has tens of thousands of BNDUPDs and BNDACKs)."""

    rel: Relationship
    fo: FailoverIndex
    indexes: array                  # the relationship's failover messages in the index, in capture order
    tcp: list[TcpEvent]
    first_ts: float | None
    last_ts: float | None

    def messages(self, types: Iterable[str]) -> list[FoMessage]:
        """The relationship's messages of these types."""
        return self.fo.messages(self.fo.of_types(self.indexes, types))

    def lags(self) -> Iterator[tuple[float, float]]:
        """(time, lag) of each BNDACK that answered a BNDUPD seen."""
        return self.fo.lags(self.indexes)

    def outstanding(self) -> Iterator[tuple[float, float]]:
        """(time, updates outstanding) at each BNDUPD and BNDACK."""
        return self.fo.outstanding_at(self.indexes)


@dataclass(slots=True)
class Ladder:
    """What the ladder draws: the transactions, their messages in time order, their relationship."""

    txns: list[Transaction]
    steps: list
    rel: Relationship | None


def _runs(frames: list[int], gap: int = 20_000) -> list[tuple[int, int]]:
    """Sorted frame numbers cut into runs read in one go (far-apart frames: separate reads)."""
    runs: list[tuple[int, int]] = []
    for f in frames:
        if runs and f - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], f)
        else:
            runs.append((f, f))
    return runs


def _ip_key(ip: str) -> tuple:
    try:
        return tuple(int(p) for p in ip.split("."))
    except ValueError:
        return (999, ip)
