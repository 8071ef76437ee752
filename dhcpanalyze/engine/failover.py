"""Failover protocol tracking: sessions per TCP connection, relationships, and the events checks read.

The tracker turns FailoverRecords and TcpEvents into relationship state (configuration, states,
link history, binding-update statistics) and into FoEvents: connect, connected, connect-rejected,
disconnect, state, skew, bndupd, bndack, unacked, window, link-down, gap. checks/ turn events
into findings; the tracker itself judges nothing.
"""
from __future__ import annotations

from dhcpanalyze.model import FailoverRecord, TcpEvent

from dissectors.addr import ip_text
from dissectors.text import decode_text
from dissectors.failover.tables import MESSAGE_TYPES

from .connection import ConnectionLife, FoEvent, session_key
from .events import BindingAck, BindingUpdate, Connected, ConnectSent, LinkDown, Rejection, \
    Skew, StateNote, Window
from .relationship import Relationship
from .session import Direction, Pending, Session
from .settings import EngineSettings
from .wireview import BINDING_STATES, as_text, as_uint, fo_options, fo_state_name, \
    reject_text

OVERFLOW = "(other relationships)"
# the message types the tracker handles, by name from the dissector's table (the same numbers
# in both eras: only 7 and 9 differ, failover-wire.md §2)
_TYPE_CODES = {name: code for code, name in MESSAGE_TYPES.items()}
BNDUPD, BNDACK, CONNECT, CONNECTACK, STATE, CONTACT, DISCONNECT = (
    _TYPE_CODES[name] for name in ("BNDUPD", "BNDACK", "CONNECT", "CONNECTACK", "STATE",
                                   "CONTACT", "DISCONNECT"))


class FailoverTracker(ConnectionLife):
    def __init__(self, settings: EngineSettings) -> None:
        self.s = settings
        self.relationships: list[Relationship] = []
        self._sessions: dict[tuple, Session] = {}
        self._by_ip: dict[str, Relationship] | None = None
        # the directions with BNDUPDs outstanding (Direction.waiting), each with its session:
        # each direction's outstanding updates are in arrival order, so the oldest is its first
        self._waiting: list[tuple[Session, Direction]] = []
        # (src, sport, dst, dport, session) of the last message (see message())
        self._flow: tuple | None = None

    # --- lookups for the rest of the engine ---------------------------------------------------

    def for_server(self, ip: str) -> Relationship | None:
        """The relationship `ip` takes part in (the one with most sessions if several)."""
        if self._by_ip is None:
            self._by_ip = {}
            for rel in sorted(self.relationships, key=lambda r: r.sessions_total):
                for peer in rel.peers:
                    self._by_ip[peer] = rel
        return self._by_ip.get(ip)

    def _relationship(self, peers: frozenset, name: str | None) -> Relationship:
        same_pair = [r for r in self.relationships if r.peers == peers]
        for rel in same_pair:
            if rel.name == name or name is None:
                return rel
        for rel in same_pair:
            if rel.name is None:        # a session joined mid-stream learns its name now
                rel.name = name
                return rel
        if len(self.relationships) >= self.s.max_relationships:
            return self._overflow()
        rel = Relationship(name=name, peers=peers)
        self.relationships.append(rel)
        self._by_ip = None
        return rel

    def _overflow(self) -> Relationship:
        """The shared entry for pairs beyond max_relationships (their stats still count)."""
        rel = self.relationships[-1]
        if rel.name != OVERFLOW:
            rel = Relationship(name=OVERFLOW, peers=frozenset())
            self.relationships.append(rel)
        return rel

    def _session(self, rec, create_ok: bool = True, key: tuple | None = None,
                 events: list[FoEvent] | None = None) -> Session | None:
        """The session of rec's connection, now the most recently active; a new one (evicting the
        least recently active at max_sessions, its end added to `events`) if create_ok."""
        if key is None:
            key = session_key(rec.src, rec.sport, rec.dst, rec.dport)
        sessions = self._sessions
        sess = sessions.pop(key, None)
        if sess is None and create_ok:
            if len(sessions) >= self.s.max_sessions:
                ended = self._end(sessions.pop(next(iter(sessions))), rec.ts, "evicted")
                if events is not None:
                    events += ended
            sess = Session(key=key, start_ts=rec.ts, start_frame=rec.frame)
        if sess is not None:
            sessions[key] = sess                # most recently active last
            if rec.ts > sess.last_ts:
                sess.last_ts = rec.ts
            sess.last_frame = rec.frame
        return sess

    def note_finding(self, finding) -> None:
        """A warning or error about a relationship counts against its health verdict."""
        if finding.relationship is None or finding.severity == "info":
            return
        for rel in self.relationships:
            if rel.name == finding.relationship:
                rel.note_problem(finding.code, finding.count)
                return

    # --- feeding -------------------------------------------------------------------------------

    def feed(self, rec: FailoverRecord | TcpEvent) -> list[FoEvent]:
        if isinstance(rec, TcpEvent):
            self._flow = None
            return self._tcp(rec)
        return self.message(rec)

    def message(self, rec: FailoverRecord) -> list[FoEvent]:
        """One failover message (feed without the record-kind test, for the engine)."""
        events: list[FoEvent] = []
        # the session of the previous message, when this one is of the same direction (most
        # are: a frame carries several); a TCP event or the end of input drops it (sessions
        # end or change order only then, or here on a miss)
        flow = self._flow
        if flow is not None and flow[1] == rec.sport and flow[3] == rec.dport and flow[0] == rec.src \
                and flow[2] == rec.dst:
            sess = flow[4]
            if rec.ts > sess.last_ts:
                sess.last_ts = rec.ts
            sess.last_frame = rec.frame
        else:
            sess = self._session(rec, events=events)
            self._flow = (rec.src, rec.sport, rec.dst, rec.dport, sess)
        msg = rec.msg
        mtype, ts = msg.type, rec.ts
        opts = msg.by_name
        if opts is None:
            opts = fo_options(msg)
        rel = sess.rel
        if rel is None:
            name = as_text(opts.get("relationship-name")) if mtype in (CONNECT, CONNECTACK) else None
            rel = sess.rel = self._relationship(frozenset((rec.src, rec.dst)), name)
        d = sess.dirs.get(rec.src) or sess.direction(rec.src, ts)
        # what the direction heard, inline (once per message): the longest silence, the last time
        gap = ts - d.last_ts
        if gap > d.max_gap:
            d.max_gap = gap
        if ts > d.last_ts:
            d.last_ts = ts
        d.messages += 1
        messages = rel.messages
        messages[msg.type_name] = messages.get(msg.type_name, 0) + 1
        # the sender's clock: ISC stamps its event-loop second (never ahead of real time) and the
        # frame is captured after sending, so the largest difference is the closest to the true
        # offset (within 1 s)
        offset = msg.time - ts
        if d.offset is None or offset > d.offset:
            d.offset = offset
            events += self._clock(sess, d, rec)
        if not sess.saw_connect and mtype not in (CONNECT, CONNECTACK, DISCONNECT):
            events += self._establish(sess, rec, mid_stream=True)
        handler = _HANDLERS.get(mtype)
        if handler is not None:
            if not events:
                return handler(self, sess, d, rec, opts)
            events += handler(self, sess, d, rec, opts)
        return events

    def _establish(self, sess: Session, rec, mid_stream: bool = False) -> list[FoEvent]:
        if sess.established:
            return []
        sess.established = True
        if not mid_stream and sess.rel.link and not sess.rel.link[-1][1]:
            sess.rel.reconnects += 1
        sess.rel.sessions_total += 1
        sess.rel.note_link(rec.ts, True, self.s.max_link_changes)
        self._by_ip = None
        return [FoEvent("connected", rec.ts, [rec.frame], sess.rel, Connected(mid_stream))]

    def _clock(self, sess: Session, d: Direction, rec: FailoverRecord) -> list[FoEvent]:
        """The sender's clock estimate moved: a skew event when the pair's difference did."""
        rel = sess.rel
        if rel.name != OVERFLOW:        # the shared entry keeps no per-peer table: memory stays flat
            rel.offsets[d.ip] = d.offset
        other = sess.dirs.get(sess.peer_of(d.ip) or "")
        if other is None or other.offset is None:
            return []
        first = rel.primary if rel.primary in sess.dirs else min(sess.dirs)
        second = rel.partner(first) if rel.partner(first) in sess.dirs else max(sess.dirs)
        skew = round(sess.dirs[first].offset - sess.dirs[second].offset, 1)
        if rel.skew_s is not None and abs(skew - rel.skew_s) < 0.5:
            return []
        rel.skew_s = skew
        return [FoEvent("skew", rec.ts, [rec.frame], rel,
                        Skew(skew, first if skew > 0 else second, second if skew > 0 else first))]

    # --- message handlers ------------------------------------------------------------------------

    def _connect(self, sess, d, rec, opts) -> list[FoEvent]:
        rel = sess.rel
        sess.saw_connect = True
        if rel.name != OVERFLOW:        # the shared entry counts; it has no one pair's settings
            rel.primary, rel.secondary = rec.src, rec.dst
            rel.mclt = as_uint(opts.get("mclt")) if "mclt" in opts else rel.mclt
            if len(opts.get("hash-bucket-assignment", b"")) == 32:
                rel.note_hba(rec.ts, opts["hash-bucket-assignment"], self.s.max_link_changes)
            self._advertised(rel, rec.src, opts)
        return [FoEvent("connect", rec.ts, [rec.frame], rel, ConnectSent(rec.src))]

    def _advertised(self, rel: Relationship, ip: str, opts: dict) -> None:
        if "max-unacked-bndupd" in opts:
            rel.max_unacked[ip] = as_uint(opts["max-unacked-bndupd"])
        if "receive-timer" in opts:
            rel.set_receive_timer(ip, as_uint(opts["receive-timer"]))
        if "vendor-class-identifier" in opts:
            rel.vendor[ip] = as_text(opts["vendor-class-identifier"])

    def _connectack(self, sess, d, rec, opts) -> list[FoEvent]:
        rel = sess.rel
        sess.saw_connect = True
        # A rejecting CONNECTACK still advertises the secondary's own settings (ISC omits them only
        # when the relationship name is unknown), and they help explain the reject.
        if rel.name != OVERFLOW:
            self._advertised(rel, rec.src, opts)
        reason = as_uint(opts.get("reject-reason"))
        if reason is None:
            return self._establish(sess, rec)
        rel.connect_rejects += 1
        data = self._reject_data(rec, opts, reason)
        rel.last_reject = data.reason_text
        return [FoEvent("connect-rejected", rec.ts, [rec.frame], rel, data)]

    def _reject_data(self, rec, opts: dict, reason: int) -> Rejection:
        return Rejection(rec.src, rec.dst, reason,
                         reject_text(reason, rec.msg.legacy) or f"reason {reason}",
                         as_text(opts.get("message")), as_text(opts.get("relationship-name")))

    def _disconnect(self, sess, d, rec, opts) -> list[FoEvent]:
        reason = as_uint(opts.get("reject-reason"))
        return [FoEvent("disconnect", rec.ts, [rec.frame], sess.rel,
                        self._reject_data(rec, opts, reason if reason is not None else 0))]

    def _state(self, sess, d, rec, opts) -> list[FoEvent]:
        rel = sess.rel
        state = fo_state_name(as_uint(opts.get("server-state")), rec.msg.legacy)
        startup = bool((as_uint(opts.get("server-flags")) or 0) & 1)
        prev = rel.state_at(rec.src, float("inf"))
        note = StateNote(rec.ts, rec.frame, rec.src, state, startup,
                         as_uint(opts.get("start-time-of-state")), prev)
        rel.note_state(note.to_dict(), self.s.max_states)
        events = [FoEvent("state", rec.ts, [rec.frame], rel, note)]
        since = note.stos
        if state == "communications-interrupted" and not startup and rel.link_downs == 0 \
                and not rel.sessions and since is not None \
                and since - (d.offset or 0.0) < sess.start_ts - 2.0:
            # the link broke before this connection (and the capture) began: the peer's own
            # word for it. A STARTUP flag or a state entered just now only means a restart.
            rel.link_downs += 1
            events.append(FoEvent("link-down", rec.ts, [rec.frame], rel,
                                  LinkDown("state", server=rec.src, since=since)))
        return events

    def _contact(self, sess, d, rec, opts) -> list[FoEvent]:
        d.contacts += 1
        return []

    def _bndupd(self, sess, d, rec, opts) -> list[FoEvent]:
        rel = sess.rel
        rel.bindings.sent += 1
        ts, xid, get = rec.ts, rec.msg.xid, opts.get
        raw = get("binding-status")
        status = BINDING_STATES.get(raw[0]) if raw and len(raw) == 1 else None
        raw = get("assigned-ip-address")
        ip = ip_text(raw) if raw is not None and len(raw) == 4 else None       # as_ip
        outstanding = d.outstanding
        if len(outstanding) < self.s.max_outstanding:
            if xid in outstanding:      # sent again: it waits from now, behind the others
                del outstanding[xid]
            outstanding[xid] = Pending(ts, rec.frame, ip, status)
            if not d.waiting:
                d.waiting = True
                self._waiting.append((sess, d))
        count = len(outstanding)
        if count > d.max_outstanding:
            d.max_outstanding = count
        chaddr, client_id = get("client-hardware-address"), get("client-identifier")
        stos, expiry = get("start-time-of-state"), get("lease-expiration-time")
        # what the lease table and the checks read (tstp, cltt and flags are left on the wire)
        events = [BindingUpdate(rec.src, rec.dst, ip, status, xid,
                                chaddr[1:].hex(":") if chaddr else None,        # hex_colon
                                client_id.hex(":") if client_id else None,
                                int.from_bytes(stos, "big") if stos else None,  # as_uint
                                int.from_bytes(expiry, "big") if expiry else None,
                                ts, [rec.frame], rel)]
        limit = rel.max_unacked.get(rec.dst)
        if limit and count > limit and not d.window_reported:
            d.window_reported = True
            events.append(FoEvent("window", rec.ts, [rec.frame], rel,
                                  Window(rec.src, rec.dst, len(d.outstanding), limit)))
        return events

    def _bndack(self, sess, d, rec, opts) -> list[FoEvent]:
        updater = sess.dirs.get(rec.dst)
        pending = updater.outstanding.pop(rec.msg.xid, None) if updater else None
        get = opts.get
        reason, ip, text = get("reject-reason"), get("assigned-ip-address"), get("message")
        reason = int.from_bytes(reason, "big") if reason else None      # as_uint
        ip = ip_text(ip) if ip is not None and len(ip) == 4 else None   # as_ip
        stats = sess.rel.bindings
        stats.acked += 1
        if pending is not None:
            latency = rec.ts - pending.ts       # rounded once, when reported (round() costs ~0.2 µs)
            if latency > stats.latency_max:
                stats.latency_max = latency
            stats.latency_sum += latency
            frames = [pending.frame, rec.frame]
            ip = ip or pending.ip
        else:
            latency, frames = None, [rec.frame]
        if reason is not None:
            stats.rejected += 1
            return [BindingAck(rec.src, rec.dst, rec.msg.xid, ip, reason, as_text(text),
                               reject_text(reason, rec.msg.legacy), latency,
                               pending.status if pending else None, rec.ts, frames, sess.rel)]
        return [BindingAck(rec.src, rec.dst, rec.msg.xid, ip, None,
                           decode_text(text) if text is not None else None,   # as_text
                           None, latency, pending.status if pending else None, rec.ts, frames, sess.rel)]

_HANDLERS = {CONNECT: FailoverTracker._connect, CONNECTACK: FailoverTracker._connectack,
             DISCONNECT: FailoverTracker._disconnect, STATE: FailoverTracker._state,
             CONTACT: FailoverTracker._contact, BNDUPD: FailoverTracker._bndupd,
             BNDACK: FailoverTracker._bndack}
