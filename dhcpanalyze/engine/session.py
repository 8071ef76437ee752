"""One failover TCP connection: who spoke when, unacked binding updates per direction, how it ended.

ISC keeps one connection per relationship (failover-wire.md §1.1); each end numbers its own
messages (xid per direction, §1.5), so BNDUPD/BNDACK pairing is per direction of one connection.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .relationship import Relationship


@dataclass(slots=True)
class Pending:
    """A BNDUPD waiting for its BNDACK."""

    ts: float
    frame: int
    ip: str | None
    status: str | None


@dataclass(slots=True)
class Direction:
    """What one peer sent on this connection (kept up to date by the tracker, per message)."""

    ip: str
    first_ts: float
    last_ts: float
    messages: int = 0
    contacts: int = 0
    max_gap: float = 0.0                 # longest silence between two of its messages
    offset: float | None = None          # max(header time - capture ts): its clock vs capture
    outstanding: dict[int, Pending] = field(default_factory=dict)   # by xid, in arrival order
    max_outstanding: int = 0             # most BNDUPDs it had in flight at once
    window_reported: bool = False
    waiting: bool = False                # in the tracker's list of directions with updates outstanding


@dataclass(slots=True)
class Session:
    key: tuple
    start_ts: float
    start_frame: int
    client: str | None = None            # TCP initiator (SYN sender) when the SYN was seen
    rel: Relationship | None = None
    saw_connect: bool = False
    established: bool = False
    down_reported: bool = False
    end_reason: str | None = None
    end_ts: float | None = None
    last_ts: float = 0.0
    last_frame: int = 0
    dirs: dict[str, Direction] = field(default_factory=dict)
    # The silence check's bound: no direction can have been silent too long before `silent_at`
    # (capture time) while the relationship's receive timers are as they were (`timers_seen`,
    # Relationship.timers_changed); -inf when a direction is added. Messages only move it later.
    silent_at: float = float("-inf")
    timers_seen: int = -1

    def direction(self, ip: str, ts: float) -> Direction:
        d = self.dirs.get(ip)
        if d is None:
            d = self.dirs[ip] = Direction(ip, ts, ts)
            self.silent_at = float("-inf")
        return d

    def peer_of(self, ip: str) -> str | None:
        for endpoint in self.key:
            if endpoint[0] != ip:
                return endpoint[0]
        return None

    def outstanding(self) -> int:
        return sum(len(d.outstanding) for d in self.dirs.values())

    def summary(self) -> dict:
        a, b = self.key
        return {"endpoints": [f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"], "client": self.client,
                "start": self.start_ts, "end": self.end_ts, "first_frame": self.start_frame,
                "last_frame": self.last_frame, "established": self.established,
                "end_reason": self.end_reason, "unacked_at_end": self.outstanding(),
                "directions": {ip: self._direction_summary(d) for ip, d in self.dirs.items()}}

    def _direction_summary(self, d: Direction) -> dict:
        # ISC sends CONTACT after floor(partner's receive-timer / 3) s of sending nothing, and
        # keeps at most the partner's max-unacked-bndupd updates in flight (wire §5.4, §5.5)
        peer = self.peer_of(d.ip)
        timer = self.rel.receive_timer.get(peer) if self.rel else None
        return {"messages": d.messages, "contacts": d.contacts,
                "max_gap_s": round(d.max_gap, 3),
                "contact_interval_s": timer // 3 if timer else None,
                "peer_receive_timer_s": timer,
                "max_outstanding": d.max_outstanding,
                "peer_max_unacked": self.rel.max_unacked.get(peer) if self.rel else None}
