"""The table of open DHCP transactions: keying, merging retries and relay copies, timeouts, bounds.

A transaction is keyed on xid *and* client identity (chaddr; option 61 when chaddr is empty or
zero), so two clients that pick the same xid stay apart (Zeek keys on xid alone). Open and
lingering transactions sit in insertion-ordered dicts refreshed on every message, so the oldest
is always first: timeouts and the size bound cost O(1) per emitted transaction.
"""
from __future__ import annotations

from dhcpanalyze.model import DhcpRecord

from .loadbalance import hash_key
from .settings import EngineSettings
from .transactions import TERMINAL_REPLIES, Offer, Seen, Transaction
from .wireview import ZERO_IP, DhcpView, hex_colon

BROADCAST = "255.255.255.255"
LEASEQUERY_TYPES = {"LEASEQUERY", "BULKLEASEQUERY", "ACTIVELEASEQUERY"}


class Applied(DhcpView):
    """A DHCP record as the table read it (option bytes, `mtype`) and what it did to which
    transaction. One object per record for both roles (for speed); feed() sets the outcome."""

    __slots__ = ("txn", "distinct", "server")
    txn: Transaction
    distinct: bool          # False for a relay/capture copy or an ICMP-quoted message
    server: str | None      # reply_server() of a server message on UDP, else None


def txn_key(view: DhcpView) -> tuple[tuple, bytes | None]:
    """The table key, and the client's hardware address (None when it has no usable one)."""
    msg = view.msg
    chaddr = msg.chaddr[: msg.hlen]
    if not any(chaddr):         # empty (hlen 0, IPoIB) or all zero: the client id tells
        return (msg.xid, "cid", view.client_id() or b""), None
    return (msg.xid, "hw", chaddr), chaddr


def classify(view: DhcpView, dst: str) -> str:
    """The kind of exchange a client message opens (see transactions.py)."""
    msg, mtype = view.msg, view.mtype
    if mtype == "DISCOVER":
        return "dora"
    if mtype == "REQUEST":
        if 54 in view.opts:
            return "dora"
        if msg.ciaddr == ZERO_IP:
            return "init-reboot"
        # RENEWING unicasts to the server; REBINDING broadcasts, so a relay may carry it
        return "rebind" if dst == BROADCAST or msg.giaddr != ZERO_IP else "renew"
    if mtype in LEASEQUERY_TYPES:
        return "leasequery"
    return {"RELEASE": "release", "DECLINE": "decline", "INFORM": "inform",
            "BOOTP": "bootp"}.get(mtype, mtype.lower())


def classify_reply(view: DhcpView) -> str:
    """The kind when only the server's side was captured."""
    msg, mtype = view.msg, view.mtype
    if mtype.startswith("LEASE"):
        return "leasequery"
    if mtype == "BOOTP":
        return "bootp"
    if mtype == "ACK" and msg.yiaddr == ZERO_IP:
        return "inform"             # an INFORM's ACK carries no yiaddr (RFC 2131 §4.3.5)
    if mtype == "ACK" and msg.ciaddr != ZERO_IP:
        return "renew"
    return "dora"


def reply_server(rec: DhcpRecord, view: DhcpView) -> str | None:
    """Option 54, else the sender unless it is the relay handing the reply to the client."""
    sid = view.ip(54)
    if sid:
        return sid
    return rec.src if rec.src != rec.msg.giaddr else None


class TransactionTable:
    """Open transactions; `feed` applies a DHCP record, `expire` and `drain` emit closed ones."""

    def __init__(self, settings: EngineSettings) -> None:
        self.s = settings
        self._open: dict[tuple, Transaction] = {}
        self._done: dict[tuple, Transaction] = {}
        self.evicted = 0
        self._long_due = float("inf")      # no transaction is txn_max_duration_s old before

    def __len__(self) -> int:
        return len(self._open) + len(self._done)

    def feed(self, rec: DhcpRecord, emit: list[Transaction]) -> Applied:
        msg = rec.msg
        view = Applied(msg)
        is_client = msg.op != 2
        key, chaddr = txn_key(view)
        txn = self._done.pop(key, None) or self._open.pop(key, None)
        if txn is not None:
            ended = self._ends_before(txn, view.mtype, is_client)
            if ended:
                self._close(txn, rec.ts, ended, emit)
                txn = None
        if txn is None:
            txn = self._new(rec, view, chaddr, is_client, emit)
        # reply_server once per message: the table, the server counts and checks all ask
        server = None if is_client or rec.via_icmp is not None else reply_server(rec, view)
        view.distinct = self._apply(txn, rec, view, is_client, server)
        view.txn, view.server = txn, server
        if txn.done_ts is not None:         # filed last: the oldest stays first
            self._done[key] = txn
        else:
            self._open[key] = txn
        return view

    def _ends_before(self, txn: Transaction, mtype: str, is_client: bool) -> str | None:
        """Why this message cannot join `txn` (its closed value), or None if it can."""
        if len(txn.msg_types) >= self.s.max_messages_per_txn:
            return "full"
        # a DISCOVER after the exchange was answered is the client starting over
        if is_client and mtype == "DISCOVER" and txn.answer is not None:
            return "complete"
        return None

    def _new(self, rec: DhcpRecord, view: DhcpView, chaddr: bytes | None, is_client: bool,
             emit: list[Transaction]) -> Transaction:
        if len(self._open) + len(self._done) >= self.s.max_open_transactions:
            self._evict_oldest(rec.ts, emit)
        kind = classify(view, rec.dst) if is_client else classify_reply(view)
        cid = view.client_id()
        due = rec.ts + self.s.txn_max_duration_s
        if due < self._long_due:
            self._long_due = due
        return Transaction(kind=kind, xid=rec.msg.xid,
                           mac=hex_colon(chaddr) if chaddr is not None else None,
                           start=rec.ts, end=rec.ts, client_id=hex_colon(cid) if cid else None)

    def _evict_oldest(self, now: float, emit: list[Transaction]) -> None:
        pool = self._done if self._done else self._open
        key = next(iter(pool))
        self.evicted += 1
        self._close(pool.pop(key), now, "evicted", emit)

    # --- applying one message --------------------------------------------------------------

    def _apply(self, txn: Transaction, rec: DhcpRecord, view: DhcpView, is_client: bool,
               server: str | None) -> bool:
        txn.add_frame(rec.frame, self.s.max_frames_listed)
        if rec.ts > txn.end:
            txn.end = rec.ts
        if rec.via_icmp is not None:
            return self._apply_icmp(txn, rec, view)
        if txn.relay is None and rec.msg.giaddr != ZERO_IP:
            txn.relay = rec.msg.giaddr
        if is_client:
            return self._apply_client(txn, rec, view)
        return self._apply_server(txn, rec, view, server)

    def _apply_icmp(self, txn: Transaction, rec: DhcpRecord, view: DhcpView) -> bool:
        quote, mtype = rec.via_icmp, view.mtype
        txn.icmp.append({"frame": rec.frame, "ts": rec.ts, "type": quote.type,
                         "code": quote.code, "from": quote.sender, "quoted": mtype,
                         "dst": rec.dst})
        if not txn.msg_types:          # the original was not captured: the quote proves it
            txn.msg_types.append(mtype)
            if rec.msg.op != 2:
                self._note_client(txn, rec, view)
        return False

    def _is_copy(self, last: Seen | None, ident: tuple, ts: float) -> bool:
        # a relay forwards one broadcast to each server within milliseconds, and the reply comes
        # back through it; a message of the same identity inside the window is that copy
        return last is not None and last.ident == ident and ts - last.ts <= self.s.copy_window_s

    def _apply_client(self, txn: Transaction, rec: DhcpRecord, view: DhcpView) -> bool:
        msg, mtype = rec.msg, view.mtype
        txn.secs = max(txn.secs, msg.secs)
        if self._is_copy(txn.last_client, (mtype,), rec.ts) and not self._answered_since(txn):
            return False
        if txn.last_client is not None and txn.last_client.mtype == mtype:
            txn.retries += 1
        txn.msg_types.append(mtype)
        self._note_client(txn, rec, view)
        return True

    def _answered_since(self, txn: Transaction) -> bool:
        return txn.last_server is not None and txn.last_server.ts >= txn.last_client.ts

    def _note_client(self, txn: Transaction, rec: DhcpRecord, view: DhcpView) -> None:
        msg, mtype, opts = rec.msg, view.mtype, view.opts
        txn.last_client = Seen(mtype, (mtype,), rec.ts)
        txn.last_request_ts = rec.ts
        if 12 in opts:
            txn.hostname = view.text(12) or txn.hostname
        if 50 in opts:
            txn.requested_ip = view.ip(50) or txn.requested_ip
        if 54 in opts:
            txn.chosen_server = view.ip(54) or txn.chosen_server
        if msg.ciaddr != ZERO_IP:
            txn.ciaddr = msg.ciaddr
        if mtype == "DISCOVER" and len(txn.discovers) < 16:
            txn.discovers.append((rec.ts, rec.frame, msg.secs))
            txn.lb_key = txn.lb_key or hash_key(view)
        if mtype in ("RELEASE", "DECLINE"):
            txn.client_final = mtype
            # RFC 2131 §4.4.4/4.4.6: RELEASE is unicast to the server; a broadcast names nobody
            txn.server = txn.server or txn.chosen_server or \
                (rec.dst if rec.dst != BROADCAST else None)
            txn.done_ts = rec.ts
        else:
            # a new request after an answer (NAK then REQUEST, a lost ACK) reopens the exchange
            txn.done_ts = None
            txn.client_final = None

    def _apply_server(self, txn: Transaction, rec: DhcpRecord, view: DhcpView,
                      server: str | None) -> bool:
        msg, mtype = rec.msg, view.mtype
        ident = (mtype, server, msg.yiaddr)
        if self._is_copy(txn.last_server, ident, rec.ts) and \
                (txn.last_client is None or txn.last_client.ts <= txn.last_server.ts):
            return False
        txn.last_server = Seen(mtype, ident, rec.ts)
        txn.msg_types.append(mtype)
        if mtype == "OFFER":
            self._note_offer(txn, rec, view, server)
        elif mtype in TERMINAL_REPLIES:
            self._note_answer(txn, rec, view, server)
        return True

    def _note_offer(self, txn: Transaction, rec: DhcpRecord, view: DhcpView,
                    server: str | None) -> None:
        txn.offers.append(Offer(server, rec.msg.yiaddr, rec.frame, rec.ts, view.u32(51)))
        last = txn.last_client
        if txn.offer_latency is None and last is not None and last.mtype == "DISCOVER":
            txn.offer_latency = round(rec.ts - last.ts, 6)

    def _note_answer(self, txn: Transaction, rec: DhcpRecord, view: DhcpView,
                     server: str | None) -> None:
        msg, mtype = rec.msg, view.mtype
        lease = view.u32(51)
        txn.answers.append({"type": mtype, "server": server, "frame": rec.frame, "ts": rec.ts,
                            "yiaddr": msg.yiaddr, "lease_time": lease})
        txn.done_ts = rec.ts
        if mtype == "NAK" and txn.nak is None:
            txn.nak = (rec.frame, rec.ts, server)
        # ISC peers may both answer a REQUEST for a lease they share; the server the client
        # chose speaks for the exchange, another's answer does not override it
        if txn.answer is not None and txn.server == txn.chosen_server != server:
            return
        txn.answer = mtype
        txn.server = server
        txn.server_message = view.text(56) or txn.server_message
        if mtype == "ACK" or mtype == "BOOTP":
            txn.assigned_ip = msg.yiaddr if msg.yiaddr != ZERO_IP else None
            txn.lease_time = lease
        last = txn.last_client
        if txn.ack_latency is None and last is not None and last.mtype != "DISCOVER":
            txn.ack_latency = round(rec.ts - last.ts, 6)

    # --- closing -----------------------------------------------------------------------------

    def _close(self, txn: Transaction, now: float, closed: str, emit: list) -> None:
        txn.settle(now, self.s.reply_timeout_s, closed)
        emit.append(txn)

    def expire(self, now: float, emit: list[Transaction]) -> None:
        """Emit lingering transactions past txn_linger_s and open ones past their timeouts."""
        s = self.s
        while self._done:
            key, txn = next(iter(self._done.items()))
            if txn.end + s.txn_linger_s > now:
                break
            self._close(self._done.pop(key), now, "complete", emit)
        while self._open:
            key, txn = next(iter(self._open.items()))
            if txn.end + s.txn_idle_timeout_s > now:
                break
            self._close(self._open.pop(key), now, "timeout", emit)
        self._expire_long(now, emit)

    def _expire_long(self, now: float, emit: list) -> None:
        # a client that keeps one xid busy forever sits at the back, out of the oldest-first
        # order: scan for it only once the earliest possible deadline has passed
        if now < self._long_due:
            return
        limit = self.s.txn_max_duration_s
        for key in [k for k, t in self._open.items() if t.start + limit <= now]:
            self._close(self._open.pop(key), now, "timeout", emit)
        # a lingering transaction may reopen, so the bound covers both tables
        starts = [t.start for t in self._open.values()] + [t.start for t in self._done.values()]
        self._long_due = min(starts) + limit if starts else float("inf")

    def drain(self, now: float, emit: list[Transaction]) -> None:
        """Emit everything (end of capture); lingering ones are complete."""
        for txn in self._done.values():
            self._close(txn, now, "complete", emit)
        for txn in self._open.values():
            self._close(txn, now, "capture-end", emit)
        self._done.clear()
        self._open.clear()
