"""DHCP transactions: keying, merging retries and relay copies, kinds, outcomes, bounds."""
from __future__ import annotations

import json
import tracemalloc

import pytest

from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.model import IcmpQuote

from .helpers import P, S, dhcp, dora, ip4, pair_up, run_records, u32

C1, C2 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
SRV, SRV2, RELAY = "10.1.0.2", "10.1.0.3", "10.9.0.1"
BCAST = "255.255.255.255"


def test_dora_fields_and_latencies():
    run = run_records(dora(1, 100.0, 0x1234, C1, SRV, "10.1.0.50", lease=3600))
    (t,) = run.transactions
    assert t["kind"] == "dora" and t["outcome"] == "ack"
    assert t["msg_types"] == ["DISCOVER", "OFFER", "REQUEST", "ACK"]
    assert t["frames"] == [1, 2, 3, 4]
    assert t["client"] == {"mac": C1, "client_id": None, "hostname": None}
    assert t["offers"][0]["server"] == SRV and t["offers"][0]["yiaddr"] == "10.1.0.50"
    assert (t["server"], t["chosen_server"], t["assigned_ip"], t["lease_time"]) == \
        (SRV, SRV, "10.1.0.50", 3600)
    assert t["offer_latency"] == pytest.approx(0.01) and t["ack_latency"] == pytest.approx(0.01)
    json.dumps(t)                               # the contract is JSON


def test_same_xid_two_clients_stay_apart():
    # Zeek keys on xid alone and would merge these two clients into one record
    recs = dora(1, 100.0, 0x77, C1, SRV, "10.1.0.50") + dora(10, 100.001, 0x77, C2, SRV, "10.1.0.51")
    recs.sort(key=lambda r: r.ts)
    run = run_records(recs)
    assert sorted((t["client"]["mac"], t["assigned_ip"]) for t in run.transactions) == \
        [(C1, "10.1.0.50"), (C2, "10.1.0.51")]


def test_retries_merge_and_relay_copies_are_not_messages():
    recs = [dhcp(1, 10.0, "0.0.0.0", BCAST, "DISCOVER", 5, C1),
            # the relay forwards the same broadcast to both servers (giaddr set, hops+1)
            dhcp(2, 10.001, RELAY, SRV, "DISCOVER", 5, C1, giaddr=RELAY),
            dhcp(3, 10.001, RELAY, SRV2, "DISCOVER", 5, C1, giaddr=RELAY),
            dhcp(4, 14.0, "0.0.0.0", BCAST, "DISCOVER", 5, C1, secs=4),      # a retry
            dhcp(5, 14.01, SRV, RELAY, "OFFER", 5, C1, yiaddr="10.1.0.60", giaddr=RELAY,
                 options={54: ip4(SRV)}),
            dhcp(6, 14.011, RELAY, "10.1.0.60", "OFFER", 5, C1, yiaddr="10.1.0.60",
                 giaddr=RELAY, options={54: ip4(SRV)}),
            dhcp(7, 99.0, "0.0.0.0", BCAST, "DISCOVER", 6, C2)]    # time passes
    run = run_records(recs)
    t = run.of_client(C1)[0]
    assert t["msg_types"] == ["DISCOVER", "DISCOVER", "OFFER"]
    assert t["retries"] == 1 and t["relay"] == RELAY and t["frames"] == [1, 2, 3, 4, 5, 6]
    assert t["outcome"] == "offered-only" and len(t["offers"]) == 1
    assert t["offer_latency"] == pytest.approx(0.01)
    server = {s["ip"]: s for s in run.summary["servers"]}[SRV]
    assert server["offers"] == 1 and server["addresses"] == [SRV]   # the relay hop is not SRV


@pytest.mark.parametrize("records,kind,outcome", [
    ([dhcp(1, 1.0, "0.0.0.0", BCAST, "REQUEST", 9, C1, options={50: ip4("10.1.0.5")}),
      dhcp(2, 1.01, SRV, BCAST, "NAK", 9, C1, options={54: ip4(SRV)})], "init-reboot", "nak"),
    ([dhcp(1, 1.0, "10.1.0.5", SRV, "REQUEST", 9, C1, ciaddr="10.1.0.5"),
      dhcp(2, 1.01, SRV, "10.1.0.5", "ACK", 9, C1, ciaddr="10.1.0.5", yiaddr="10.1.0.5",
           options={54: ip4(SRV), 51: u32(600)})], "renew", "ack"),
    ([dhcp(1, 1.0, "10.1.0.5", BCAST, "REQUEST", 9, C1, ciaddr="10.1.0.5")], "rebind", "no-ack"),
    ([dhcp(1, 1.0, "10.1.0.5", SRV, "INFORM", 9, C1, ciaddr="10.1.0.5"),
      dhcp(2, 1.01, SRV, "10.1.0.5", "ACK", 9, C1, options={54: ip4(SRV)})], "inform", "informed"),
    ([dhcp(1, 1.0, "10.1.0.5", SRV, "RELEASE", 9, C1, ciaddr="10.1.0.5",
           options={54: ip4(SRV)})], "release", "released"),
    ([dhcp(1, 1.0, "0.0.0.0", BCAST, "DECLINE", 9, C1, options={50: ip4("10.1.0.5")})],
     "decline", "declined"),
    ([dhcp(1, 1.0, "0.0.0.0", BCAST, None, 9, C1)], "bootp", "no-reply"),
    ([dhcp(1, 1.0, RELAY, SRV, "LEASEQUERY", 9, C1, ciaddr="10.1.0.5", giaddr=RELAY),
      dhcp(2, 1.01, SRV, RELAY, "LEASEACTIVE", 9, C1, ciaddr="10.1.0.5", giaddr=RELAY,
           options={54: ip4(SRV)})], "leasequery", "leaseactive"),
    ([dhcp(1, 1.0, "0.0.0.0", BCAST, "DISCOVER", 9, C1)], "dora", "no-offer"),
], ids=["init-reboot-nak", "renew", "rebind-unanswered", "inform", "release", "decline", "bootp",
        "leasequery", "no-offer"])
def test_kinds_and_outcomes(records, kind, outcome):
    # a record 60 s later lets every transaction time out instead of ending with the capture
    late = dhcp(99, 60.0, "0.0.0.0", BCAST, "DISCOVER", 0xFFFF, C2)
    run = run_records(records + [late])
    t = next(t for t in run.transactions if t["xid"] == 9)
    assert (t["kind"], t["outcome"]) == (kind, outcome)


def test_unanswered_at_capture_end_is_incomplete_not_no_offer():
    run = run_records([dhcp(1, 1.0, "0.0.0.0", BCAST, "DISCOVER", 9, C1)])
    assert run.transactions[0]["outcome"] == "incomplete"
    assert not run.codes("dhcp.no-offer")


def test_nak_then_request_then_ack_then_decline_is_one_exchange():
    # zeek/dhcp.pcap does exactly this with one xid; the DECLINE concludes the DORA
    addr = "10.1.0.70"
    recs = dora(1, 1.0, 3, C1, SRV, addr)[:3] + [
        dhcp(4, 1.03, SRV, BCAST, "NAK", 3, C1, options={54: ip4(SRV), 56: b"no"}),
        dhcp(5, 2.0, "0.0.0.0", BCAST, "REQUEST", 3, C1, options={50: ip4(addr)}),
        dhcp(6, 2.01, SRV, addr, "ACK", 3, C1, yiaddr=addr, options={54: ip4(SRV)}),
        dhcp(7, 3.0, "0.0.0.0", BCAST, "DECLINE", 3, C1, options={50: ip4(addr), 54: ip4(SRV)})]
    run = run_records(recs)
    (t,) = run.transactions
    assert t["msg_types"] == ["DISCOVER", "OFFER", "REQUEST", "NAK", "REQUEST", "ACK", "DECLINE"]
    assert t["outcome"] == "declined" and t["assigned_ip"] == addr
    assert [f["code"] for f in run.findings] == ["dhcp.nak", "dhcp.decline"]
    assert run.findings[0]["frames"] == [4] and "'no'" in run.findings[0]["message"]


def test_new_discover_after_ack_starts_a_new_transaction():
    recs = dora(1, 1.0, 3, C1, SRV, "10.1.0.70") + dora(5, 1.5, 3, C1, SRV, "10.1.0.71")
    run = run_records(recs)
    assert [t["assigned_ip"] for t in run.transactions] == ["10.1.0.70", "10.1.0.71"]


def test_icmp_unreachable_release():
    quote = IcmpQuote(type=3, code=3, sender=SRV)
    recs = [dhcp(1, 1.0, "10.1.0.5", SRV, "RELEASE", 4, C1, ciaddr="10.1.0.5",
                 options={54: ip4(SRV)}),
            dhcp(2, 1.0005, "10.1.0.5", SRV, "RELEASE", 4, C1, ciaddr="10.1.0.5",
                 options={54: ip4(SRV)}, icmp=quote)]
    run = run_records(recs)
    (t,) = run.transactions
    assert t["outcome"] == "unreachable" and t["msg_types"] == ["RELEASE"]
    assert t["icmp"][0]["from"] == SRV and t["frames"] == [1, 2]
    (f,) = run.codes("dhcp.server-unreachable")
    assert f["frames"] == [2] and f["server"] == SRV and f["client"] == C1


def test_transactions_are_emitted_as_soon_as_known():
    engine = Engine()
    recs = dora(1, 1.0, 3, C1, SRV, "10.1.0.70")
    assert all(not engine.feed(r) for r in recs)        # lingering for late copies
    outs = engine.feed(dhcp(9, 1.04 + EngineSettings().txn_linger_s + 1, "0.0.0.0", BCAST,
                            "DISCOVER", 8, C2))
    assert [o.record for o in outs][:1] == ["transaction"] and outs[0].outcome == "ack"
    assert engine.expire(1000.0)[0].outcome == "no-offer"      # time passes without packets
    assert engine.finish() == []                                 # nothing left, nothing dropped


def test_unique_xid_flood_is_bounded_and_nothing_is_dropped():
    bound, n, emitted = 300, 6_000, 0
    engine = Engine(EngineSettings(max_open_transactions=bound))
    records = [dhcp(i + 1, 1.0 + i * 1e-4, "0.0.0.0", BCAST, "DISCOVER", i, C1) for i in range(n)]
    tracemalloc.start()
    outcomes = set()
    for i, rec in enumerate(records):
        outs = engine.feed(rec)
        emitted += sum(o.record == "transaction" for o in outs)
        outcomes |= {o.outcome for o in outs if o.record == "transaction"}
        assert len(engine.txns) <= bound
        if i == 1_000:
            base = tracemalloc.get_traced_memory()[0]
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    emitted += sum(o.record == "transaction" for o in engine.finish())
    assert emitted == n
    assert len(engine.txns) == 0 and engine.summary().counts["transactions_evicted"] >= n - bound
    assert grown < 500_000              # flat: 5,000 more xids, no more memory
    assert outcomes == {"incomplete"}   # evicted 30 ms after sending: too early to judge


def test_message_cap_splits_a_looping_client():
    recs = []
    for i in range(10):
        recs += [dhcp(2 * i + 1, 1 + i * 0.02, "10.1.0.5", SRV, "INFORM", 1, C1, ciaddr="10.1.0.5"),
                 dhcp(2 * i + 2, 1.01 + i * 0.02, SRV, "10.1.0.5", "ACK", 1, C1,
                      options={54: ip4(SRV)})]
    run = run_records(recs, EngineSettings(max_messages_per_txn=8))
    assert [len(t["msg_types"]) for t in run.transactions] == [8, 8, 4]
    assert [t["closed"] for t in run.transactions] == ["full", "full", "complete"]


def test_forged_servers_share_one_entry_beyond_the_bound():
    recs = [dhcp(i + 1, 1.0 + i * 0.01, f"10.7.0.{i + 1}", BCAST, "OFFER", 1000 + i, C1,
                 yiaddr="10.7.1.1", options={54: ip4(f"10.7.0.{i + 1}")}) for i in range(50)]
    run = run_records(recs, EngineSettings(max_servers=10))
    servers = {s["ip"]: s for s in run.summary["servers"]}
    assert len(servers) == 11 and servers["(other servers)"]["offers"] == 40
    assert sum(s["offers"] for s in servers.values()) == 50


def test_the_failover_peers_are_named_even_beyond_the_server_bound():
    forged = [dhcp(i + 1, 1.0 + i * 0.01, f"10.7.0.{i + 1}", BCAST, "OFFER", 1000 + i, C1,
                   yiaddr="10.7.1.1", options={54: ip4(f"10.7.0.{i + 1}")}) for i in range(20)]
    run = run_records(forged + pair_up(ts=2.0, frame=100), EngineSettings(max_servers=10))
    servers = {s["ip"]: s for s in run.summary["servers"]}
    assert (servers[P]["role"], servers[S]["role"]) == ("primary", "secondary")
    assert servers["(other servers)"]["role"] == "unknown" and servers["(other servers)"]["offers"] == 10


def test_a_client_looping_on_one_xid_is_cut_at_the_maximum_duration():
    # DISCOVER every 10 s on one xid, never answered: idle never, but too long
    loop = [dhcp(i + 1, 100.0 + 10 * i, "0.0.0.0", BCAST, "DISCOVER", 0x77, C1) for i in range(7)]
    other = [dhcp(50, 101.0, "0.0.0.0", BCAST, "DISCOVER", 0x78, "02:00:00:00:00:99")]
    run = run_records(sorted(loop + other, key=lambda r: r.ts),
                      EngineSettings(txn_max_duration_s=30, expire_interval_s=1))
    mine = [t for t in run.transactions if t["xid"] == 0x77]
    assert [(t["start"], len(t["msg_types"]), t["closed"]) for t in mine] == [
        (100.0, 3, "timeout"), (130.0, 3, "timeout"), (160.0, 1, "capture-end")]
