"""Failover messages kept small: what the ladder and the failover screen draw without decoding again.

Per message: frame, time, sender, receiver, type and the few options that matter on screen (the
binding's address, a reject reason, a state). BNDACKs are paired with their BNDUPD by the sender
direction and xid, as ISC pairs them, which gives each update's lag and the updates outstanding.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dhcpanalyze.engine.wireview import BINDING_STATES, as_ip, as_text, as_uint, fo_options, \
    fo_state_name, reject_text
from dhcpanalyze.model import FailoverRecord, TcpEvent

MAX_OUTSTANDING = 100_000      # unanswered BNDUPDs remembered per direction (older ones forgotten)


@dataclass(slots=True)
class FoMessage:
    frame: int
    ts: float
    src: str
    dst: str
    type_name: str
    xid: int
    ip: str | None = None           # assigned-ip-address (BNDUPD, BNDACK)
    status: str | None = None       # binding status of a BNDUPD
    reject: int | None = None       # reject reason (CONNECTACK, BNDACK, DISCONNECT)
    text: str | None = None         # reject text, relationship name, or the state announced
    lag: float | None = None        # BNDACK: time since its BNDUPD
    outstanding: int = 0            # BNDUPD/BNDACK: updates of this direction still unanswered
    reason_text: str | None = None  # the reject reason as ISC logs it (in the sender's era)


@dataclass(slots=True)
class FailoverIndex:
    messages: list[FoMessage] = field(default_factory=list)
    tcp: list[TcpEvent] = field(default_factory=list)
    by_ip: dict[str, list[int]] = field(default_factory=dict)       # address -> BNDUPD/BNDACK indexes
    _pending: dict[tuple, dict[int, int]] = field(default_factory=dict)   # (updater, acker) -> xid -> index

    def add(self, rec: FailoverRecord) -> None:
        msg = rec.msg
        opts = fo_options(msg)
        item = FoMessage(rec.frame, rec.ts, rec.src, rec.dst, msg.type_name, msg.xid,
                         as_ip(opts.get("assigned-ip-address")),
                         BINDING_STATES.get(as_uint(opts.get("binding-status"))),
                         as_uint(opts.get("reject-reason")),
                         as_text(opts.get("message")) or as_text(opts.get("relationship-name")))
        if item.reject is not None:
            item.reason_text = reject_text(item.reject, msg.legacy) or f"reason {item.reject}"
        if msg.type_name == "STATE":
            item.text = fo_state_name(as_uint(opts.get("server-state")), msg.legacy)
        index = len(self.messages)
        self.messages.append(item)
        if msg.type_name == "BNDUPD":
            self._update(item, index)
        elif msg.type_name == "BNDACK":
            self._ack(item, index)

    def _update(self, item: FoMessage, index: int) -> None:
        pending = self._pending.setdefault((item.src, item.dst), {})
        if len(pending) >= MAX_OUTSTANDING:
            del pending[next(iter(pending))]
        pending[item.xid] = index
        item.outstanding = len(pending)
        if item.ip:
            self.by_ip.setdefault(item.ip, []).append(index)

    def _ack(self, item: FoMessage, index: int) -> None:
        pending = self._pending.get((item.dst, item.src), {})
        update = pending.pop(item.xid, None)
        item.outstanding = len(pending)
        if update is not None:
            sent = self.messages[update]
            item.lag = item.ts - sent.ts
            item.ip = item.ip or sent.ip
        if item.ip:
            self.by_ip.setdefault(item.ip, []).append(index)

    def bindings(self, ip: str, start: float, end: float) -> list[FoMessage]:
        """BNDUPDs and BNDACKs of `ip` between two times."""
        return [m for m in (self.messages[i] for i in self.by_ip.get(ip, ())) if start <= m.ts <= end]

    def between(self, peers: frozenset[str]) -> list[FoMessage]:
        return [m for m in self.messages if m.src in peers and m.dst in peers]

    def tcp_between(self, peers: frozenset[str]) -> list[TcpEvent]:
        return [e for e in self.tcp if e.src in peers and e.dst in peers]
