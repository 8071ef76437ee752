"""Issue 15's diagnosis on records built from wire bytes: what a DISCOVER nobody answered is
blamed on, skew explanations that fit the measured value, the per-relationship health verdict,
and unacked updates found in time order. The real-capture side is in sample_checks.py."""
from __future__ import annotations

from dhcpanalyze.engine import EngineSettings

from .helpers import P, S, bndupd, connect, connectack, dhcp, from_p, from_s, pair_up, \
    run_records, state, tcp

CLIENT = "02:00:00:00:00:05"        # bucket 13: the primary's under split 128 (wire §6.4)
LB = EngineSettings(lb_max_secs=3)


def discover(frame: int, ts: float, xid: int = 9, secs: int = 0):
    return dhcp(frame, ts, "0.0.0.0", "255.255.255.255", "DISCOVER", xid, CLIENT, secs=secs)


def no_offer(run) -> dict:
    (finding,) = run.codes("dhcp.no-offer")
    return finding


def later():
    """A DISCOVER of another client two minutes on: the first one's transaction times out
    (this one is still open at the end: incomplete, not judged)."""
    return dhcp(900, 1120.0, "0.0.0.0", "255.255.255.255", "DISCOVER", 77, "02:00:00:00:00:77")


def test_no_offer_while_recovering_says_not_responding():
    recs = pair_up()[:4] + [from_s(state, 5, 1000.003, S, P, 6), from_p(state, 6, 1000.004, P, S, 6),
                            discover(20, 1001.0), later()]
    f = no_offer(run_records(recs, LB))
    assert "not responding (recovering)" in f["isc_log"] and "not serving" in f["message"]
    assert "no free leases" not in f["isc_log"]


def test_no_offer_while_the_link_is_refused_for_skew():
    recs = [connect(1, 1000.0, P, S, sport=40000), connectack(2, 1000.001, S, P, reject=4,
            text=b"time offset too large", clock=1090.0, dport=40000), discover(20, 1001.0), later()]
    f = no_offer(run_records(recs, LB))
    assert "link was being refused (Connection rejected, time mismatch too great.)" in f["message"]
    assert f["relationship"] == "fo" and "no free leases" not in f["isc_log"]


def test_no_offer_while_the_link_is_down_blames_the_lost_partner():
    recs = pair_up() + [tcp(7, 1001.0, P, 40000, S, 647, "fin"), discover(20, 1002.0), later()]
    f = no_offer(run_records(recs, LB))
    assert "link was down" in f["message"] and f["isc_log"].endswith("peer holds all free leases")


def test_no_offer_from_a_silent_designated_peer_points_at_load_balancing():
    recs = pair_up() + [discover(20, 1001.0), later()]
    f = no_offer(run_records(recs, LB))
    assert f"primary {P}, which did not answer" in f["message"]
    assert f["isc_log"].endswith(f"load balance to peer fo  (on {S})")


def test_no_offer_without_failover_keeps_the_pool_guess():
    f = no_offer(run_records([discover(20, 1001.0), later()], LB))
    assert f["isc_log"].endswith("no free leases") and f["relationship"] is None


def test_skew_explanations_fit_the_value_and_name_who_is_ahead():
    def skew_run(offset: float):
        recs = [connect(1, 1000.0, P, S, sport=40000),
                connectack(2, 1000.001, S, P, clock=1000.0 + offset, dport=40000)]
        (f,) = run_records(recs, LB).codes("failover.clock-skew")
        return f
    small, large = skew_run(50), skew_run(90)
    assert small["severity"] == "warning" and "at 50 s the pair still connects" in small["explanation"]
    assert "cannot" not in small["explanation"]
    assert large["severity"] == "error" and "cannot (re)connect" in large["explanation"]
    assert small["message"].startswith(f"secondary {S} clock is 50 s ahead of primary {P}")


def test_health_verdicts():
    def health(recs) -> dict:
        return run_records(recs, LB).summary["failover"][0]["health"]
    assert health(pair_up())["verdict"] == "healthy"
    refused = [connect(1, 1000.0, P, S, sport=40000),
               connectack(2, 1000.001, S, P, reject=8, text=b"nope", dport=40000)]
    assert health(refused) == {"verdict": "broken", "why": "never connected: 1 connection "
                               "attempt(s) rejected (Connection rejected, invalid failover partner.)"}
    down = health(pair_up() + [tcp(7, 1001.0, P, 40000, S, 647, "fin"), discover(20, 1010.0)])
    assert down["verdict"] == "broken" and f"by {P}" in down["why"]
    recovering = pair_up()[:4] + [from_s(state, 5, 1000.003, S, P, 6)]
    assert health(recovering) == {"verdict": "degraded", "why": f"secondary {S} in recover"}


def test_unacked_updates_reported_oldest_first_each_once():
    recs = pair_up() + [from_p(bndupd, 30 + i, 1001.0 + i, P, S, 1 + i, f"10.0.0.{60 + i}", CLIENT)
                        for i in range(3)]
    keep = []
    for n in range(40):                          # the link stays up: CONTACTs both ways
        keep += [from_p(state, 100 + 2 * n, 1000.5 + n * 0.5, P, S, 2),
                 from_s(state, 101 + 2 * n, 1000.6 + n * 0.5, S, P, 2)]
    run = run_records(sorted(recs + keep, key=lambda r: r.ts), LB)
    found = run.codes("failover.update-unacked")
    assert sum(f["count"] for f in found) == 3 and found[0]["frames"] == [30]
    assert run.summary["failover"][0]["binding_updates"]["unacked"] == 3
