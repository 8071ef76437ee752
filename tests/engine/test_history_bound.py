"""A relationship's history is bounded at both ends (settings.max_states, max_link_changes,
max_sessions_listed): the first and the latest entries are kept and the ones between counted, so
memory stays flat on a pair that reconnects all day. What it says about *now* stays exact: load
balancing, no-offer causes and the health verdict see the latest state and link; and a time
among the dropped entries is answered "not known", never with a stale entry."""
from __future__ import annotations

from array import array

from dhcpanalyze.browse import flow
from dhcpanalyze.browse.foindex import FailoverIndex
from dhcpanalyze.browse.session import Timeline
from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.engine.history import MISSING, History
from dhcpanalyze.engine.relationship import Relationship
from dhcpanalyze.reports.events import document_events
from dhcpanalyze.reports.style import TextOptions
from dhcpanalyze.reports.text import render_text

from .helpers import P, S, connect, connectack, run_records, state, tcp

A, B = "192.168.100.2", "192.168.100.3"
LIMIT = 4
NORMAL, COMM_INT, PARTNER_DOWN, RECOVER, RECOVER_DONE = 2, 3, 4, 6, 9


def test_latest_state_is_known_after_the_history_is_full() -> None:
    rel = Relationship(name="FAILOVER", peers=frozenset((A, B)))
    states = ["normal", "communications-interrupted"] * 5 + ["partner-down"]
    for ts, state_name in enumerate(states):
        rel.note_state({"ts": float(ts), "server": A, "state": state_name}, LIMIT)
    assert rel.state_at(A, 100.0) == "partner-down"
    assert len(rel.states) == 2 * LIMIT and len(rel.peer_states[A]) == 2 * LIMIT   # bounded
    assert rel.states.omitted == len(states) - 2 * LIMIT == 3
    assert rel.state_at(A, 1.5) == "communications-interrupted"                # early history kept
    assert rel.state_at(A, 8.5) == "normal"                                    # latest ones exact
    assert rel.state_at(A, 5.0) is None                                        # dropped: not known
    assert rel.state_at(A, 6.5) == "normal"      # after the last dropped entry (ts 6): exact again
    assert [s["ts"] for s in rel.to_dict()["states"]] == [0, 1, 2, 3, 7, 8, 9, 10]


def test_latest_link_is_known_after_the_history_is_full() -> None:
    rel = Relationship(name="FAILOVER", peers=frozenset((A, B)))
    for ts in range(11):                     # up, down, up, ... ending up (an even count of flaps)
        rel.note_link(float(ts), ts % 2 == 0, LIMIT)
    assert rel.link_up_at(100.0) is True and rel.link[-1][1] is True
    assert len(rel.link) == 2 * LIMIT and rel.link.omitted == 3
    assert rel.link_up_at(1.5) is False and rel.link_up_at(9.5) is False
    assert rel.link_up_at(5.5) is None                         # among the dropped changes
    assert rel.link_up_at(-1.0) is None                        # before anything was seen


def test_history_keeps_both_ends_and_answers_by_time() -> None:
    h = History()
    for ts in range(100):
        h.append((float(ts), ts), 10)
    assert [e[1] for e in h] == list(range(10)) + list(range(90, 100))
    assert (h.omitted, h.omitted_at, len(h), h[-1]) == (80, 10, 20, (99.0, 99))
    assert h.at(9.9)[1] == 9 and h.at(10.0) is MISSING and h.at(89.0)[1] == 89
    assert h.at(89.5)[1] == 89 and h.at(90.0)[1] == 90 and h.at(1e9)[1] == 99
    assert h.at(-0.5) is None


# --- the engine on a pair that reconnects over and over -----------------------------------------

def reconnecting_pair(cycles: int) -> tuple[list, int]:
    """`cycles` connections from P to S, each with its own port and split: CONNECT/CONNECTACK, the
    secondary in recover then recover-done, both normal, then the primary closes. The last one
    stays up, the secondary left in partner-down. Returns the records and the STATE count."""
    records, frame, states = [], 1, 0
    for i in range(cycles):
        ts, port = 1000.0 + 60 * i, 40000 + i
        last = i == cycles - 1
        seq = [(S, RECOVER), (P, COMM_INT), (S, RECOVER_DONE), (P, NORMAL),
               (S, PARTNER_DOWN if last else NORMAL)]
        records += [tcp(frame, ts, P, port, S, 647, "syn"), tcp(frame + 1, ts, S, 647, P, port, "synack"),
                    connect(frame + 2, ts + 0.01, P, S, split=1 + i % 255, sport=port, dport=647),
                    connectack(frame + 3, ts + 0.02, S, P, sport=647, dport=port)]
        for j, (src, value) in enumerate(seq):
            ports = dict(sport=port, dport=647) if src == P else dict(sport=647, dport=port)
            records.append(state(frame + 4 + j, ts + 0.1 * (j + 1), src, S if src == P else P,
                                 value, **ports))
        states += len(seq)
        frame += 4 + len(seq)
        if not last:
            records.append(tcp(frame, ts + 30, P, port, S, 647, "fin"))
            frame += 1
    return records, states


def test_a_pair_reconnecting_all_day_keeps_a_bounded_history_and_says_so() -> None:
    settings = EngineSettings(lb_max_secs=3)
    keep, keep_link, keep_sessions = (settings.max_states, settings.max_link_changes,
                                      settings.max_sessions_listed)
    cycles = 300
    records, total = reconnecting_pair(cycles)
    engine = Engine(settings)
    run = run_records(records, engine=engine)
    (rel,) = engine.ctx.failover.relationships

    # what is stored stays within the bounds, however long the capture
    assert len(rel.states) == 2 * keep and all(len(p) == 2 * keep for p in rel.peer_states.values())
    assert len(rel.link) == 2 * keep_link and len(rel.hbas) == 2 * keep_link
    assert len(rel.sessions) == 2 * keep_sessions

    # the report says what it left out, and where
    (doc,) = run.summary["failover"]
    assert doc["states_omitted"] == total - 2 * keep and doc["states_omitted_at"] == keep
    assert [s["frame"] for s in doc["states"][:3]] == [5, 6, 7]          # the very first ones
    assert doc["states"][-1]["state"] == "partner-down"                  # and the latest
    assert doc["link_omitted"] == 2 * cycles - 1 - 2 * keep_link and doc["link"][-1]["up"] is True
    assert doc["sessions_omitted"] == cycles - 2 * keep_sessions     # the last ends with the input
    assert doc["sessions_total"] == cycles
    assert list(doc).index("states_omitted") < list(doc).index("states")

    # now is exact: the latest state and split count
    assert rel.state_at(S, float("inf")) == "partner-down" and rel.link_up_at(1e12) is True
    assert doc["split"] == 1 + (cycles - 1) % 255
    assert "secondary 10.0.0.3 in partner-down" in doc["health"]["why"]


def test_the_text_report_and_the_failover_view_show_the_omission() -> None:
    records, total = reconnecting_pair(60)
    engine = Engine(EngineSettings(max_states=6, max_link_changes=4))
    run = run_records(records, engine=engine)
    doc = {"schema": "dhcpanalyze.report/1", "capture": run.summary["capture"], "servers": [],
           "failover": run.summary["failover"], "transactions": [], "leases": [], "findings": []}
    lines = list(render_text(document_events(doc), TextOptions()))
    gap = lines.index(f"    … {total - 12:,} STATE messages omitted …")
    timeline = lines.index("  State timeline (UTC)")
    assert gap - timeline == 2 + 6        # the title, the header, the first 6 entries
    assert lines[timeline + 2].split()[1:3] == ["5", "10.0.0.3"]     # the very first STATE
    assert lines[gap + 6].split()[-1] == "partner-down"              # the latest 6, ending now
    assert lines[gap + 7].startswith("  Binding updates")

    (rel,) = engine.ctx.failover.relationships
    empty = FailoverIndex()         # no messages drawn: only the state bands are looked at
    view = flow.state_bands(Timeline(rel, empty, array("I"), [], 1000.0, 1000.0 + 60 * 59 + 1), 60)
    note = [str(t) for t in view if "omitted" in str(t)]
    assert note and f"{total - 12:,} STATE messages and" in note[0] and "link changes" in note[0]
    primary, secondary, link = (str(t) for t in view[1:4])
    assert flow.OMITTED in primary and flow.OMITTED in link and link.endswith("━")
    assert secondary.rstrip().endswith("P")            # the band ends in the latest state


def test_the_lease_check_does_not_guess_the_link_among_omitted_changes() -> None:
    """report --leases reads the link from the JSON: inside the gap it is not known (None), so a
    lease missing from the partner's file is not excused as 'the link was down'."""
    from dhcpanalyze.iscfiles.wire import WireView

    rel = Relationship(name="FAILOVER", peers=frozenset((A, B)))
    for ts in range(11):
        rel.note_link(float(ts), ts % 2 == 0, LIMIT)
    wire = WireView(relationships=[rel.to_dict()])
    # kept: changes at 0..3 and 7..10; the JSON does not date the omitted ones, so from the
    # last kept change before the gap (3) to the first after it (7) the link is not known
    assert [wire.link_up(t) for t in (0.5, 2.5, 3.5, 5.5, 7.5, 8.5, 20.0)] == \
        [True, True, None, None, False, True, True]
