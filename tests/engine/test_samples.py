"""The engine on the lab samples (samples/<scenario>.pcap), checked against what the real programs
wrote during that very run: dhclient's and dhcpd's logs, and the lab's own record of every step
(samples/<scenario>/scenario.json). Nothing here is a constant about one particular run."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dhcpanalyze.engine import EngineSettings

from ..conftest import SAMPLES
from .helpers import run_files

SCENARIOS = ("seed", "skew", "relay", "many", "interrupt")
LB_MAX_SECS = 3         # the seed's `load balance max seconds` (samples/README.md)
# what dhcpd logs when something is really wrong between the peers or with a lease
ISC_TROUBLE = re.compile(r"rejected|time offset too large|DISCONNECT|invalid|IMBALANCED|"
                         r"abandon|duplicate|no free leases|peer holds all free leases")


class Sample:
    def __init__(self, name: str) -> None:
        self.pcap = SAMPLES / f"{name}.pcap"
        self.dir = SAMPLES / name
        if not self.pcap.exists() or not (self.dir / "scenario.json").exists():
            pytest.skip(f"sample {name} not committed yet (samples/{name}.pcap)")
        self.scenario = json.loads((self.dir / "scenario.json").read_text())
        settings = EngineSettings(lb_max_secs=LB_MAX_SECS, finding_repeat_window_s=0)
        self.run = run_files([self.pcap], settings)

    def ip(self, role: str) -> str:
        host = next(h for key, h in self.scenario["hosts"].items() if key.startswith(role + "/"))
        return host["address"].split("/")[0]

    def log(self, name: str) -> str:
        path = self.dir / name
        return path.read_text() if path.exists() else ""

    def dhcpd_log(self, role: str) -> str:
        return self.log(f"dhcpd-{role}.log")          # the captured run, not the priming one

    def steps(self, name: str) -> list[dict]:
        return [s for s in self.scenario["steps"] if re.fullmatch(name, s["step"])]

    def after_capture(self, name: str) -> list[dict]:
        start = self.steps("capture started")[0]["t"]
        return [s for s in self.steps(name) if s["t"] >= start]

    def acks(self) -> list[dict]:
        """Transactions that ended with an ACK, in the order of their ACKs."""
        done = [t for t in self.run.transactions if t["outcome"] in ("ack", "declined")]
        return sorted(done, key=lambda t: t["end"])


@pytest.fixture(scope="module", params=SCENARIOS)
def sample(request) -> Sample:
    return Sample(request.param)


def named(name: str):
    return pytest.fixture(scope="module")(lambda: Sample(name))


seed, skew, many, interrupt, relay = (named(n) for n in ("seed", "skew", "many", "interrupt",
                                                        "relay"))


def test_every_ack_dhclient_logged_is_a_transaction(sample):
    for client, info in sample.scenario["clients"].items():
        logged = re.findall(r"DHCPACK of (\S+) from (\S+)", sample.log(f"dhclient-{client}.log"))
        # dhclient names the sender of the ACK: the server, or the relay that handed it over
        ours = [(t["assigned_ip"], t["relay"] or t["server"]) for t in sample.acks()
                if t["client"]["mac"] == info["mac"]]
        assert logged == ours, client


def test_every_ack_dhcpd_logged_is_a_transaction(sample):
    for role in ("primary", "secondary"):
        logged = re.findall(r"DHCPACK on (\S+) to (\S+)", sample.dhcpd_log(role))
        # both peers may ACK one REQUEST (many: the partner also ACKs a lease it knows)
        answers = sorted((a["ts"], a["yiaddr"], t["client"]["mac"]) for t in sample.acks()
                         for a in t["answers"]
                         if a["type"] == "ACK" and a["server"] == sample.ip(role))
        assert logged == [(ip, mac) for _ts, ip, mac in answers], role


def test_no_error_where_the_servers_logged_nothing_wrong(sample):
    trouble = [line for role in ("primary", "secondary")
               for line in sample.dhcpd_log(role).splitlines() if ISC_TROUBLE.search(line)]
    errors = [f for f in sample.run.findings if f["severity"] == "error"]
    assert not errors or trouble, [f["message"] for f in errors]


def test_low_secs_discovers_answered_by_the_expected_server(sample):
    judged = 0
    for t in sample.run.transactions:
        b = t["balance"]
        if t["kind"] != "dora" or not b or b["secs"] > LB_MAX_SECS or not t["expected_server"]:
            continue
        assert {o["server"] for o in t["offers"]} <= {t["expected_server"]}, t["client"]
        judged += 1
    assert not sample.run.codes("loadbalance.wrong-server")
    if sample.scenario["scenario"] == "many":
        assert judged >= len(sample.scenario["clients"])


def test_expected_server_is_the_one_the_lab_designated(many):
    """The lab hashes each client itself (samples/lab/hashing.py); the engine must agree."""
    for info in many.scenario["clients"].values():
        doras = [t for t in many.run.of_client(info["mac"]) if t["expected_server"]]
        assert doras, info["mac"]
        assert {t["expected_server"] for t in doras} == {many.ip(info["designated"])}
        assert all(t["balance"]["bucket"] == info["bucket"] for t in doras)


def test_seed_takeover_unreachable_release_and_links(seed):
    primary, secondary = seed.ip("primary"), seed.ip("secondary")
    takeovers = seed.run.codes("dhcp.takeover")
    assert any(f["server"] == secondary for f in takeovers)
    for step in seed.steps("dhclient -r c1"):
        if step["server_alive"] is False:
            # the lab records the step when `dhclient -r` has returned
            assert any(f["server"] == step["release_to"] and f["client"] == step["mac"]
                       and abs(f["ts"] - step["t"]) < 5
                       for f in seed.run.codes("dhcp.server-unreachable"))
    downs = seed.run.codes("failover.link-down")
    for role, ip in (("primary", primary), ("secondary", secondary)):
        stop = seed.after_capture(rf"stop {role}.*")[0]["t"]
        # the step is recorded once the server has exited, just after its FIN
        assert any(f["server"] == ip and f["ts"] > stop - 1 for f in downs), role


def test_seed_first_lease_replicated_while_both_up(seed):
    first = seed.acks()[0]
    rel = seed.run.summary["failover"][0]
    assert rel["binding_updates"]["acked"] >= 1
    assert not [f for f in seed.run.codes("failover.lease-not-replicated")
                if f["ip"] == first["assigned_ip"] and f["ts"] <= first["end"] + 10]


def test_skew_measured_and_connect_rejected(skew):
    want = skew.scenario["skew"]
    ahead = skew.ip(want["server"])
    skews = skew.run.codes("failover.clock-skew")
    assert skews and all(f["server"] == ahead for f in skews)
    measured = float(re.search(r"is (\d+) s", skews[0]["message"]).group(1))
    assert abs(measured - want["offset_s"]) <= 1
    assert skews[0]["severity"] == ("error" if want["offset_s"] > 60 else "warning")
    rejected = skew.run.codes("failover.connect-rejected")
    logged = re.findall(r"Failover CONNECT to \S+ rejected", skew.dhcpd_log("primary"))
    assert len(rejected) >= len(logged) >= 1
    assert all("reason 4 " in f["message"] for f in rejected)


def test_skew_clients_without_offer_are_no_offer(skew):
    for client, info in skew.scenario["clients"].items():
        unbound = [s for s in skew.steps(f"{client} not bound")]
        if unbound:
            assert any(f["client"] == info["mac"] for f in skew.run.codes("dhcp.no-offer"))
        else:
            assert any(t["client"]["mac"] == info["mac"] for t in skew.acks())


def test_interrupt_link_down_and_primary_serving_alone(interrupt):
    cut = interrupt.steps("secondary link down")[0]["t"]
    back = interrupt.steps("secondary link up")[0]["t"]
    silence = [f for f in interrupt.run.codes("failover.link-down")
               if "nothing from" in f["message"]]
    assert silence and cut < silence[0]["ts"] < back + 2
    rel = interrupt.run.summary["failover"][0]
    assert [lk["up"] for lk in rel["link"]][:3] == [True, False, True]
    served = interrupt.steps("c2 bound")[0]
    t = [t for t in interrupt.acks() if t["client"]["mac"] == served["mac"]][0]
    assert t["server"] == served["server"] and t["expected_server"] is None
    assert any(f["client"] == served["mac"] for f in interrupt.run.codes("dhcp.takeover"))
    assert not interrupt.run.codes("failover.lease-not-replicated")


def test_relay_transactions_carry_the_relay(relay):
    assert relay.acks()
    for t in relay.run.transactions:
        assert t["relay"] is not None and t["relay"] != relay.ip("primary")


def test_samples_readme_names_every_scenario_tested():
    readme = Path(SAMPLES / "README.md")
    if not readme.exists():
        pytest.skip("samples/README.md not committed yet")
    missing = [n for n in SCENARIOS if (SAMPLES / f"{n}.pcap").exists()
               and f"{n}.pcap" not in readme.read_text()]
    assert not missing
