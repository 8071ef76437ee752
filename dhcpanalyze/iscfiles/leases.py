"""dhcpd.leases: lease blocks with log semantics and the failover state history.

dhcpd appends a block every time a lease changes and rewrites the file only now and then, so the
file is a log: the last block for an address is the lease (dhcpd.leases(5)). `failover peer "X"
state { … }` blocks are appended at every state change of either peer, which makes them a
timestamped history of the relationship. Dates are UTC (`W YYYY/MM/DD HH:MM:SS`), `epoch N` (with
`db-time-format local`) or `never`.
"""
from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field

from dhcpanalyze.iscfiles.statements import Statement, statements
from dhcpanalyze.iscfiles.tokens import Problem, Source, Where, tokenize_file

NEVER = math.inf
DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})$")
TIME = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})$")
DATE_FIELDS = ("starts", "ends", "tstp", "tsfp", "atsfp", "cltt")
MAX_LEASES = 1_000_000      # distinct addresses kept (a /12 of leases); further ones are counted
MAX_STATES = 100_000        # state blocks kept (one per state change of either peer)


@dataclass(slots=True)
class Lease:
    """The last block written for one address; None = not in that block."""

    ip: str
    where: Where
    starts: float | None = None
    ends: float | None = None           # NEVER (math.inf) for `never`
    tstp: float | None = None           # the expiry told to the partner
    tsfp: float | None = None           # the expiry the partner acknowledged
    atsfp: float | None = None
    cltt: float | None = None           # client's last transaction time
    binding_state: str | None = None
    next_binding_state: str | None = None
    rewind_binding_state: str | None = None
    mac: str | None = None              # `hardware ethernet`
    uid: str | None = None              # client identifier as written (quoted or hex)
    client_hostname: str | None = None
    blocks: int = 1                     # blocks written for this address in the file

    def to_dict(self, server: str | None = None) -> dict:
        """The report's lease object shape (engine/leases.py), plus the file's own fields."""
        return {"ip": self.ip, "mac": self.mac, "client_id": self.uid,
                "hostname": self.client_hostname, "starts": _number(self.starts),
                "ends": _number(self.ends), "server": server, "state": self.binding_state,
                "replicated": None, "source": "leases-file", "file": self.where.file,
                "line": self.where.line, "ends_never": self.ends == NEVER,
                "next_binding_state": self.next_binding_state,
                "rewind_binding_state": self.rewind_binding_state, "cltt": _number(self.cltt),
                "tstp": _number(self.tstp), "tsfp": _number(self.tsfp), "blocks": self.blocks}


@dataclass(slots=True)
class StateBlock:
    """One `failover peer "X" state { my state S at T; partner state S at T; mclt N; }`."""

    peer: str
    where: Where
    my_state: str | None = None
    my_at: float | None = None
    partner_state: str | None = None
    partner_at: float | None = None
    mclt: int | None = None             # only the secondary writes it (server/db.c)

    def to_dict(self) -> dict:
        return {"relationship": self.peer, "file": self.where.file, "line": self.where.line,
                "my_state": self.my_state, "my_at": _number(self.my_at),
                "partner_state": self.partner_state, "partner_at": _number(self.partner_at),
                "mclt": self.mclt}


@dataclass
class LeaseFile:
    path: str
    leases: dict[str, Lease] = field(default_factory=dict)
    states: list[StateBlock] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocks: int = 0
    dropped: int = 0                    # addresses or state blocks beyond the bounds

    def writes_mclt(self) -> bool:
        """True when a state block carries mclt: only a secondary writes it."""
        return any(s.mclt is not None for s in self.states)


def read_leases(path: str) -> LeaseFile:
    """Every lease (last block per address) and state block of one file; problems collected."""
    source = Source()
    result = LeaseFile(path)
    for st in statements(tokenize_file(path, source), source):
        head = st.head(4)
        if head[:1] == ("lease",) and st.block is not None:
            _add_lease(result, _lease(st, source))
        elif head[:2] == ("failover", "peer") and head[3:] == ("state",) and st.block is not None:
            if len(result.states) < MAX_STATES:
                result.states.append(_state_block(st, source))
            else:
                result.dropped += 1
    result.problems = source.problems
    return result


def _add_lease(result: LeaseFile, lease: Lease | None) -> None:
    if lease is None:
        return
    result.blocks += 1
    old = result.leases.pop(lease.ip, None)     # re-inserted last: the dict keeps file order
    if old is not None:
        lease.blocks = old.blocks + 1
    elif len(result.leases) >= MAX_LEASES:
        result.dropped += 1
        return
    result.leases[lease.ip] = lease


def _lease(st: Statement, source: Source) -> Lease | None:
    ip = st.text(1)
    if ip is None or len(st.words) != 2:
        source.problem(st.where, "expecting lease ADDRESS {")
        return None
    lease = Lease(ip, st.where)
    for inner in st.block or []:
        _lease_statement(lease, inner, source)
    return lease


def _lease_statement(lease: Lease, st: Statement, source: Source) -> None:
    head = st.head(3)
    if head[:1] and head[0] in DATE_FIELDS:
        setattr(lease, head[0], parse_date(st.words[1:], st.where, source))
    elif head[:2] == ("binding", "state"):
        lease.binding_state = st.text(2)
    elif head[1:] == ("binding", "state") and head[0] in ("next", "rewind"):
        setattr(lease, f"{head[0]}_binding_state", st.text(3))
    elif head[:2] == ("hardware", "ethernet"):
        lease.mac = (st.text(2) or "").lower()
    elif head[:1] == ("uid",):
        lease.uid = st.text(1)
    elif head[:1] == ("client-hostname",):
        lease.client_hostname = st.text(1)


def _state_block(st: Statement, source: Source) -> StateBlock:
    block = StateBlock(st.text(2) or "", st.where)
    for inner in st.block or []:
        head = inner.head(2)
        if head in (("my", "state"), ("partner", "state")):
            who = head[0]
            setattr(block, f"{who}_state", inner.text(2))
            if inner.head(4)[3:] == ("at",):
                setattr(block, f"{who}_at", parse_date(inner.words[4:], inner.where, source))
        elif head[:1] == ("mclt",) and (inner.text(1) or "").isdigit():
            block.mclt = int(inner.text(1))
        else:
            source.problem(inner.where, "expecting state setting.")
    return block


def parse_date(words: list, where: Where, source: Source) -> float | None:
    """`W YYYY/MM/DD HH:MM:SS` (UTC), `epoch N` or `never` as epoch seconds (NEVER for never)."""
    texts = [w.text.lower() for w in words]
    if texts == ["never"]:
        return NEVER
    if len(texts) == 2 and texts[0] == "epoch" and texts[1].isdigit():
        return float(texts[1])
    if len(texts) == 3 and texts[0].isdigit():
        date, time = DATE.match(texts[1]), TIME.match(texts[2])
        if date and time:
            parts = [int(x) for x in (*date.groups(), *time.groups())]
            if _valid(*parts):
                return float(calendar.timegm((*parts, 0, 0, 0)))
    source.problem(where, "expecting a date: W YYYY/MM/DD HH:MM:SS, epoch N or never")
    return None


def _valid(year: int, month: int, day: int, hour: int, minute: int, second: int) -> bool:
    return (1970 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= 31 and hour < 24
            and minute < 60 and second < 61)


def _number(value: float | None) -> float | None:
    """A time for JSON: `never` has no number (the `*_never` flag says it)."""
    return None if value is None or value == NEVER else value
