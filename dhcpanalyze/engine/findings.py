"""Findings: what the engine concludes is wrong (or worth knowing), with stable codes.

Every code the engine can emit is listed in CATALOG with its usual severity and the explanation an
operator reads; checks/ decide *when* a code applies. FindingGate keeps a flood of identical
findings down to one per subject and window, and reports the count of the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

CATALOG: dict[str, tuple[str, str]] = {
    "failover.clock-skew": ("warning",
        "The failover header carries each sender's clock. ISC compares it only when connecting and "
        "refuses a partner more than 60 s off; binding-update times are never corrected."),
    "failover.connect-rejected": ("error",
        "The partner refused the failover connection; the pair stays out of touch and retries every "
        "5 s. Reason 4 = clocks apart, 8 = relationship name or peer address does not match, "
        "18 = split/hba missing on the primary."),
    "failover.disconnect": ("error",
        "The primary refused the secondary's CONNECTACK and closed the connection; the pair is out "
        "of touch until the cause (usually clock or name) is fixed."),
    "failover.link-down": ("warning",
        "The failover connection ended. Each server serves only its own free leases and queues "
        "updates until the link returns (communications-interrupted)."),
    "failover.state-change": ("info",
        "A server announced a new failover state. Only NORMAL load-balances; RECOVER, "
        "POTENTIAL-CONFLICT and similar states stop or limit DHCP service."),
    "failover.update-rejected": ("warning",
        "The partner refused a binding update: the two lease databases disagree about this address "
        "(reason 16 during a resync is usual; 'unknown IP address' means the pools differ)."),
    "failover.update-unacked": ("warning",
        "A binding update was never acknowledged; the partner may not know the lease and could hand "
        "the address out again after MCLT."),
    "failover.lease-not-replicated": ("warning",
        "A server ACKed a lease while in touch with its partner but sent no binding update for it; "
        "the partner does not know the lease (lease databases out of sync)."),
    "failover.max-unacked-exceeded": ("warning",
        "More binding updates were outstanding than the partner said it accepts "
        "(max-unacked-updates); ISC never does this, so updates or acks were lost."),
    "failover.mclt-lease": ("info",
        "The lease was shortened to the MCLT because the partner has not yet acknowledged a longer "
        "one. This is normal for a first lease under failover; renewals get the full time."),
    "loadbalance.designated-silent": ("warning",
        "In NORMAL each peer answers only the clients the split assigns to it until the client's "
        "secs exceeds load balance max seconds. This peer is in NORMAL but did not answer its "
        "own clients (a filter, a deny or ignore rule, a broken interface, an empty pool on that "
        "side), so its partner answered them only after the bypass: they wait seconds every time."),
    "dhcp.no-offer": ("warning",
        "Nobody answered the client's DISCOVER. The servers may be down, not responding in their "
        "failover state, out of free leases, or the relay/broadcast does not reach them."),
    "dhcp.no-ack": ("warning",
        "The client's REQUEST got neither ACK nor NAK; the chosen server may be down or the lease "
        "owned by the partner."),
    "dhcp.nak": ("warning",
        "The server refused the address the client asked for (wrong network, lease owned by another "
        "client or the partner); the client starts over with DISCOVER."),
    "dhcp.decline": ("warning",
        "The client found the address it was given already in use (ARP) and declined it; the server "
        "marks the address abandoned. Look for a static address inside the pool."),
    "dhcp.server-unreachable": ("warning",
        "A DHCP message came back as an ICMP error: the server it was sent to is down or not "
        "listening. A RELEASE sent this way is lost, so the lease stays active on the servers."),
    "dhcp.unknown-server": ("warning",
        "A server outside the failover pair (or outside --servers) answered clients: a rogue or "
        "misconfigured DHCP server on this network."),
    "dhcp.duplicate-offer": ("info",
        "More than one server offered an address to the same DISCOVER. Under failover this is "
        "expected when secs exceeds load balance max seconds or the peers are not in NORMAL."),
    "dhcp.takeover": ("info",
        "A peer served a client that belongs to its partner while the partner was unreachable: the "
        "failover pair doing its job."),
    "dhcp.secs-byte-order": ("info",
        "The client writes 'secs' little-endian (bytes NN 00). dhcpd reads it as NN*256 unless "
        "check-secs-byte-order is on, which bypasses load balancing: both servers answer."),
    "loadbalance.wrong-server": ("warning",
        "Under the split (RFC 3074 hash of the client key) the other peer should have answered this "
        "DISCOVER. Check split/hba on the primary and the secondary's view of it."),
    "loadbalance.disabled": ("warning",
        "Both peers answer DISCOVERs whose secs is below load balance max seconds: load balancing is "
        "off (max seconds 0 or missing), doubling OFFERs and lease churn."),
    "capture.malformed": ("warning",
        "Bytes that do not decode cleanly: a truncated or damaged packet, a snaplen cut, or lost "
        "segments of a failover stream. Conclusions around it may be incomplete."),
}


@dataclass(slots=True)
class Finding:
    """One conclusion; `to_dict()` is the `findings[]` object of the report contract."""

    code: str                        # stable code, a key of CATALOG
    severity: str                    # info / warning / error
    ts: float                        # capture time of the frame that made it known
    frames: list[int]                # frames that show it (first ones if many)
    message: str                     # one line, with the addresses involved
    explanation: str = ""            # what it means to an operator (CATALOG text by default)
    isc_log: str | None = None       # the dhcpd log line the operator will find, where one exists
    client: str | None = None        # client MAC it concerns (for --client filters)
    ip: str | None = None            # address it concerns (for --ip filters)
    server: str | None = None        # server it concerns (for --server filters)
    relationship: str | None = None  # failover relationship name
    count: int = 1                   # occurrences summarised (repeat summaries from finish())
    gate: tuple | None = None        # subject for repeat suppression (None: always emitted)
    record = "finding"

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "ts": self.ts,
                "frames": list(self.frames), "message": self.message,
                "explanation": self.explanation, "isc_log": self.isc_log,
                "client": self.client, "ip": self.ip, "server": self.server,
                "relationship": self.relationship, "count": self.count}


def make_finding(code: str, ts: float, frames: list[int], message: str, *,
                 severity: str | None = None, explanation: str | None = None,
                 **subject) -> Finding:
    """A Finding of a catalogued code with its default severity and explanation (or one that
    fits this occurrence's measured values)."""
    default_severity, default_explanation = CATALOG[code]
    return Finding(code=code, severity=severity or default_severity, ts=ts, frames=list(frames),
                   message=message, explanation=explanation or default_explanation, **subject)


@dataclass(slots=True)
class _Repeat:
    first: Finding
    count: int = 0
    frames: list[int] = field(default_factory=list)
    last_ts: float = 0.0


class FindingGate:
    """Lets the first finding per (code, subject) through per window; counts the rest."""

    def __init__(self, window_s: float, max_keys: int, max_frames: int) -> None:
        self.window_s = window_s
        self.max_keys = max_keys
        self.max_frames = max_frames
        # key -> (first finding, window end), oldest first; most keys are never seen again, so
        # the repeat record is made only for those that are (for speed)
        self._seen: dict[tuple, tuple[Finding, float]] = {}
        self._repeats: dict[tuple, _Repeat] = {}

    def admit(self, finding: Finding) -> list[Finding]:
        """The findings to emit now: this one, or nothing while a repeat of a recent one."""
        if finding.gate is None or self.window_s <= 0:
            return [finding]
        key = (finding.code, finding.severity, finding.gate)
        seen = self._seen.get(key)
        if seen is not None and finding.ts <= seen[1]:
            self._count(key, seen[0], finding.ts, finding.frames)
            return []
        out = []
        if seen is not None:                # its window is over: summarise, start a new one
            out += self._close(key)
        if len(self._seen) >= self.max_keys:
            out += self._close(next(iter(self._seen)))
        self._seen[key] = (finding, finding.ts + self.window_s)
        out.append(finding)
        return out

    def repeat(self, code: str, severity: str, gate: tuple, ts: float, frames: list[int]) -> bool:
        """Would a finding of this code, severity and subject at `ts` be a repeat admit() only
        counts? Then it is counted now, with its frames, and the caller need not make it (a
        check that finds the same thing thousands of times, like the rejected updates of a
        resync, pays for the first of each window only)."""
        if self.window_s <= 0:
            return False
        key = (code, severity, gate)
        seen = self._seen.get(key)
        if seen is None or ts > seen[1]:
            return False
        self._count(key, seen[0], ts, frames)
        return True

    def _count(self, key: tuple, first: Finding, ts: float, frames: list[int]) -> None:
        rep = self._repeats.get(key)
        if rep is None:
            rep = self._repeats[key] = _Repeat(first)
        rep.count += 1
        rep.last_ts = ts
        kept = rep.frames
        if len(kept) < self.max_frames:
            for frame in frames:    # most come in capture order: later than every kept one
                if len(kept) < self.max_frames and (not kept or frame > kept[-1] or frame not in kept):
                    kept.append(frame)

    def _close(self, key: tuple) -> list[Finding]:
        """Forget `key`; the summary of its repeats if it had any."""
        del self._seen[key]
        rep = self._repeats.pop(key, None)
        return self._summary(rep) if rep is not None else []

    def flush(self) -> list[Finding]:
        """Summaries of every suppressed repeat (finish time)."""
        out = []
        for key in list(self._seen):
            out += self._close(key)
        return out

    def _summary(self, rep: _Repeat) -> list[Finding]:
        if not rep.count:
            return []
        first = rep.first
        return [Finding(code=first.code, severity=first.severity, ts=rep.last_ts,
                        frames=rep.frames, message=f"{rep.count} more like: {first.message}",
                        explanation=first.explanation, isc_log=first.isc_log, client=first.client,
                        ip=first.ip, server=first.server, relationship=first.relationship,
                        count=rep.count)]
