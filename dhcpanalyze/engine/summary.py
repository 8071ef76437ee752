"""What the engine knows about the whole input: capture facts, and the summary document parts."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class CaptureStats:
    """`to_dict()` is the `capture` object of the report contract.

    note() keeps the frame and time facts; the per-kind counts are kept by the engine's handler
    for each record kind (it dispatches on the kind once per record anyway).
    """

    files: list[str] = field(default_factory=list)
    packets: int | None = None        # frames read, when the caller tells (note_input)
    frames_seen: int = 0              # frames that carried a record, in capture order (<= frames read)
    first_ts: float | None = None
    last_ts: float | None = None
    malformed: int = 0                # records with decoding issues + capture issues
    dhcp_messages: int = 0
    failover_messages: int = 0
    tcp_events: int = 0
    icmp_quoted: int = 0
    _last_frame: int = -1
    record = "capture"

    def note(self, rec) -> None:
        # counted in capture order: a record that comes late for an earlier frame (a failover
        # stream's leftovers, flushed when its connection is dropped or the capture ends) was
        # mostly counted with that frame already, and counting it again could exceed the frames read
        if rec.frame > self._last_frame:
            self.frames_seen += 1
            self._last_frame = rec.frame
        ts = rec.ts
        if self.last_ts is None:
            self.first_ts = self.last_ts = ts
        elif ts > self.last_ts:
            self.last_ts = ts
        elif ts < self.first_ts:
            self.first_ts = ts

    def to_dict(self) -> dict:
        return {"files": list(self.files),
                "packets": self.packets if self.packets is not None else self.frames_seen,
                "first_ts": self.first_ts, "last_ts": self.last_ts,
                "malformed": self.malformed, "dhcp_messages": self.dhcp_messages,
                "failover_messages": self.failover_messages, "tcp_events": self.tcp_events,
                "icmp_quoted": self.icmp_quoted, "frames_with_records": self.frames_seen}


@dataclass(slots=True)
class Summary:
    """engine.summary(): the non-streamed parts of the report; each part has to_dict()."""

    capture: CaptureStats
    servers: list
    failover: list
    leases: list
    counts: dict

    def get(self, key: str, default=None):
        """Mapping-style access to the parts (objects, not dicts): capture, servers, ..."""
        return getattr(self, key) if key in self.__dataclass_fields__ else default

    def __getitem__(self, key: str):
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def to_dict(self) -> dict:
        return {"capture": self.capture.to_dict(),
                "servers": [s.to_dict() for s in self.servers],
                "failover": [r.to_dict() for r in self.failover],
                "leases": [lease.to_dict() for lease in self.leases],
                "counts": self.counts}


@dataclass(slots=True)
class Counts:
    """Tallies of what was emitted, for the summary."""

    kinds: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    severities: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    def transaction(self, txn) -> None:
        self.kinds[txn.kind] = self.kinds.get(txn.kind, 0) + 1
        self.outcomes[txn.outcome] = self.outcomes.get(txn.outcome, 0) + 1

    def finding(self, finding) -> None:
        self.severities[finding.severity] = self.severities.get(finding.severity, 0) + 1
        self.codes[finding.code] = self.codes.get(finding.code, 0) + finding.count

    def to_dict(self, evicted: int, leases_dropped: int) -> dict:
        return {"transactions": sum(self.kinds.values()), "kinds": dict(self.kinds),
                "outcomes": dict(self.outcomes), "findings": sum(self.severities.values()),
                "severities": dict(self.severities), "codes": dict(self.codes),
                "transactions_evicted": evicted, "leases_dropped": leases_dropped}
