"""What the failover tracker tells the checks: one small typed record per event kind.

An FoEvent (connection.py) carries kind, time, frames, relationship and one of these as `data`;
BindingUpdate and BindingAck are events themselves (they have the same four and `data`).
Fields are what the checks and the lease table read; each says where it comes from on the wire.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Connected:
    """A failover session is established (CONNECTACK without reject, or traffic mid-stream)."""

    mid_stream: bool            # no CONNECT seen: the capture began inside the session


@dataclass(slots=True)
class ConnectSent:
    """A CONNECT: its sender is the primary (failover-wire.md §5.1)."""

    sender: str


@dataclass(slots=True)
class Rejection:
    """A CONNECTACK with a reject reason, or a DISCONNECT (option 21 reject-reason)."""

    sender: str
    receiver: str
    reason: int                 # the reject-reason code (0 when a DISCONNECT carried none)
    reason_text: str            # ISC's log text for it (tables.REJECT_REASON_TEXTS), or "reason N"
    text: str | None            # option 16 message, as the sender wrote it
    name: str | None            # option 22 relationship name


@dataclass(slots=True)
class StateNote:
    """A STATE message: also the entry of the relationship's state timeline (to_dict())."""

    ts: float
    frame: int
    server: str
    state: str                  # server-state as dhcpd logs it ("communications-interrupted")
    startup: bool               # server-flags STARTUP bit
    stos: int | None            # start-time-of-state, the sender's clock
    previous: str | None = None # the state this server announced before (None: none seen)

    def to_dict(self) -> dict:
        return {"ts": self.ts, "frame": self.frame, "server": self.server, "state": self.state,
                "startup": self.startup, "stos": self.stos}


@dataclass(slots=True)
class Skew:
    """The pair's clock difference moved (header time vs capture time of each side)."""

    skew: float                 # primary clock - secondary clock, s
    ahead: str
    behind: str


@dataclass(slots=True)
class BindingUpdate:
    """A BNDUPD: what the lease table and the replication check read (times in the sender's clock).

    It is its own event: kind, ts, frames and rel as an FoEvent has them, and `data` is itself.
    A resync sends these by the hundred thousand; one object each instead of two.
    """

    sender: str
    receiver: str
    ip: str | None              # assigned-ip-address
    status: str | None          # binding-status as dhcpd.leases spells it ("active", "free")
    xid: int
    mac: str | None             # client-hardware-address without its htype byte
    client_id: str | None       # client-identifier, colon hex
    starts: int | None          # start-time-of-state
    ends: int | None            # lease-expiration-time
    ts: float = 0.0             # the event's: capture time, frames, relationship
    frames: list[int] = field(default_factory=list)
    rel: object = None
    kind: str = field(default="bndupd", init=False)     # a slot: read for every event

    @property
    def data(self) -> BindingUpdate:
        return self


@dataclass(slots=True)
class BindingAck:
    """A BNDACK, paired with its BNDUPD by xid when that was seen; its own event, as BindingUpdate."""

    acker: str
    updater: str
    xid: int
    ip: str | None              # the BNDACK's address, else the BNDUPD's
    reason: int | None          # reject-reason (None: accepted)
    text: str | None            # option 16 message
    reason_text: str | None     # ISC's log text for the reason
    latency: float | None       # BNDACK time - BNDUPD time (None: BNDUPD not seen)
    status: str | None          # the BNDUPD's binding-status
    ts: float = 0.0             # the event's: capture time, frames (the BNDUPD's first), relationship
    frames: list[int] = field(default_factory=list)
    rel: object = None
    kind: str = field(default="bndack", init=False)

    @property
    def data(self) -> BindingAck:
        return self


@dataclass(slots=True)
class Unacked:
    """A BNDUPD still without BNDACK after bndack_timeout_s while the link stayed up."""

    sender: str
    receiver: str | None
    xid: int
    ip: str | None
    status: str | None
    sent: float                 # capture time of the BNDUPD


@dataclass(slots=True)
class Window:
    """More BNDUPDs in flight than the receiver's max-unacked-bndupd."""

    sender: str
    receiver: str
    outstanding: int
    limit: int


@dataclass(slots=True)
class LinkDown:
    """The link was lost. `reason`: fin / rst / reused (by = who ended it), silence (silent,
    receiver, limit, last_heard), refused (by refuses caller), state (server has reported
    communications-interrupted since `since`, its clock)."""

    reason: str
    by: str | None = None
    unacked: int = 0            # BNDUPDs still unacknowledged at that moment
    silent: str | None = None
    receiver: str | None = None
    limit: int | None = None    # the receiver's receive-timer, s
    last_heard: float | None = None
    caller: str | None = None
    server: str | None = None
    since: int | None = None


@dataclass(slots=True)
class Gap:
    """Bytes of a failover stream lost from the capture."""

    detail: str
    sender: str
