"""The keep-alive silence check looks at a session again only once the bound its last look left
has passed (Session.silent_at), and finds every silence exactly when the full check would."""
from __future__ import annotations

import random

from dhcpanalyze.engine.failover import FailoverTracker
from dhcpanalyze.engine.relationship import Relationship
from dhcpanalyze.engine.session import Session
from dhcpanalyze.engine.settings import EngineSettings


def pair(tracker: FailoverTracker, i: int, timers: dict[str, int]) -> Session:
    a, b = f"10.0.{i}.2", f"10.0.{i}.3"
    rel = Relationship(name=f"r{i}", peers=frozenset((a, b)))
    for ip, seconds in timers.items():
        rel.set_receive_timer(a if ip == "a" else b, seconds)
    sess = Session(key=((a, 647), (b, 40000 + i)), start_ts=0.0, start_frame=0, rel=rel,
                   established=True)
    tracker._sessions[sess.key] = sess
    return sess


def silent_now(sess: Session, now: float) -> bool:
    """The full check, as every session was checked every second before the bound."""
    return any((limit := sess.rel.receive_timer.get(sess.peer_of(d.ip)))
               and now - d.last_ts > limit + 1.0 for d in sess.dirs.values())


def test_a_lowered_receive_timer_is_noticed_at_once() -> None:
    tracker = FailoverTracker(EngineSettings())
    sess = pair(tracker, 1, {"a": 60, "b": 60})
    sess.direction("10.0.1.2", 0.0)
    sess.direction("10.0.1.3", 0.0)
    assert tracker.expire(10.0) == [] and sess.silent_at > 60
    sess.rel.set_receive_timer("10.0.1.3", 5)        # a new CONNECTACK: 5 s now
    downs = tracker.expire(10.5)
    assert [(e.kind, e.data.silent, e.data.limit) for e in downs] == [("link-down", "10.0.1.2", 5)]


def test_a_new_direction_is_checked_from_its_start() -> None:
    tracker = FailoverTracker(EngineSettings())
    sess = pair(tracker, 2, {"a": 60, "b": 3})
    sess.direction("10.0.2.3", 0.0)                  # b speaks; a's silence limit is b's 3 s...
    assert tracker.expire(2.0) == []                 # ...but a has not spoken yet
    sess.direction("10.0.2.2", 2.0)                  # a speaks once, then stays silent
    assert tracker.expire(5.5) == []
    assert [e.data.silent for e in tracker.expire(6.5)] == ["10.0.2.2"]


def test_the_bound_finds_every_silence_when_the_full_check_does() -> None:
    rng = random.Random(15)
    for _ in range(30):
        tracker = FailoverTracker(EngineSettings())
        sessions = [pair(tracker, i, {"a": rng.choice([2, 5, 30]), "b": rng.choice([2, 5, 30])})
                    for i in range(6)]
        for sess in sessions:
            for ip in sorted(sess.rel.peers):
                sess.direction(ip, 0.0)
        for second in range(1, 80):
            now = second + rng.random()
            for sess in sessions:
                for d in sess.dirs.values():
                    if rng.random() < 0.4:      # a message heard: the silence check reads last_ts
                        d.last_ts = max(d.last_ts, now - rng.random())
                if rng.random() < 0.02:
                    sess.rel.set_receive_timer(rng.choice(sorted(sess.rel.peers)), rng.choice([2, 5, 30]))
            expected = [s for s in sessions if not s.down_reported and silent_now(s, now)]
            got = [e for e in tracker.expire(now) if e.kind == "link-down"]
            assert [e.rel for e in got] == [s.rel for s in expected]
