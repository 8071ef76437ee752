"""A failover relationship as seen on the wire: configuration, state timeline, link history, stats.

One relationship per pair of peers and relationship name (CONNECT option 22). Its configuration
is what the peers advertise when connecting (failover-wire.md §5.1-5.2): the CONNECT sender is
the primary; MCLT and HBA come from CONNECT; each side's max-unacked-bndupd, receive-timer and
vendor class from its own CONNECT/CONNECTACK.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .history import MISSING, History
from .wireview import hba_split


# a link lost this close to the end of the input was closed with the capture (servers stopped)
CLOSING_S = 1.0


@dataclass(slots=True)
class BindingStats:
    """BNDUPD/BNDACK counts of a relationship; the tracker counts acks inline (its hot path)."""

    sent: int = 0
    acked: int = 0
    rejected: int = 0
    unacked: int = 0
    latency_max: float = 0.0
    latency_sum: float = 0.0

    def to_dict(self) -> dict:
        mean = self.latency_sum / self.acked if self.acked else None
        return {"sent": self.sent, "acked": self.acked, "rejected": self.rejected,
                "unacked": self.unacked, "latency_max_s": round(self.latency_max, 6),
                "latency_mean_s": round(mean, 6) if mean is not None else None}


@dataclass(slots=True)
class Relationship:
    """`to_dict()` is the `failover[]` object of the report contract."""

    name: str | None
    peers: frozenset[str]
    primary: str | None = None
    secondary: str | None = None
    mclt: int | None = None
    hbas: History = field(default_factory=History)   # (ts, HBA) when a CONNECT changed it
    max_unacked: dict[str, int] = field(default_factory=dict)
    receive_timer: dict[str, int] = field(default_factory=dict)   # set by set_receive_timer
    timers_changed: int = 0                   # times receive_timer changed (sessions' silence bounds)
    vendor: dict[str, str] = field(default_factory=dict)
    skew_s: float | None = None               # latest estimate: primary clock - secondary clock
    offsets: dict[str, float] = field(default_factory=dict)   # sender clock - capture ts
    states: History = field(default_factory=History)     # StateNote.to_dict() per STATE
    peer_states: dict[str, History] = field(default_factory=dict)   # ip -> (ts, state) lookups
    link: History = field(default_factory=History)       # (ts, up) transitions
    bindings: BindingStats = field(default_factory=BindingStats)
    messages: dict[str, int] = field(default_factory=dict)
    sessions: History = field(default_factory=History)   # Session.summary() of ended sessions
    sessions_total: int = 0
    link_downs: int = 0
    reconnects: int = 0                      # CONNECT handshakes completed after the link was down
    last_down_by: str | None = None          # who ended (or went silent on) the last link
    connect_rejects: int = 0
    end_ts: float | None = None              # the end of the input (set by the tracker's finish)
    last_reject: str | None = None           # ISC's text for the latest connect reject reason
    problems: dict[str, int] = field(default_factory=dict)   # warning/error finding code -> count
    record = "failover"

    # --- what other parts ask ------------------------------------------------------------

    def partner(self, ip: str) -> str | None:
        others = [p for p in self.peers if p != ip]
        return others[0] if len(others) == 1 else None

    def role(self, ip: str) -> str:
        return "primary" if ip == self.primary else "secondary" if ip == self.secondary \
            else "unknown"

    @property
    def hba(self) -> bytes | None:
        """The latest HBA the primary sent."""
        return self.hbas[-1][1] if self.hbas else None

    def hba_at(self, ts: float) -> bytes | None:
        """The HBA in force at `ts` (before the first CONNECT: assume the first one; None
        among omitted changes, see history.py)."""
        if not self.hbas:
            return None
        entry = self.hbas.at(ts)
        if entry is MISSING:
            return None
        return (entry or self.hbas[0])[1]

    def note_hba(self, ts: float, hba: bytes, limit: int) -> None:
        """`limit` HBAs are kept at each end of the history (only changes are entries)."""
        if self.hbas and self.hbas[-1][1] == hba:
            return
        if self.hbas and ts < self.hbas[-1][0]:
            ts = self.hbas[-1][0]
        self.hbas.append((ts, hba), limit)

    @property
    def split(self) -> int | None:
        return hba_split(self.hba) if self.hba is not None and len(self.hba) == 32 else None

    def link_up_at(self, ts: float) -> bool | None:
        """Whether a failover session was established at `ts`; None before anything is known,
        and None among omitted link changes (a long history keeps its ends, see history.py)."""
        entry = self.link.at(ts)
        return None if entry is None or entry is MISSING else entry[1]

    def state_at(self, ip: str, ts: float) -> str | None:
        """The state `ip` last announced at or before `ts` (None: none yet, or `ts` among
        omitted STATE messages of a long history: not known)."""
        peer = self.peer_states.get(ip)
        entry = peer.at(ts) if peer is not None else None
        return None if entry is None or entry is MISSING else entry[1]

    def latest_states(self) -> dict[str, str]:
        """Each peer's latest announced state (always known: the newest entry is always kept)."""
        return {ip: peer[-1][1] for ip, peer in sorted(self.peer_states.items()) if peer}

    # --- updates from the tracker -----------------------------------------------------------

    def note_link(self, ts: float, up: bool, limit: int) -> None:
        """`limit` changes are kept at each end of the link history."""
        if self.link and self.link[-1][1] == up:
            return
        if self.link and ts < self.link[-1][0]:
            ts = self.link[-1][0]          # records out of order (several files): keep sorted
        self.link.append((ts, up), limit)

    def note_state(self, entry: dict, limit: int) -> None:
        """The reported timeline keeps the first `limit` STATE entries and the latest `limit`
        and counts the ones between; so does each peer's lookup (state_at), whose newest entry
        is always the peer's latest state: load balancing and the health verdict never judge
        by a stale state on a long capture."""
        self.states.append(entry, limit)
        peer = self.peer_states.get(entry["server"])
        if peer is None:
            peer = self.peer_states[entry["server"]] = History()
        ts = max(entry["ts"], peer[-1][0]) if peer else entry["ts"]
        peer.append((ts, entry["state"]), limit)

    def note_session(self, summary: dict, limit: int) -> None:
        """An ended session's summary; `limit` are listed at each end, the rest counted."""
        self.sessions.append(summary, limit)

    def set_receive_timer(self, ip: str, seconds: int | None) -> None:
        """What `ip` advertised as its receive-timer (max-response-delay)."""
        if self.receive_timer.get(ip, -1) != seconds:
            self.receive_timer[ip] = seconds
            self.timers_changed += 1

    def note_problem(self, code: str, count: int) -> None:
        """A warning or error finding about this relationship (for the health verdict)."""
        self.problems[code] = self.problems.get(code, 0) + count

    def health(self) -> dict:
        """{"verdict": "healthy" | "degraded" | "broken", "why": one line} at the end of the
        capture. broken: the pair never connected, or its link was down at the end; degraded:
        in touch, but a peer not in NORMAL, the link lost and regained, updates never
        acknowledged, or warning/error findings about the relationship; healthy otherwise."""
        if not self.sessions_total:
            why = (f"never connected: {self.connect_rejects} connection attempt(s) rejected "
                   f"({self.last_reject or 'no reason given'})" if self.connect_rejects
                   else "never connected: no failover session was established")
            return {"verdict": "broken", "why": why}
        by = f" by {self.last_down_by}" if self.last_down_by else ""
        closing = None
        if self.link and not self.link[-1][1]:
            ago = self.end_ts - self.link[-1][0] if self.end_ts is not None else None
            if ago is None or ago > CLOSING_S:
                lost = f"lost {ago:.1f} s before it ended" if ago is not None else "lost"
                return {"verdict": "broken", "why": "failover link down at the end of the "
                                                    f"capture ({lost}{',' if by else ''}{by})"}
            # the capture ends as the link closes (servers stopped with the capture): judge
            # what came before, and say so
            closing = f"the link closed{by} as the capture ended"
        reasons = self._degraded()
        if closing:
            reasons.append(closing)
        if reasons and reasons != [closing]:
            return {"verdict": "degraded", "why": "; ".join(reasons)}
        states = "both peers normal" if self.peer_states else "no STATE message seen"
        return {"verdict": "healthy",
                "why": f"in touch, {states}, {self.bindings.sent} binding updates, "
                       f"{self.bindings.unacked} unacknowledged" + (f"; {closing}" if closing else "")}

    def _degraded(self) -> list[str]:
        last = self.latest_states()
        reasons = [f"{self.role(ip)} {ip} in {state}" for ip, state in last.items()
                   if state != "normal"]
        if self.reconnects:
            reasons.append(f"link lost and regained {self.reconnects} time(s)")
        if self.bindings.unacked:
            reasons.append(f"{self.bindings.unacked} binding update(s) never acknowledged")
        # link-down and state changes are told above in their own words
        codes = [f"{code} x{n}" for code, n in sorted(self.problems.items())
                 if code not in ("failover.link-down", "failover.state-change")]
        if codes:
            reasons.append("findings " + ", ".join(codes))
        return reasons

    def to_dict(self) -> dict:
        """The `failover[]` object. Besides the configuration, states, link and counts:
        `health` is {"verdict": "healthy" | "degraded" | "broken", "why": one line} as judged at
        the end of the input (see health()); the text report prints it first.

        `states` (STATE messages: ts, frame, server, state, startup, stos), `link` (up/down
        changes) and `sessions` (ended TCP sessions) are complete on a short capture; on a long
        one each lists its first and latest entries (settings max_states, max_link_changes,
        max_sessions_listed at each end) and then `states_omitted` / `link_omitted` /
        `sessions_omitted` count the entries not listed, and `*_omitted_at` is the index in the
        list where they belong. Those keys are absent when nothing was omitted."""
        return {"relationship": self.name, "health": self.health(), "primary": self.primary,
                "secondary": self.secondary, "peers": sorted(self.peers), "mclt": self.mclt,
                "split": self.split, "hba": self.hba.hex() if self.hba is not None else None,
                "max_unacked": dict(self.max_unacked),
                "receive_timer": dict(self.receive_timer), "vendor": dict(self.vendor),
                "skew_s": self.skew_s,
                "clock_offsets_s": {ip: round(v, 3) for ip, v in self.offsets.items()},
                **_listed("states", self.states, list(self.states)),
                **_listed("link", self.link, [{"ts": ts, "up": up} for ts, up in self.link]),
                "binding_updates": self.bindings.to_dict(), "messages": dict(self.messages),
                **_listed("sessions", self.sessions, list(self.sessions)),
                "sessions_total": self.sessions_total,
                "link_downs": self.link_downs, "connect_rejects": self.connect_rejects}


def _listed(key: str, history: History, entries: list) -> dict:
    """A bounded history in the `failover[]` object: the kept entries under `key` and, only
    when some were dropped, `<key>_omitted` (how many) and `<key>_omitted_at` (the index in
    the list where they belong: between the first and the latest entries), placed first so a
    reader meets the count before the list."""
    if not history.omitted:
        return {key: entries}
    return {f"{key}_omitted": history.omitted, f"{key}_omitted_at": history.omitted_at,
            key: entries}
