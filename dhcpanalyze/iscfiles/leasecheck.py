"""The capture against the servers' dhcpd.leases (`report --leases`), and the two files together.

A lease file is the server's own record, in its own clock: each ACK on the wire should have a block
written at that time (the server commits the lease before it answers), the partner's file should
know it once the binding update arrived, the same address must not be active for two clients on
the two peers, and every state the server announced in a STATE message is appended to its file
with the same time (`my state S at T`, T being the STATE's start-of-state time).
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.iscfiles.findings import finding
from dhcpanalyze.iscfiles.leases import Lease, LeaseFile
from dhcpanalyze.iscfiles.wire import Ack, WireView

SLACK_S = 3.0           # file times are whole seconds, and a commit may lag the ACK a little
OFFSET_WARN_S = 30.0    # as the engine's skew warning (EngineSettings.skew_warn_s)
MATCH_WINDOW_S = 600.0  # a state block this near a STATE is its record, even if the clocks differ
ACTIVE = "active"


def file_problems(leases: LeaseFile) -> Iterator[dict]:
    for p in leases.problems:
        code = "leases.unreadable" if p.message.startswith("cannot read") else "leases.syntax"
        yield finding(code, p.message, "correct or remove the statement (`dhcpd -t -T -lf FILE` "
                      "shows how dhcpd reads it)", p.where)


def check(wire: WireView, by_server: dict[str, LeaseFile], files: list[LeaseFile]) -> Iterator[dict]:
    for ack in wire.acks.values():
        own = by_server.get(ack.server)
        if own is not None:
            yield from _own_file(ack, own, wire.offset(ack.server), wire.leases.get(ack.ip))
        for partner, leases in by_server.items():
            if partner != ack.server:
                yield from _partner_file(ack, leases, wire.offset(partner), wire.leases.get(ack.ip),
                                         wire.link_up(ack.ts))
    if len(files) == 2:
        yield from mac_conflicts(*files)
    for server, leases in by_server.items():
        yield from _state_history(server, leases, wire)


def _file_time(ack: Ack, offset: float) -> float:
    """The ACK's capture time in the server's clock."""
    return ack.ts + offset


def _written(lease: Lease) -> float | None:
    return lease.cltt if lease.cltt is not None else lease.starts


def _own_file(ack: Ack, leases: LeaseFile, offset: float, wire_lease: dict | None) -> Iterator[dict]:
    lease = leases.leases.get(ack.ip)
    when = _file_time(ack, offset)
    written = _written(lease) if lease is not None else None
    subject = {"server": ack.server, "ip": ack.ip, "client": ack.mac, "ts": ack.ts,
               "frames": [ack.frame] if ack.frame else []}
    if written is None or written < when - SLACK_S:
        yield finding("leases.missing", f"{ack.server} ACKed {ack.ip} to {ack.mac}; "
                      f"{leases.path} has no block for it from then on",
                      "check that this is the server's lease file (-lf) and that it can write it",
                      lease.where if lease else None, **subject)
        return
    if written > when + SLACK_S:
        return                          # the file knows of a later change: nothing to compare
    yield from _disagreement(ack, lease, offset, wire_lease, subject)


def _disagreement(ack: Ack, lease: Lease, offset: float, wire_lease: dict | None,
                  subject: dict) -> Iterator[dict]:
    problems = []
    if ack.mac and lease.mac and lease.mac != ack.mac:
        problems.append(f"client {lease.mac} in the file, {ack.mac} on the wire")
    wire_state = (wire_lease or {}).get("state") if (wire_lease or {}).get("mac") == ack.mac else None
    if wire_state == ACTIVE and lease.binding_state == "free":
        problems.append("binding state free in the file, active on the wire")
    if (ack.ends is not None and lease.ends is not None and lease.binding_state == ACTIVE
            and abs(lease.ends - (ack.ends + offset)) > SLACK_S):
        start = lease.starts if lease.starts is not None else ack.ts + offset
        problems.append(f"a lease of {lease.ends - start:.0f} s in the file, "
                        f"{ack.ends - ack.ts:.0f} s on the wire")
    if problems:
        yield finding("leases.disagrees", f"{ack.ip}: " + "; ".join(problems),
                      "compare the server's log for this address; the file may be another "
                      "server's", lease.where, **subject)


def _partner_file(ack: Ack, leases: LeaseFile, offset: float, wire_lease: dict | None,
                  link_up: bool | None) -> Iterator[dict]:
    """The partner learns the lease from a BNDUPD; its block carries the client from then on."""
    lease = leases.leases.get(ack.ip)
    if lease is not None and lease.mac == ack.mac and (_written(lease) or 0) >= \
            _file_time(ack, offset) - SLACK_S:
        return
    if lease is not None and (_written(lease) or 0) > _file_time(ack, offset) + SLACK_S:
        return                          # a later change of the address: the file moved on
    replicated = (wire_lease or {}).get("replicated") if (wire_lease or {}).get("mac") == ack.mac \
        else None
    seen = {True: "the wire shows the update acknowledged", False: "no acknowledged update on "
            "the wire"}.get(replicated, "the capture shows no update")
    if link_up is False:                # out of touch: the update waits for the reconnection
        seen += "; the failover link was down, so the partner learns it when they reconnect"
    yield finding("leases.not-replicated", f"{ack.server} ACKed {ack.ip} to {ack.mac}; the "
                  f"partner's file {leases.path} does not know it ({seen})",
                  "check the failover link and the partner's log around this time",
                  lease.where if lease else None, server=ack.server, ip=ack.ip, client=ack.mac,
                  ts=ack.ts, frames=[ack.frame] if ack.frame else [],
                  severity="info" if link_up is False else None)


def mac_conflicts(a: LeaseFile, b: LeaseFile) -> Iterator[dict]:
    """The same address active for different clients in the two files."""
    for ip, lease in a.leases.items():
        other = b.leases.get(ip)
        if (other is not None and lease.binding_state == ACTIVE == other.binding_state
                and lease.mac and other.mac and lease.mac != other.mac):
            yield finding("leases.mac-conflict", f"{ip} active for {lease.mac} in {a.path} "
                          f"(line {lease.where.line}) and for {other.mac} in {b.path}",
                          "restart the pair's resync (the secondary in recover) or remove the "
                          "stale lease with omshell", other.where, ip=ip, client=other.mac)


def _state_history(server: str, leases: LeaseFile, wire: WireView) -> Iterator[dict]:
    """Each STATE the server sent should be in its file; the times tell its clock offset."""
    history: dict[str, list[float]] = {}
    for block in leases.states:
        if block.my_at is not None and block.my_state:
            history.setdefault(block.my_state, []).append(block.my_at)
    earliest = min((at for times in history.values() for at in times), default=None)
    offsets = []
    for rel in wire.relationships:
        for state in rel.get("states") or []:
            if (state.get("server") != server or state.get("startup")
                    or not isinstance(state.get("stos"), (int, float))):
                continue                # a startup STATE repeats an old state: no new block
            at = _recorded(history.get(state.get("state"), []), float(state["stos"]), state["ts"])
            if at is not None:
                offsets.append(at - state["ts"])
            elif earliest is not None and state["stos"] >= earliest:
                yield finding("leases.state-missing", f"{server} announced {state.get('state')} "
                              f"(since {state['stos']:.0f}) but {leases.path} has no such state "
                              "block", "check that this is the server's lease file",
                              leases.states[-1].where if leases.states else None,
                              server=server, ts=state.get("ts"),
                              relationship=rel.get("relationship"),
                              frames=[state["frame"]] if state.get("frame") else [])
    yield from _offset(server, leases, offsets)


def _recorded(times: list[float], stos: float, ts: float) -> float | None:
    """The file's time for an announced state: the STATE's own start time if written (the same
    clock wrote both), else the nearest within MATCH_WINDOW_S of the capture time."""
    if stos in times:
        return stos
    near = [t for t in times if abs(t - ts) <= MATCH_WINDOW_S]
    return min(near, key=lambda t: abs(t - ts)) if near else None


def _offset(server: str, leases: LeaseFile, offsets: list[float]) -> Iterator[dict]:
    if not offsets:
        return
    median = sorted(offsets)[len(offsets) // 2]
    if abs(median) > OFFSET_WARN_S:
        yield finding("leases.clock-offset", f"{server}'s state history in {leases.path} runs "
                      f"{median:+.0f} s from the capture's clock ({len(offsets)} STATE messages)",
                      "run NTP on both servers; ISC refuses a partner more than 60 s off",
                      leases.states[-1].where if leases.states else None, server=server)
