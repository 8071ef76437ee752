"""The engine on real ISC failover traffic (../shared/corpus/isc-failover), judged by independent
witnesses: the servers' own dhcpd.conf and logs, the per-frame message lists (from tshark), the
lab's event timeline, the list of OFFERs, and ISC's own clock check (a connection ISC accepted
was within 60 s)."""
from __future__ import annotations

import re

import pytest

from dhcpanalyze.engine import EngineSettings

from ..conftest import corpus_file
from .helpers import run_files

FO = "isc-failover"
NO_REPEAT = EngineSettings(finding_repeat_window_s=0, lb_max_secs=3)


@pytest.fixture(scope="module")
def fo_run():
    files = [corpus_file(f"{FO}/fo-capture.pcap"), corpus_file(f"{FO}/fo-capture2.pcap")]
    return run_files(files, NO_REPEAT)


@pytest.fixture(scope="module")
def lb_run():
    return run_files([corpus_file(f"{FO}/fo-capture.pcap"), corpus_file(f"{FO}/fo-dhcp.pcap")],
                     NO_REPEAT)


def conf_value(role: str, key: str) -> str:
    text = corpus_file(f"{FO}/{role}/dhcpd.conf").read_text()
    return re.search(rf"^\s*{key}\s+(.+?);", text, re.M).group(1).strip('"')


def logs(role: str) -> str:
    return "\n".join(p.read_text() for p in sorted(corpus_file(f"{FO}/{role}").glob("*.log")))


def events() -> dict[str, float]:
    out = {}
    for line in corpus_file(f"{FO}/events.txt").read_text().splitlines():
        what, _, ts = line.rpartition(" at ")
        out[what] = float(ts)
    return out


def tsv_messages(name: str) -> list[tuple[str, int]]:
    """(type code, length) of every failover message tshark listed."""
    out = []
    for line in corpus_file(f"{FO}/{name}").read_text().splitlines():
        cols = line.split("\t")
        out += list(zip(cols[6].split(","), map(int, cols[8].split(","))))
    return out


def main_rel(run) -> dict:
    name = conf_value("primary", "failover peer")
    return next(r for r in run.summary["failover"] if r["relationship"] == name)


def test_relationship_configuration_matches_dhcpd_conf(fo_run):
    rel = main_rel(fo_run)
    primary, secondary = conf_value("primary", "address"), conf_value("primary", "peer address")
    assert (rel["primary"], rel["secondary"]) == (primary, secondary)
    assert rel["mclt"] == int(conf_value("primary", "mclt"))
    assert rel["split"] == int(conf_value("primary", "split"))       # the last CONNECT's split
    for ip, role in ((primary, "primary"), (secondary, "secondary")):
        assert rel["max_unacked"][ip] == int(conf_value(role, "max-unacked-updates"))
        assert rel["receive_timer"][ip] == int(conf_value(role, "max-response-delay"))
    # the last CONNECT came from the real primary; its partner then was the lab's scripted one
    assert rel["vendor"][primary].startswith("isc-4.4") and rel["vendor"][secondary]
    roles = {s["ip"]: s["role"] for s in fo_run.summary["servers"]}
    assert roles[primary] == "primary" and roles[secondary] == "secondary"


def test_binding_update_counts_match_the_message_lists(fo_run):
    msgs = tsv_messages("fo-capture-messages.tsv") + tsv_messages("fo-capture2-messages.tsv")
    stats = main_rel(fo_run)["binding_updates"]
    assert stats["sent"] == sum(t == "3" for t, _ in msgs)
    assert stats["acked"] == sum(t == "4" for t, _ in msgs)
    # a plain BNDACK is 20 bytes; one with reject-reason and message is longer (wire §2)
    assert stats["rejected"] == sum(t == "4" and n > 20 for t, n in msgs)
    assert stats["latency_max_s"] < 5       # ISC acks within its 2 s batching timer


def test_every_logged_reject_is_a_finding(fo_run):
    logged = set(re.findall(r"bind update on (\S+) from \S+ rejected: (.+)",
                            logs("primary") + logs("secondary")))
    found = {(f["ip"], m.group(1)) for f in fo_run.codes("failover.update-rejected")
             if (m := re.search(r"'(.+)'$", f["message"]))}
    assert logged and logged <= found


def test_state_changes_logged_by_each_server_were_announced(fo_run):
    rel = main_rel(fo_run)
    for role, ip in (("primary", rel["primary"]), ("secondary", rel["secondary"])):
        moved_to = set(re.findall(r"I move from \S+ to (\S+)", logs(role))) - {"startup"}
        announced = {s["state"] for s in rel["states"] if s["server"] == ip}
        # a move made while disconnected is announced only if still current on reconnect
        assert moved_to - {"communications-interrupted"} <= announced, role


def test_clock_check_agrees_with_isc(fo_run):
    s = NO_REPEAT
    skews = fo_run.codes("failover.clock-skew")
    rejected = [f for f in fo_run.codes("failover.connect-rejected") if "reason 4 " in f["message"]]
    disconnects = [f for f in fo_run.codes("failover.disconnect") if "reason 4 " in f["message"]]
    assert len(rejected) == logs("secondary").count("Failover CONNECT from fo-lab: time offset")
    assert len(disconnects) == logs("primary").count("Failover CONNECTACK from fo-lab: time off")
    for f in rejected + disconnects:
        # the skew was measured on the same connection, before the refusal, and is > 60 s
        before = [k for k in skews if k["ts"] <= f["ts"] and f["ts"] - k["ts"] < 1]
        assert before and before[-1]["severity"] == "error", f["message"]
        assert float(re.search(r"is (\d+) s", before[-1]["message"]).group(1)) > s.skew_error_s
    accepted = [k for k in skews if not any(0 <= f["ts"] - k["ts"] < 1
                                            for f in rejected + disconnects)]
    # ISC accepted these connections, so the clocks were within 60 s (our estimate: +-1 s)
    assert accepted and all(k["severity"] == "warning" for k in accepted)


def test_link_down_at_partition_and_at_sigterm(fo_run):
    ev = events()
    downs = fo_run.codes("failover.link-down")
    silence = [f for f in downs if "nothing from" in f["message"]]
    assert any(ev["partition"] < f["ts"] < ev["heal"] for f in silence)
    primary = conf_value("primary", "address")
    fin = [f for f in downs if f["message"].endswith(f"(FIN) by {primary}")]
    assert any(0 <= f["ts"] - ev["sigterm-primary"] < 2 for f in fin)
    assert logs("primary").count("timeout waiting for failover peer") >= len(silence)


def test_real_isc_never_exceeds_the_window(fo_run):
    # ISC keeps at most the partner's max-unacked updates in flight (wire §5.5), and during the
    # first resync it fills that window exactly (bursts of 4 and of 10 in the lab)
    assert not fo_run.codes("failover.max-unacked-exceeded")
    first = main_rel(fo_run)["sessions"][0]["directions"].values()
    assert all(d["max_outstanding"] == d["peer_max_unacked"] for d in first)


def test_keepalive_cadence_follows_the_partners_receive_timer(fo_run):
    # a peer sends CONTACT after floor(partner receive-timer / 3) s of silence (wire §5.4)
    quiet = [d for d in main_rel(fo_run)["sessions"][0]["directions"].values()
             if d["max_gap_s"] < d["peer_receive_timer_s"]]      # no outage in that direction
    assert quiet
    for d in quiet:
        assert d["contacts"] > 0
        assert d["contact_interval_s"] <= d["max_gap_s"] <= d["contact_interval_s"] + 1


def test_every_offer_of_the_lab_list_is_in_a_transaction(lb_run):
    offers = {(o["server"], o["yiaddr"], round(o["ts"], 3)) for t in lb_run.transactions
              for o in t["offers"]}
    for line in corpus_file(f"{FO}/dhcp-offers.tsv").read_text().splitlines():
        ts, _mac, _secs, server, addr = line.split("\t")
        assert (server, addr, round(float(ts), 3)) in offers, line


def test_expected_server_is_the_server_that_answered(lb_run):
    """hash-live-check.txt: 16 live DISCOVERs (secs 0) and which peer answered; the engine
    predicts from the HBA of the CONNECT in force and the peers' states at that moment."""
    checked = 0
    lines = corpus_file(f"{FO}/hash-live-check.txt").read_text().splitlines()
    for line in lines:
        m = re.match(r"(\S+)\s+split \d+ observed=(\w+)", line)
        if not m:
            continue
        key, role = m.groups()
        field = "client_id" if key.startswith("01:") else "mac"
        dora = [t for t in lb_run.transactions if t["client"][field] == key and t["offers"]
                and t["balance"] and t["balance"]["secs"] == 0 and t["expected_server"]]
        for t in dora:
            assert {o["server"] for o in t["offers"]} == {t["expected_server"]}, line
            checked += 1
    assert checked >= 12
    assert not lb_run.codes("loadbalance.wrong-server")
