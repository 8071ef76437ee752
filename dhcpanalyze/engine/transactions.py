"""The DHCP transaction record: one client exchange (DORA, renewal, release, ...) and its outcome.

Kinds (from the client's first message; from the reply when the request was not captured):
  dora        DISCOVER, or REQUEST carrying a server identifier (SELECTING, RFC 2131 §4.3.2)
  init-reboot REQUEST without server identifier and without ciaddr (client rebooting)
  renew       REQUEST with ciaddr sent straight to the server (RENEWING, no relay involved)
  rebind      REQUEST with ciaddr broadcast, or relayed (REBINDING)
  release / decline / inform    RELEASE / DECLINE / INFORM
  bootp       BOOTREQUEST without option 53 (RFC 951)
  leasequery  LEASEQUERY and the bulk/active variants (RFC 4388, 6926, 7724)

Outcomes:
  ack           an ACK ended it (the client has the address)
  nak           the last answer was a NAK
  declined      the client DECLINEd the address (after an ACK, or a lone DECLINE)
  released      a RELEASE (no answer is expected)
  informed      an INFORM answered by an ACK
  replied       a BOOTP request answered
  leaseactive / leaseunassigned / leaseunknown    the leasequery answer
  unreachable   an ICMP error came back for the client's message and nobody answered
  offered-only  OFFERs came, the client never REQUESTed one
  no-offer      DISCOVERs with no OFFER
  no-ack        a REQUEST with neither ACK nor NAK
  no-reply      an INFORM, BOOTP or leasequery request nobody answered
  incomplete    the capture ended (or the table bound evicted it) less than reply_timeout_s
                after an unanswered request
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .loadbalance import Balance

TERMINAL_REPLIES = {"ACK": "ack", "NAK": "nak", "LEASEACTIVE": "leaseactive",
                    "LEASEUNASSIGNED": "leaseunassigned", "LEASEUNKNOWN": "leaseunknown",
                    "BOOTP": "replied"}
_NO_ANSWER = {"dora": "no-ack", "init-reboot": "no-ack", "renew": "no-ack", "rebind": "no-ack",
              "inform": "no-reply", "bootp": "no-reply", "leasequery": "no-reply"}


@dataclass(slots=True)
class Seen:
    """The latest distinct message of one side of a transaction, to tell a copy (the same
    message through a relay or a second capture point) from a new one."""

    mtype: str
    ident: tuple                       # (type,) for a client; (type, server, yiaddr) for a server
    ts: float


@dataclass(slots=True)
class Offer:
    server: str | None
    yiaddr: str
    frame: int
    ts: float
    lease_time: int | None

    def to_dict(self) -> dict:
        return {"server": self.server, "yiaddr": self.yiaddr, "frame": self.frame,
                "ts": self.ts, "lease_time": self.lease_time}


@dataclass(slots=True)
class Transaction:
    """One client exchange; `to_dict()` is the `transactions[]` object of the report contract."""

    kind: str
    xid: int
    mac: str | None                    # chaddr (first hlen bytes)
    client_id: str | None              # option 61, colon hex, type byte included
    start: float                       # first message
    end: float                         # last message
    hostname: str | None = None        # option 12 from the client
    frames: list[int] = field(default_factory=list)      # first max_frames_listed frames
    frame_count: int = 0
    msg_types: list[str] = field(default_factory=list)   # distinct messages (copies left out)
    offers: list[Offer] = field(default_factory=list)
    chosen_server: str | None = None   # option 54 of the client's REQUEST/RELEASE/DECLINE
    requested_ip: str | None = None    # option 50
    ciaddr: str | None = None          # client's own address (renew, rebind, inform, release)
    server: str | None = None          # who answered (the chosen server's answer wins), else
                                       # the server addressed
    assigned_ip: str | None = None     # yiaddr of the ACK (ciaddr for an INFORM: none)
    lease_time: int | None = None      # option 51 of the ACK
    relay: str | None = None           # giaddr when a relay agent forwarded it
    expected_server: str | None = None # the peer the split designates (balanced DISCOVERs)
    balance: Balance | None = None     # the load-balancing verdict of the first DISCOVER
    outcome: str = "incomplete"
    closed: str = "complete"           # complete / timeout / evicted / full / capture-end
    offer_latency: float | None = None # OFFER - the DISCOVER it answered
    ack_latency: float | None = None   # ACK/NAK - the REQUEST it answered
    retries: int = 0                   # client retransmissions (copies excluded)
    secs: int = 0                      # largest secs of the client's messages (ntohs)
    server_message: str | None = None  # option 56 of a NAK/ACK
    icmp: list[dict] = field(default_factory=list)       # ICMP errors quoting its messages
    answers: list[dict] = field(default_factory=list)    # every ACK/NAK/...: server, frame, ...
    # bookkeeping (not in the contract)
    answer: str | None = None          # last terminal server reply type
    client_final: str | None = None    # RELEASE / DECLINE when the client ended it
    nak: tuple | None = None           # (frame, ts, server) of the first NAK
    last_client: Seen | None = None    # the latest distinct client message
    last_server: Seen | None = None    # the latest distinct server message
    last_request_ts: float | None = None
    done_ts: float | None = None
    discovers: list[tuple] = field(default_factory=list)   # (ts, frame, secs), first 16
    lb_key: bytes | None = None        # what ISC hashes for load balancing (first DISCOVER)
    service_mode: str | None = None    # how the pair served at the first DISCOVER (designate)
    prev_server: str | None = None     # who served this client the address before this ACK
    record = "transaction"

    def add_frame(self, frame: int, limit: int) -> None:
        self.frame_count += 1
        if len(self.frames) < limit and (not self.frames or self.frames[-1] != frame):
            self.frames.append(frame)

    def offering_servers(self) -> list[str]:
        return list(dict.fromkeys(o.server for o in self.offers if o.server))

    def settle(self, now: float, reply_timeout: float, closed: str) -> None:
        """Fix the outcome at emission time."""
        self.closed = closed
        self.outcome = self._outcome(now, reply_timeout, closed)

    def _outcome(self, now: float, reply_timeout: float, closed: str) -> str:
        if self.client_final == "DECLINE":
            return "declined"
        if self.client_final == "RELEASE":
            return "unreachable" if self.icmp else "released"
        if self.answer is not None:
            return "informed" if self.kind == "inform" and self.answer == "ACK" \
                else TERMINAL_REPLIES.get(self.answer, "ack")
        if self.icmp:
            return "unreachable"
        waiting = self.last_request_ts is not None and now - self.last_request_ts < reply_timeout
        if closed in ("capture-end", "evicted") and waiting:
            return "incomplete"
        if self.kind == "dora" and "REQUEST" not in self.msg_types:
            return "offered-only" if self.offers else "no-offer"
        return _NO_ANSWER.get(self.kind, "no-reply")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "xid": self.xid,
                "client": {"mac": self.mac, "client_id": self.client_id,
                           "hostname": self.hostname},
                "start": self.start, "end": self.end, "frames": list(self.frames),
                "frame_count": self.frame_count, "msg_types": list(self.msg_types),
                "offers": [o.to_dict() for o in self.offers],
                "server": self.server, "chosen_server": self.chosen_server,
                "assigned_ip": self.assigned_ip, "requested_ip": self.requested_ip,
                "ciaddr": self.ciaddr, "lease_time": self.lease_time, "relay": self.relay,
                "expected_server": self.expected_server,
                "balance": self.balance.to_dict() if self.balance else None,
                "outcome": self.outcome, "closed": self.closed,
                "offer_latency": self.offer_latency, "ack_latency": self.ack_latency,
                "retries": self.retries, "secs": self.secs,
                "server_message": self.server_message, "icmp": list(self.icmp),
                "answers": list(self.answers)}
