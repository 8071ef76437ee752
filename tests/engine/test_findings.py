"""Every finding code of issue 5 exists, and the ones the real captures do not show are produced
by the conditions they describe (and not without them), on records built from wire bytes."""
from __future__ import annotations

import subprocess
import sys

from dhcpanalyze.engine import CATALOG, EngineSettings

from .helpers import P, S, bndack, bndupd, connect, connectack, dhcp, dora, fo, from_p, from_s, ip4, \
    pair_up, run_records, u32

ISSUE_CODES = {
    "failover.clock-skew", "failover.connect-rejected", "failover.disconnect",
    "failover.link-down", "failover.state-change", "failover.update-rejected",
    "failover.update-unacked", "failover.lease-not-replicated", "failover.max-unacked-exceeded",
    "failover.mclt-lease", "dhcp.no-offer", "dhcp.no-ack", "dhcp.nak", "dhcp.decline",
    "dhcp.server-unreachable", "dhcp.unknown-server", "dhcp.duplicate-offer", "dhcp.takeover",
    "dhcp.secs-byte-order", "loadbalance.wrong-server", "loadbalance.disabled",
    "capture.malformed",
    "loadbalance.designated-silent"}     # issue 15
PRIMARYS_CLIENT = "02:00:00:00:00:05"       # bucket 13: the primary's under split 128 (wire §6.4)
LB = EngineSettings(lb_max_secs=3)


def test_catalog_is_exactly_the_issue_codes():
    assert set(CATALOG) == ISSUE_CODES
    for severity, explanation in CATALOG.values():
        assert severity in ("info", "warning", "error") and len(explanation) > 40


def keepalive(start: float, end: float, frame: int = 500) -> list:
    """CONTACTs both ways every 3 s (receive-timer 15 / 3 + margin): the link stays up."""
    out, ts = [], start
    while ts < end:
        out += [from_p(fo, frame, ts, P, S, "CONTACT", frame),
                from_s(fo, frame + 1, ts + 0.1, S, P, "CONTACT", frame)]
        frame, ts = frame + 2, ts + 3
    return out


def in_time(records: list) -> list:
    return sorted(records, key=lambda r: r.ts)


def test_wrong_server_and_its_absence():
    wrong = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, S, "10.0.0.60")
    run = run_records(in_time(wrong + keepalive(1000.5, 1010)), LB)
    (f,) = run.codes("loadbalance.wrong-server")
    assert f["server"] == S and f["client"] == PRIMARYS_CLIENT and "bucket 13" in f["message"]
    right = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, P, "10.0.0.60")
    assert not run_records(in_time(right + keepalive(1000.5, 1010)), LB).codes(
        "loadbalance.wrong-server")


def test_wrong_server_not_judged_when_secs_bypass_applies():
    late = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, S, "10.0.0.60", secs=5)
    assert not run_records(in_time(late + keepalive(1000.5, 1010)), LB).codes(
        "loadbalance.wrong-server")


def test_both_peers_answering_low_secs_is_disabled_load_balancing():
    recs = pair_up()
    for i in range(4):
        mac = f"02:00:00:00:01:{i:02x}"
        recs += dora(20 + 10 * i, 1001.0 + i, 100 + i, mac, P, f"10.0.0.{70 + i}",
                     offers_from=(P, S))
    run = run_records(in_time(recs + keepalive(1000.5, 1010)), LB)
    (f,) = run.codes("loadbalance.disabled")
    assert "3 DISCOVERs" in f["message"] and f["isc_log"].startswith("WARNING: load balancing")
    assert len(run.codes("dhcp.duplicate-offer")) >= 1


def test_ack_without_binding_update_is_not_replicated():
    recs = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, P, "10.0.0.60")
    run = run_records(in_time(recs + keepalive(1000.5, 1020)), LB)
    (f,) = run.codes("failover.lease-not-replicated")
    assert (f["ip"], f["server"], f["frames"]) == ("10.0.0.60", P, [23])
    lease = run.summary["leases"][0]
    assert lease["replicated"] is False


def test_ack_followed_by_acked_update_is_replicated():
    recs = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, P, "10.0.0.60") + [
        from_p(bndupd, 30, 1001.05, P, S, 1, "10.0.0.60", PRIMARYS_CLIENT),
        from_s(bndack, 31, 1003.05, S, P, 1, "10.0.0.60")]
    run = run_records(in_time(recs + keepalive(1000.5, 1020)), LB)
    assert not run.codes("failover.lease-not-replicated")
    assert run.summary["leases"][0]["replicated"] is True
    assert run.summary["failover"][0]["binding_updates"]["latency_max_s"] == 2.0


def test_multi_homed_server_learned_from_its_binding_update():
    alias = "10.0.9.2"           # the primary's DHCP-side address, failover runs on P
    recs = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, alias, "10.0.0.60") + [
        from_p(bndupd, 30, 1001.05, P, S, 1, "10.0.0.60", PRIMARYS_CLIENT),
        from_s(bndack, 31, 1001.1, S, P, 1, "10.0.0.60")]
    run = run_records(in_time(recs + keepalive(1000.5, 1020)), LB)
    assert not run.codes("dhcp.unknown-server")
    roles = {s["ip"]: s["role"] for s in run.summary["servers"]}
    assert roles[alias] == "primary"


def test_unknown_server_outside_the_pair():
    rogue = "10.0.0.99"
    recs = pair_up() + dora(20, 1001.0, 7, PRIMARYS_CLIENT, rogue, "10.0.0.200")
    run = run_records(in_time(recs + keepalive(1000.5, 1020)), LB)
    (f,) = run.codes("dhcp.unknown-server")
    assert f["server"] == rogue and f["frames"] == [21]
    listed = run_records(dora(1, 1.0, 7, PRIMARYS_CLIENT, rogue, "10.0.0.200"),
                         EngineSettings(servers=(P, S)))
    assert [f["server"] for f in listed.codes("dhcp.unknown-server")] == [rogue]
    alone = run_records(dora(1, 1.0, 7, PRIMARYS_CLIENT, rogue, "10.0.0.200"))
    assert not alone.codes("dhcp.unknown-server")       # nothing says who may answer


def test_update_never_acked_while_link_up():
    recs = pair_up() + [from_p(bndupd, 30, 1001.0, P, S, 1, "10.0.0.60", PRIMARYS_CLIENT)]
    run = run_records(in_time(recs + keepalive(1000.5, 1020)), LB)
    (f,) = run.codes("failover.update-unacked")
    assert f["ip"] == "10.0.0.60" and f["frames"] == [30]
    assert run.summary["failover"][0]["binding_updates"]["unacked"] == 1


def test_more_updates_in_flight_than_the_partner_accepts():
    recs = pair_up(max_unacked=2) + [
        from_p(bndupd, 30 + i, 1001.0 + i * 0.01, P, S, 1 + i, f"10.0.0.{60 + i}",
               PRIMARYS_CLIENT) for i in range(3)] + [
        from_s(bndack, 40 + i, 1001.5, S, P, 1 + i, f"10.0.0.{60 + i}") for i in range(3)]
    run = run_records(in_time(recs), LB)
    (f,) = run.codes("failover.max-unacked-exceeded")
    assert "has 3 binding updates" in f["message"] and "at most 2" in f["message"]
    within = pair_up(max_unacked=3) + recs[6:]
    assert not run_records(in_time(within), LB).codes("failover.max-unacked-exceeded")


def test_request_never_answered_is_no_ack():
    recs = [dhcp(1, 1.0, "0.0.0.0", "255.255.255.255", "REQUEST", 5, PRIMARYS_CLIENT,
                 options={54: ip4(P), 50: ip4("10.0.0.60")}),
            dhcp(2, 80.0, "0.0.0.0", "255.255.255.255", "DISCOVER", 6, "02:00:00:00:00:06")]
    (f,) = run_records(recs).codes("dhcp.no-ack")
    assert f["server"] == P and f["ip"] == "10.0.0.60"


def test_partner_down_state_is_a_warning():
    recs = pair_up() + [from_s(fo, 30, 1002.0, S, P, "STATE", 9, options=[
        (24, b"\x04"), (23, b"\x00"), (25, u32(1002))])]
    (f,) = [f for f in run_records(recs).codes("failover.state-change")
            if "partner-down" in f["message"]]
    assert f["severity"] == "warning" and f["server"] == S


def test_rejected_connect_is_not_a_link_down():
    recs = pair_up()[:3] + [connectack(4, 1000.002, S, P, reject=8, text=b"nope",
                                       sport=647, dport=40000)]
    run = run_records(recs)
    assert run.codes("failover.connect-rejected") and not run.codes("failover.link-down")


def test_the_engine_imports_no_ui_and_no_cli():
    code = ("import sys, dhcpanalyze.engine; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'argparse') "
            "or m.startswith(('dhcpanalyze.cli', 'dhcpanalyze.commands', "
            "'dhcpanalyze.reports'))]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pairs_beyond_the_relationship_bound_share_one_entry_without_settings():
    recs = []
    for i in range(6):
        primary, secondary, port = f"10.9.{i}.2", f"10.9.{i}.3", 41000 + i
        recs += [connect(10 * i + 1, 1.0 + i, primary, secondary, name=f"fo{i}".encode(), mclt=100 + i,
                         sport=port, dport=647),
                 connectack(10 * i + 2, 1.001 + i, secondary, primary, name=f"fo{i}".encode(),
                            sport=647, dport=port)]
    run = run_records(recs, EngineSettings(max_relationships=3))
    rels = {r["relationship"]: r for r in run.summary["failover"]}
    assert list(rels) == ["fo0", "fo1", "fo2", "(other relationships)"]
    assert (rels["fo1"]["primary"], rels["fo1"]["mclt"]) == ("10.9.1.2", 101)
    other = rels["(other relationships)"]
    assert (other["primary"], other["secondary"], other["mclt"]) == (None, None, None)
