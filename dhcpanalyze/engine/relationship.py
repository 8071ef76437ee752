"""A failover relationship as seen on the wire: configuration, state timeline, link history, stats.

One relationship per pair of peers and relationship name (CONNECT option 22). Its configuration
is what the peers advertise when connecting (failover-wire.md §5.1-5.2): the CONNECT sender is
the primary; MCLT and HBA come from CONNECT; each side's max-unacked-bndupd, receive-timer and
vendor class from its own CONNECT/CONNECTACK.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

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
    hbas: list[tuple[float, bytes]] = field(default_factory=list)   # (ts, HBA) per CONNECT
    max_unacked: dict[str, int] = field(default_factory=dict)
    receive_timer: dict[str, int] = field(default_factory=dict)   # set by set_receive_timer
    timers_changed: int = 0                   # times receive_timer changed (sessions' silence bounds)
    vendor: dict[str, str] = field(default_factory=dict)
    skew_s: float | None = None               # latest estimate: primary clock - secondary clock
    offsets: dict[str, float] = field(default_factory=dict)   # sender clock - capture ts
    states: list[dict] = field(default_factory=list)
    state_times: dict[str, list[float]] = field(default_factory=dict)
    state_names: dict[str, list[str]] = field(default_factory=dict)
    link: list[tuple[float, bool]] = field(default_factory=list)   # (ts, up) transitions
    bindings: BindingStats = field(default_factory=BindingStats)
    messages: dict[str, int] = field(default_factory=dict)
    sessions: list[dict] = field(default_factory=list)
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
        """The HBA in force at `ts` (before the first CONNECT: assume the first one)."""
        if not self.hbas:
            return None
        i = bisect.bisect_right(self.hbas, (ts, b"\xff" * 33))
        return self.hbas[max(i - 1, 0)][1]

    def note_hba(self, ts: float, hba: bytes, limit: int) -> None:
        if self.hbas and self.hbas[-1][1] == hba:
            return
        if self.hbas and ts < self.hbas[-1][0]:
            ts = self.hbas[-1][0]
        if len(self.hbas) < limit:
            self.hbas.append((ts, hba))

    @property
    def split(self) -> int | None:
        return hba_split(self.hba) if self.hba is not None and len(self.hba) == 32 else None

    def link_up_at(self, ts: float) -> bool | None:
        """Whether a failover session was established at `ts`; None before anything is known."""
        link = self.link
        if link and ts >= link[-1][0]:      # asked about now, mostly: no search
            return link[-1][1]
        i = bisect.bisect_right(link, (ts, True))
        return self.link[i - 1][1] if i else None

    def state_at(self, ip: str, ts: float) -> str | None:
        """The state `ip` last announced at or before `ts`."""
        times = self.state_times.get(ip)
        if not times:
            return None
        if ts >= times[-1]:                 # asked about now, mostly: no search
            return self.state_names[ip][-1]
        i = bisect.bisect_right(times, ts)
        return self.state_names[ip][i - 1] if i else None

    # --- updates from the tracker -----------------------------------------------------------

    def note_link(self, ts: float, up: bool, limit: int) -> None:
        if self.link and self.link[-1][1] == up:
            return
        if self.link and ts < self.link[-1][0]:
            ts = self.link[-1][0]          # records out of order (several files): keep sorted
        if len(self.link) < limit:
            self.link.append((ts, up))
        else:                               # history full: the latest entry still tells "now"
            self.link[-1] = (ts, up)

    def note_state(self, entry: dict, limit: int) -> None:
        """The reported history keeps the first `limit` entries; the per-peer lookup keeps
        following the latest state (its last slot is overwritten once full), so load balancing
        and the health verdict never judge by a stale state on a long capture."""
        if len(self.states) < limit:
            self.states.append(entry)
        times = self.state_times.setdefault(entry["server"], [])
        names = self.state_names.setdefault(entry["server"], [])
        ts = max(entry["ts"], times[-1]) if times else entry["ts"]
        if len(times) < limit:
            times.append(ts)
            names.append(entry["state"])
        else:
            times[-1], names[-1] = ts, entry["state"]

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
        states = "both peers normal" if self.state_names else "no STATE message seen"
        return {"verdict": "healthy",
                "why": f"in touch, {states}, {self.bindings.sent} binding updates, "
                       f"{self.bindings.unacked} unacknowledged" + (f"; {closing}" if closing else "")}

    def _degraded(self) -> list[str]:
        last = {ip: names[-1] for ip, names in sorted(self.state_names.items()) if names}
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
        the end of the input (see health()); the text report prints it first."""
        return {"relationship": self.name, "health": self.health(), "primary": self.primary,
                "secondary": self.secondary, "peers": sorted(self.peers), "mclt": self.mclt,
                "split": self.split, "hba": self.hba.hex() if self.hba is not None else None,
                "max_unacked": dict(self.max_unacked),
                "receive_timer": dict(self.receive_timer), "vendor": dict(self.vendor),
                "skew_s": self.skew_s,
                "clock_offsets_s": {ip: round(v, 3) for ip, v in self.offsets.items()},
                "states": list(self.states),
                "link": [{"ts": ts, "up": up} for ts, up in self.link],
                "binding_updates": self.bindings.to_dict(), "messages": dict(self.messages),
                "sessions": list(self.sessions), "sessions_total": self.sessions_total,
                "link_downs": self.link_downs, "connect_rejects": self.connect_rejects}
