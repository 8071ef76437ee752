"""A relationship's history is bounded (settings.max_states), but what it says about *now* is not:
on a capture longer than the bound, load balancing, no-offer causes and the health verdict must
still see the latest state and link, not the last one that fitted."""
from __future__ import annotations

from dhcpanalyze.engine.relationship import Relationship

A, B = "192.168.100.2", "192.168.100.3"
LIMIT = 4


def test_latest_state_is_known_after_the_history_is_full() -> None:
    rel = Relationship(name="FAILOVER", peers=frozenset((A, B)))
    states = ["normal", "communications-interrupted"] * 5 + ["partner-down"]
    for ts, state in enumerate(states):
        rel.note_state({"ts": float(ts), "server": A, "state": state}, LIMIT)
    assert rel.state_at(A, 100.0) == "partner-down"
    assert len(rel.states) == LIMIT and len(rel.state_times[A]) == LIMIT      # still bounded
    assert rel.state_at(A, 1.5) == "communications-interrupted"                # early history kept


def test_latest_link_is_known_after_the_history_is_full() -> None:
    rel = Relationship(name="FAILOVER", peers=frozenset((A, B)))
    for ts in range(11):                     # up, down, up, ... ending up (an even count of flaps)
        rel.note_link(float(ts), ts % 2 == 0, LIMIT)
    assert rel.link_up_at(100.0) is True and rel.link[-1][1] is True
    assert len(rel.link) == LIMIT
