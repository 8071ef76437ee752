"""What the correlation engine must conclude from a lab run, checked against the real programs' logs
and the lab's record of its steps (scenario.json). Nothing is a constant about one run.

Each check takes a run - any object with `.scenario` (name), `.pcap` (the capture) and `.files`
(the folder with scenario.json and the logs), like the lab tests' LabRun - and returns a list of
problems (empty = pass). test_samples.py runs them on the committed samples; the live lab tests
can run the same table (GENERAL + BY_SCENARIO) on fresh captures.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from dhcpanalyze.engine import EngineSettings

from .helpers import Run, run_files

LB_MAX_SECS = 3         # the seed's `load balance max seconds` (samples/README.md)
# what dhcpd logs when something is really wrong between the peers or with a lease
ISC_TROUBLE = re.compile(r"rejected|time offset too large|DISCONNECT|invalid|IMBALANCED|"
                         r"abandon|duplicate|no free leases|peer holds all free leases")


@functools.lru_cache(maxsize=8)
def _engine_run(pcap: str, mtime: float) -> Run:
    return run_files([pcap], EngineSettings(lb_max_secs=LB_MAX_SECS, finding_repeat_window_s=0))


class View:
    """The engine's run over one lab capture, with the lab's record beside it."""

    def __init__(self, run) -> None:
        pcap = Path(run.pcap)
        self.files = Path(run.files)
        self.scenario = json.loads((self.files / "scenario.json").read_text())
        self.engine = _engine_run(str(pcap), pcap.stat().st_mtime)

    def ip(self, role: str) -> str:
        host = next(h for key, h in self.scenario["hosts"].items() if key.startswith(role + "/"))
        return host["address"].split("/")[0]

    def log(self, name: str) -> str:
        path = self.files / name
        return path.read_text(errors="replace") if path.exists() else ""

    def steps(self, name: str) -> list[dict]:
        return [s for s in self.scenario["steps"] if re.fullmatch(name, s["step"])]

    def after_capture(self, name: str) -> list[dict]:
        start = self.steps("capture started")[0]["t"]
        return [s for s in self.steps(name) if s["t"] >= start]

    def acks(self) -> list[dict]:
        """Transactions that ended with an ACK, in the order of their ACKs."""
        done = [t for t in self.engine.transactions if t["outcome"] in ("ack", "declined")]
        return sorted(done, key=lambda t: t["end"])


# --- every scenario --------------------------------------------------------------------------

def check_dhclient_acks_are_transactions(run) -> list[str]:
    v, problems = View(run), []
    for client, info in v.scenario["clients"].items():
        logged = re.findall(r"DHCPACK of (\S+) from (\S+)", v.log(f"dhclient-{client}.log"))
        # dhclient names the sender of the ACK: the server, or the relay that handed it over
        ours = [(t["assigned_ip"], t["relay"] or t["server"]) for t in v.acks()
                if t["client"]["mac"] == info["mac"]]
        if logged != ours:
            problems.append(f"{client}: dhclient logged ACKs {logged}, transactions {ours}")
    return problems


def check_dhcpd_acks_are_transactions(run) -> list[str]:
    v, problems = View(run), []
    for role in ("primary", "secondary"):
        logged = re.findall(r"DHCPACK on (\S+) to (\S+)", v.log(f"dhcpd-{role}.log"))
        # both peers may ACK one REQUEST (many: the partner also ACKs a lease it knows)
        answers = sorted((a["ts"], a["yiaddr"], t["client"]["mac"]) for t in v.acks()
                         for a in t["answers"] if a["type"] == "ACK" and a["server"] == v.ip(role))
        if logged != [(ip, mac) for _ts, ip, mac in answers]:
            problems.append(f"{role}: dhcpd logged ACKs {logged}, transactions {answers}")
    return problems


def check_no_error_without_trouble_in_logs(run) -> list[str]:
    v = View(run)
    trouble = [line for role in ("primary", "secondary")
               for line in v.log(f"dhcpd-{role}.log").splitlines() if ISC_TROUBLE.search(line)]
    errors = [f["message"] for f in v.engine.findings if f["severity"] == "error"]
    return [f"error findings while dhcpd logged nothing wrong: {errors}"] if errors and \
        not trouble else []


def check_low_secs_discovers_answered_by_expected_server(run) -> list[str]:
    v, problems, judged = View(run), [], 0
    for t in v.engine.transactions:
        b = t["balance"]
        if t["kind"] != "dora" or not b or b["secs"] > LB_MAX_SECS or not t["expected_server"]:
            continue
        judged += 1
        offered = {o["server"] for o in t["offers"]}
        if not offered <= {t["expected_server"]}:
            problems.append(f"{t['client']['mac']}: expected {t['expected_server']}, "
                            f"offers from {sorted(offered)}")
    problems += [f["message"] for f in v.engine.codes("loadbalance.wrong-server")]
    if v.scenario["scenario"] == "many" and judged < len(v.scenario["clients"]):
        problems.append(f"only {judged} DISCOVERs judged for {len(v.scenario['clients'])} clients")
    return problems


GENERAL = [check_dhclient_acks_are_transactions, check_dhcpd_acks_are_transactions,
           check_no_error_without_trouble_in_logs,
           check_low_secs_discovers_answered_by_expected_server]


# --- one scenario each ------------------------------------------------------------------------

def check_expected_server_is_the_labs_designated(run) -> list[str]:
    """The lab hashes each client itself (samples/lab/hashing.py); the engine must agree."""
    v, problems = View(run), []
    for info in v.scenario["clients"].values():
        doras = [t for t in v.engine.of_client(info["mac"]) if t["expected_server"]]
        expected = {(t["expected_server"], t["balance"]["bucket"]) for t in doras}
        if expected != {(v.ip(info["designated"]), info["bucket"])}:
            problems.append(f"{info['mac']}: lab says {info['designated']} bucket "
                            f"{info['bucket']}, engine {expected}")
    return problems


def check_seed_takeover_unreachable_release_links(run) -> list[str]:
    v, problems = View(run), []
    if not any(f["server"] == v.ip("secondary") for f in v.engine.codes("dhcp.takeover")):
        problems.append("no dhcp.takeover by the secondary")
    for step in v.steps("dhclient -r c1"):
        # the lab records the step when `dhclient -r` has returned
        if step["server_alive"] is False and not any(
                f["server"] == step["release_to"] and f["client"] == step["mac"]
                and abs(f["ts"] - step["t"]) < 5 for f in v.engine.codes("dhcp.server-unreachable")):
            problems.append(f"RELEASE to stopped {step['release_to']}: no dhcp.server-unreachable")
    for role in ("primary", "secondary"):
        stop = v.after_capture(rf"stop {role}.*")[0]["t"]
        # the step is recorded once the server has exited, just after its FIN
        if not any(f["server"] == v.ip(role) and f["ts"] > stop - 1
                   for f in v.engine.codes("failover.link-down")):
            problems.append(f"no failover.link-down when the {role} stopped")
    return problems


def check_skew_measured_and_connect_rejected(run) -> list[str]:
    v, problems = View(run), []
    want = v.scenario["skew"]
    skews = v.engine.codes("failover.clock-skew")
    if not skews or any(f["server"] != v.ip(want["server"]) for f in skews):
        return [f"clock-skew findings {[f['message'] for f in skews]}, want {want}"]
    measured = float(re.search(r"is (\d+) s", skews[0]["message"]).group(1))
    if abs(measured - want["offset_s"]) > 1:
        problems.append(f"skew measured {measured} s, faketime offset {want['offset_s']} s")
    if skews[0]["severity"] != ("error" if want["offset_s"] > 60 else "warning"):
        problems.append(f"skew severity {skews[0]['severity']}")
    rejected = v.engine.codes("failover.connect-rejected")
    logged = re.findall(r"Failover CONNECT to \S+ rejected", v.log("dhcpd-primary.log"))
    if not len(rejected) >= len(logged) >= 1 or any("reason 4 " not in f["message"]
                                                    for f in rejected):
        problems.append(f"{len(logged)} rejects logged, findings {[f['message'] for f in rejected]}")
    for client, info in v.scenario["clients"].items():
        if v.steps(f"{client} not bound"):
            if not any(f["client"] == info["mac"] for f in v.engine.codes("dhcp.no-offer")):
                problems.append(f"{client} was never bound but has no dhcp.no-offer")
        elif not any(t["client"]["mac"] == info["mac"] for t in v.acks()):
            problems.append(f"{client} was bound but has no ACKed transaction")
    return problems


def check_interrupt_link_down_and_primary_alone(run) -> list[str]:
    v, problems = View(run), []
    cut, back = v.steps("secondary link down")[0]["t"], v.steps("secondary link up")[0]["t"]
    silence = [f for f in v.engine.codes("failover.link-down") if "nothing from" in f["message"]]
    if not silence or not cut < silence[0]["ts"] < back + 2:
        problems.append(f"no keep-alive link-down between {cut} and {back}")
    link = [lk["up"] for lk in v.engine.summary["failover"][0]["link"]][:3]
    if link != [True, False, True]:
        problems.append(f"link history {link}")
    served = v.steps("c2 bound")[0]
    t = next((t for t in v.acks() if t["client"]["mac"] == served["mac"]), None)
    if t is None or t["server"] != served["server"] or t["expected_server"] is not None:
        problems.append(f"c2's transaction {t and (t['server'], t['expected_server'])}")
    if not any(f["client"] == served["mac"] for f in v.engine.codes("dhcp.takeover")):
        problems.append("c2 served while the link was down is not a dhcp.takeover")
    problems += [f["message"] for f in v.engine.codes("failover.lease-not-replicated")]
    return problems


def check_relay_transactions_carry_the_relay(run) -> list[str]:
    v = View(run)
    bad = [t["client"]["mac"] for t in v.engine.transactions
           if t["relay"] is None or t["relay"] == v.ip("primary")]
    return ([f"transactions without the relay: {bad}"] if bad else []) + \
        ([] if v.acks() else ["no ACKed transaction behind the relay"])


BY_SCENARIO = {"seed": [check_seed_takeover_unreachable_release_links],
               "skew": [check_skew_measured_and_connect_rejected],
               "many": [check_expected_server_is_the_labs_designated],
               "interrupt": [check_interrupt_link_down_and_primary_alone],
               "relay": [check_relay_transactions_carry_the_relay]}
