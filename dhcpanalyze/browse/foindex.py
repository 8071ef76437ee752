"""Failover messages kept small: what the ladder and the failover screen draw without decoding again.

Per message: frame, time, sender, receiver, type and the few options that matter on screen (the
binding's address, a reject reason, a state). BNDACKs are paired with their BNDUPD by the sender
direction and xid, as ISC pairs them, which gives each update's lag and the updates outstanding.

A failover-heavy capture carries about a million messages (a pair resyncing sends one BNDUPD and
one BNDACK per address), so the index keeps them column-wise in arrays, about 55 bytes a message
instead of an object of a few hundred: numbers as they are, and what repeats by an id into a
table of its distinct values (the (sender, receiver) pair, the address, and the message's "shape":
type, binding status, reject reason and texts). `FoMessage`s are built on demand, for the
messages a screen actually draws.
"""
from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dhcpanalyze.engine.wireview import BINDING_STATES, as_ip, as_text, as_uint, fo_options, \
    fo_state_name, reject_text
from dhcpanalyze.model import FailoverRecord, TcpEvent

MAX_OUTSTANDING = 100_000      # unanswered BNDUPDs remembered per direction (older ones forgotten)
NO_LAG = math.nan              # the lag column's value for a message without one
BINDING_TYPES = ("BNDUPD", "BNDACK")


@dataclass(slots=True)
class FoMessage:
    """One message as the screens draw it (a view of the index, built on demand)."""

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


@dataclass(frozen=True, slots=True)
class Shape:
    """What many messages share: type and the option values drawn, decoded once per distinct one."""

    type_name: str
    status: str | None
    reject: int | None
    text: str | None
    reason_text: str | None


class Interned:
    """Distinct values numbered in order of first sight; id 0 is None."""

    __slots__ = ("values", "ids")

    def __init__(self) -> None:
        self.values: list = [None]
        self.ids: dict = {}

    def id_of(self, value) -> int:
        got = self.ids.get(value)
        if got is None:
            got = self.ids[value] = len(self.values)
            self.values.append(value)
        return got


class FailoverIndex:
    """Append-only columns, one entry per failover message in capture order, and the TCP events."""

    def __init__(self) -> None:
        self.frames = array("Q")
        self.ts = array("d")
        self.pair = array("I")          # id in self.pairs: (sender, receiver)
        self.xid = array("I")
        self.ip = array("I")            # id in self.ips (0: none)
        self.shape = array("I")         # id in self.shapes
        self.lag = array("d")           # NO_LAG: none
        self.outstanding = array("I")   # written last: len(self) counts messages complete in every column
        self.pairs: list[tuple[str, str]] = []
        self._pair_ids: dict[tuple[str, str], int] = {}
        self.by_pair: list[array] = []  # pair id -> indexes of its messages
        self.ips = Interned()           # address strings
        self._ip_of_raw: dict[bytes, int] = {}
        self.by_ip: list[array] = [array("I")]     # ip id -> indexes of its BNDUPDs and BNDACKs
        self.shapes: list[Shape] = []
        self._shape_of_raw: dict[tuple, int] = {}
        self._pending: list[dict[int, int]] = []    # pair id (updater, acker) -> xid -> index
        self._reverse: list[int] = []       # pair id -> the pair id of the other direction (-1: none yet)
        self.tcp: list[TcpEvent] = []

    def __len__(self) -> int:
        return len(self.outstanding)

    # --- adding ------------------------------------------------------------------------------------

    def add(self, rec: FailoverRecord) -> None:
        msg = rec.msg
        get = fo_options(msg).get
        type_name = msg.type_name
        index = len(self.outstanding)
        pair = self._pair_ids.get((rec.src, rec.dst))
        if pair is None:
            pair = self._new_pair(rec.src, rec.dst)
        self.by_pair[pair].append(index)
        raw_ip = get("assigned-ip-address")
        ip = 0 if raw_ip is None else self._ip_of_raw.get(raw_ip)
        if ip is None:
            ip = self._ip_of_raw[raw_ip] = self._ip_id(as_ip(raw_ip))
        key = (type_name, msg.legacy, get("binding-status"), get("reject-reason"), get("message"),
               get("relationship-name"), get("server-state") if type_name == "STATE" else None)
        shape = self._shape_of_raw.get(key)
        if shape is None:
            shape = self._shape_of_raw[key] = self._new_shape(key)
        lag, outstanding = NO_LAG, 0
        if type_name == "BNDUPD":
            pending = self._pending[pair]
            if len(pending) >= MAX_OUTSTANDING:
                del pending[next(iter(pending))]
            pending[msg.xid] = index
            outstanding = len(pending)
        elif type_name == "BNDACK":
            back = self._reverse[pair]
            if back >= 0:
                ip, lag, outstanding = self._ack(self._pending[back], msg.xid, rec.ts, ip)
        if ip and type_name in BINDING_TYPES:
            self.by_ip[ip].append(index)
        self.frames.append(rec.frame)
        self.ts.append(rec.ts)
        self.pair.append(pair)
        self.xid.append(msg.xid)
        self.ip.append(ip)
        self.shape.append(shape)
        self.lag.append(lag)
        self.outstanding.append(outstanding)

    def _new_pair(self, src: str, dst: str) -> int:
        pair = self._pair_ids[(src, dst)] = len(self.pairs)
        self.pairs.append((src, dst))
        self.by_pair.append(array("I"))
        self._pending.append({})
        back = self._pair_ids.get((dst, src), -1)
        self._reverse.append(back)
        if back >= 0:
            self._reverse[back] = pair
        return pair

    def _ip_id(self, ip: str | None) -> int:
        if ip is None:
            return 0
        ip_id = self.ips.id_of(ip)
        if ip_id == len(self.by_ip):
            self.by_ip.append(array("I"))
        return ip_id

    def _new_shape(self, key: tuple) -> int:
        type_name, legacy, status, reject, message, relname, state = key
        reject = as_uint(reject)
        text = as_text(message) or as_text(relname)
        if type_name == "STATE":
            text = fo_state_name(as_uint(state), legacy)
        reason = None if reject is None else reject_text(reject, legacy) or f"reason {reject}"
        self.shapes.append(Shape(type_name, BINDING_STATES.get(as_uint(status)), reject, text, reason))
        return len(self.shapes) - 1

    def _ack(self, pending: dict[int, int], xid: int, ts: float, ip: int) -> tuple[int, float, int]:
        """(address id, lag, outstanding) of a BNDACK: the BNDUPD it answers, if seen, no longer pending."""
        update = pending.pop(xid, None)
        if update is None:
            return ip, NO_LAG, len(pending)
        return ip or self.ip[update], ts - self.ts[update], len(pending)

    # --- reading -----------------------------------------------------------------------------------

    def message(self, i: int) -> FoMessage:
        src, dst = self.pairs[self.pair[i]]
        shape = self.shapes[self.shape[i]]
        lag = self.lag[i]
        return FoMessage(self.frames[i], self.ts[i], src, dst, shape.type_name, self.xid[i],
                         self.ips.values[self.ip[i]], shape.status, shape.reject, shape.text,
                         None if lag != lag else lag, self.outstanding[i], shape.reason_text)

    def messages(self, indexes: Iterable[int]) -> list[FoMessage]:
        return [self.message(i) for i in indexes]

    def bindings(self, ip: str, start: float, end: float) -> list[FoMessage]:
        """BNDUPDs and BNDACKs of `ip` between two times."""
        ip_id = self.ips.ids.get(ip)
        if ip_id is None:
            return []
        ts = self.ts
        return self.messages(i for i in self.by_ip[ip_id] if start <= ts[i] <= end)

    def between(self, peers: frozenset[str]) -> array:
        """Indexes of the messages between two (or more) peers, in capture order."""
        found = [self.by_pair[p] for p, (src, dst) in enumerate(self.pairs) if src in peers and dst in peers]
        if len(found) == 1:
            return array("I", found[0])
        return array("I", sorted(i for indexes in found for i in indexes))

    def of_types(self, indexes: Iterable[int], types: Iterable[str]) -> Iterator[int]:
        """The indexes among `indexes` whose message is of one of these types."""
        wanted = {s for s, shape in enumerate(self.shapes) if shape.type_name in types}
        shape = self.shape
        return (i for i in indexes if shape[i] in wanted)

    def lags(self, indexes: Iterable[int]) -> Iterator[tuple[float, float]]:
        """(time, lag) of the BNDACKs among `indexes` that answered a BNDUPD seen."""
        ts, lag = self.ts, self.lag
        return ((ts[i], lag[i]) for i in self.of_types(indexes, ("BNDACK",)) if lag[i] == lag[i])

    def outstanding_at(self, indexes: Iterable[int]) -> Iterator[tuple[float, float]]:
        """(time, updates outstanding) at each BNDUPD and BNDACK among `indexes`."""
        ts, outstanding = self.ts, self.outstanding
        return ((ts[i], float(outstanding[i])) for i in self.of_types(indexes, BINDING_TYPES))

    def pairs_of_frame(self, frame: int) -> set[tuple[str, str]]:
        """(sender, receiver) of the messages completed in a frame."""
        frames, out, i = self.frames, set(), 0
        n = len(self)
        while True:
            try:
                i = frames.index(frame, i, n)
            except ValueError:
                return out
            out.add(self.pairs[self.pair[i]])
            i += 1

    def tcp_between(self, peers: frozenset[str]) -> list[TcpEvent]:
        return [e for e in self.tcp if e.src in peers and e.dst in peers]
