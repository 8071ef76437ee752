"""Failover connection life: TCP open/close, refused reconnects, keep-alive silence, stale updates.

ISC drops the link after its own max-response-delay without hearing from the partner and
reconnects every 5 s (failover-wire.md §5.1, §5.4); a BNDUPD is acked within ISC's 2 s batching
timer (§5.5). These are the time-driven parts of the tracker, and the event record it emits.
"""
from __future__ import annotations

from dataclasses import dataclass

from dhcpanalyze.model import TcpEvent

from .events import Gap, LinkDown, Unacked
from .relationship import Relationship
from .session import Session


SILENCE_MARGIN_S = 0.001


@dataclass(slots=True)
class FoEvent:
    kind: str
    ts: float
    frames: list[int]
    rel: Relationship
    data: object = None          # the kind's record from events.py (None for none)


def session_key(src: str, sport: int, dst: str, dport: int) -> tuple:
    """Both directions of one TCP connection under one key: the lower endpoint first."""
    a, b = (src, sport), (dst, dport)
    return (a, b) if a <= b else (b, a)


class ConnectionLife:
    """Mixed into FailoverTracker: expects self.s, self._sessions, self.relationships,
    self._session() and self._relationship()."""

    # --- connection life -----------------------------------------------------------------------

    def _tcp(self, ev: TcpEvent) -> list[FoEvent]:
        key = session_key(ev.src, ev.sport, ev.dst, ev.dport)
        if ev.kind == "syn":
            old = self._sessions.pop(key, None)
            events = self._end(old, ev.ts, "reused") if old else []
            sess = self._session(ev, key=key)
            sess.client = ev.src
            return events
        sess = self._session(ev, create_ok=False, key=key)
        if ev.kind == "gap":
            rel = sess.rel if sess and sess.rel else self._relationship(
                frozenset((ev.src, ev.dst)), None)
            return [FoEvent("gap", ev.ts, [ev.frame], rel, Gap(ev.detail, ev.src))]
        if ev.kind in ("fin", "rst") and sess is not None:
            del self._sessions[key]
            refused = self._refused(sess, ev) if ev.kind == "rst" else []
            return refused + self._end(sess, ev.ts, ev.kind, by=ev.src)
        return []

    def _refused(self, sess: Session, ev: TcpEvent) -> list[FoEvent]:
        """A connection attempt answered by RST: nothing listens on the peer's failover port."""
        if sess.rel is not None or sess.client is None or ev.src == sess.client:
            return []
        pair = frozenset((ev.src, ev.dst))
        rel = next((r for r in self.relationships if r.peers == pair), None)
        # a peer starting before its partner is refused too (wire §5.1): only a pair that
        # was in touch before and is now apart says the partner stopped
        if rel is None or not rel.link or rel.link[-1][1] or rel.last_down_by == ev.src:
            return []
        rel.last_down_by = ev.src
        rel.link_downs += 1
        return [FoEvent("link-down", ev.ts, [ev.frame], rel,
                        LinkDown("refused", by=ev.src, caller=sess.client))]

    def _end(self, sess: Session, ts: float, reason: str, by: str | None = None) -> list[FoEvent]:
        sess.end_reason, sess.end_ts = reason, ts
        rel = sess.rel
        if rel is None:
            return []                    # a bare handshake: no message, nothing to tell
        unacked = sess.outstanding()
        rel.bindings.unacked += unacked
        rel.note_session(sess.summary(), self.s.max_sessions_listed)
        if not sess.established or reason in ("capture-end", "evicted"):
            return []
        rel.note_link(ts, False, self.s.max_link_changes)
        if sess.down_reported:
            return []
        rel.link_downs += 1
        rel.last_down_by = by
        return [FoEvent("link-down", ts, [sess.last_frame], rel,
                        LinkDown(reason, by=by, unacked=unacked))]

    def expire(self, now: float) -> list[FoEvent]:
        """Called once per second of capture time: a session is looked at closely only once
        the bound its last look left (Session.silent_at) has passed or its timers changed."""
        events: list[FoEvent] = []
        for sess in list(self._sessions.values()):
            if sess.established and sess.rel is not None and not sess.down_reported \
                    and (now > sess.silent_at or sess.timers_seen != sess.rel.timers_changed):
                events += self._silence(sess, now)
        return events + self._unacked(now)

    def _silence(self, sess: Session, now: float) -> list[FoEvent]:
        if sess.down_reported:
            return []
        sess.silent_at, sess.timers_seen = float("inf"), sess.rel.timers_changed
        for d in sorted(sess.dirs.values(), key=lambda d: d.last_ts):   # longest silent first
            receiver = sess.peer_of(d.ip)
            limit = sess.rel.receive_timer.get(receiver)
            if limit:       # not silent too long before this (its last_ts only moves later);
                # a millisecond early, so the test below decides at the boundary, not rounding
                sess.silent_at = min(sess.silent_at, d.last_ts + limit + 1.0 - SILENCE_MARGIN_S)
            # the receiver drops the link after its own max-response-delay without a message
            if limit and now - d.last_ts > limit + 1.0:
                sess.down_reported = True
                sess.rel.link_downs += 1
                sess.rel.last_down_by = d.ip
                sess.rel.note_link(d.last_ts + limit, False, self.s.max_link_changes)
                # dated when the silence passed the limit, not when a sweep noticed it: a live
                # capture sweeps while idle, a file only when the next packet comes
                return [FoEvent("link-down", d.last_ts + limit + 1.0, [sess.last_frame], sess.rel,
                                LinkDown("silence", unacked=sess.outstanding(), silent=d.ip,
                                         receiver=receiver, limit=limit, last_heard=d.last_ts))]
        return []

    def _unacked(self, now: float) -> list[FoEvent]:
        """BNDUPDs older than bndack_timeout_s and still unacked, oldest first. Each direction's
        outstanding updates are in arrival order and acked ones leave at once, so a call looks
        only at the directions with updates outstanding and, in each, at the updates that came
        due and the first that did not: linear in the updates, however many are outstanding."""
        events: list[FoEvent] = []
        timeout, still = self.s.bndack_timeout_s, []
        for sess, d in self._waiting:
            waiting = d.outstanding
            if sess.end_reason is not None or not waiting:
                d.waiting = False        # acked, or its session ended (counted there)
                continue
            still.append((sess, d))
            if sess.down_reported:       # a link reported down keeps them until the session ends
                continue
            while waiting:
                xid, p = next(iter(waiting.items()))
                if now - p.ts <= timeout:
                    break
                del waiting[xid]
                sess.rel.bindings.unacked += 1
                events.append(FoEvent("unacked", p.ts + timeout, [p.frame], sess.rel,    # as link-down
                                      Unacked(d.ip, sess.peer_of(d.ip), xid, p.ip, p.status, p.ts)))
        self._waiting = still
        if len(events) > 1:
            events.sort(key=lambda ev: ev.ts)
        return events

    def finish(self, now: float) -> list[FoEvent]:
        events: list[FoEvent] = []
        for sess in list(self._sessions.values()):
            events += self._end(sess, now, "capture-end")
        self._sessions.clear()
        self._flow = None
        for rel in self.relationships:
            rel.end_ts = now
        return events
