"""What the correlation engine must conclude from a lab run, as `dhcpanalyze report --format json`
prints it, checked against the real programs' logs and the lab's record of its steps
(scenario.json). Nothing is a constant about one run.

Each check takes a LabRun (tests/lab/labrun.py: a committed sample or a fresh live run) and
returns a list of problems (empty = pass). tests/lab/table.py puts GENERAL + BY_SCENARIO beside
the decoder's checks; test_samples.py runs them on the samples, tests/lab/test_live.py on every
live scenario.
"""
from __future__ import annotations

import re
import subprocess
import sys

from ..lab.labrun import REPO, SERVER_LOGS, LabRun, client_acks, server_acks

ROLES = ("primary", "secondary")
NEAR_S = 5              # a finding about a lab step lies within this many seconds of it
# what dhcpd logs when something is really wrong between the peers or with a lease
ISC_TROUBLE = re.compile(r"rejected|time offset too large|DISCONNECT|invalid|IMBALANCED|"
                         r"abandon|duplicate|no free leases|peer holds all free leases")


def near(finding: dict, step: dict) -> bool:
    return abs(finding["ts"] - step["t"]) < NEAR_S


def occurrences(findings: list[dict]) -> int:
    """How many times these findings happened: a repeat within the engine's window is one
    finding, or a `N more like` summary, with its count."""
    return sum(f["count"] for f in findings)


# --- every scenario --------------------------------------------------------------------------

def check_dhclient_acks_are_transactions(run: LabRun) -> list[str]:
    """Each `DHCPACK of X from Y` of a dhclient is, in order, an ACKed transaction of that
    client (the MAC dhclient listened with) for X, served by Y or through relay Y."""
    problems = []
    for name, log in run.client_logs().items():
        logged = client_acks(log)
        mac = logged[0][1] if logged else run.clients[name]["mac"]
        # dhclient names the sender of the ACK: the server, or the relay that handed it over
        # an ACK alone (its REQUEST answered before, as when a frozen server wakes up and
        # answers a stale REQUEST) reaches a client that is already bound: dhclient ignores it
        ours = [(t["assigned_ip"], mac, t["relay"] or t["server"]) for t in run.report.acks()
                if t["client"]["mac"] == mac and t["msg_types"] != ["ACK"]]
        if logged != ours:
            problems.append(f"{name}: dhclient logged ACKs {logged}, transactions {ours}")
    return problems


def check_dhcpd_acks_are_transactions(run: LabRun) -> list[str]:
    """Each `DHCPACK on X to MAC` of a dhcpd is, in order, an ACK from that server in a
    transaction of that client."""
    problems = []
    for role, name in SERVER_LOGS.items():
        logged = server_acks(run.log(name))
        # both peers may ACK one REQUEST (many: the partner also ACKs a lease it knows)
        answers = sorted((a["ts"], a["yiaddr"], t["client"]["mac"]) for t in run.report.acks()
                         for a in t["answers"]
                         if a["type"] == "ACK" and a["server"] == run.server_ip(role))
        if logged != [(ip, mac) for _ts, ip, mac in answers]:
            problems.append(f"{role}: dhcpd logged ACKs {logged}, transactions {answers}")
    return problems


def check_no_error_without_trouble_in_logs(run: LabRun) -> list[str]:
    """No error finding unless a dhcpd logged trouble; `--fail-on error` exits 1 exactly when
    an error finding is reported."""
    trouble = [line for name in SERVER_LOGS.values()
               for line in run.log(name).splitlines() if ISC_TROUBLE.search(line)]
    errors = [f["message"] for f in run.report.findings if f["severity"] == "error"]
    problems = [f"error findings while dhcpd logged nothing wrong: {errors}"] \
        if errors and not trouble else []
    if run.report.exit_code != (1 if errors else 0):
        problems.append(f"report --fail-on error exited {run.report.exit_code} with "
                        f"{len(errors)} error findings")
    return problems


def check_low_secs_discovers_answered_by_expected_server(run: LabRun) -> list[str]:
    """Every DORA whose DISCOVER had secs <= load balance max seconds was offered and served
    only by the server the engine expects from the HBA; in `many` every client is judged."""
    problems, judged = [], 0
    # a designated peer the engine found silent: its clients were served by the partner
    # after the secs bypass, which check_silent_server_named judges instead
    silent = run.report.codes("loadbalance.designated-silent")
    for t in run.report.transactions:
        b = t["balance"]
        if any(f["server"] == t["expected_server"] and t["client"]["mac"] in f["message"]
               for f in silent):
            continue
        # without `load balance max seconds` the engine judges only secs 0
        if t["kind"] != "dora" or not b or b["secs"] > (run.lb_max_secs or 0) \
                or not t["expected_server"]:
            continue
        judged += 1
        real = {o["server"] for o in t["offers"]} | ({t["server"]} if t["server"] else set())
        if real and real != {t["expected_server"]}:
            problems.append(f"{t['client']['mac']} xid {t['xid']:#x}: expected "
                            f"{t['expected_server']}, offered/served by {sorted(real)}")
    problems += [f["message"] for f in run.report.codes("loadbalance.wrong-server")]
    if run.scenario == "many" and judged < len(run.clients):
        problems.append(f"only {judged} DISCOVERs judged for {len(run.clients)} clients")
    return problems


GENERAL = [check_dhclient_acks_are_transactions, check_dhcpd_acks_are_transactions,
           check_no_error_without_trouble_in_logs,
           check_low_secs_discovers_answered_by_expected_server]


# --- one scenario each ------------------------------------------------------------------------

def check_expected_server_is_the_labs_designated(run: LabRun) -> list[str]:
    """The lab hashes each client itself (samples/lab/hashing.py); the engine must agree."""
    problems = []
    for info in run.clients.values():
        doras = [t for t in run.report.of_client(info["mac"]) if t["expected_server"]]
        expected = {(t["expected_server"], t["balance"]["bucket"]) for t in doras}
        if expected != {(run.server_ip(info["designated"]), info["bucket"])}:
            problems.append(f"{info['mac']}: lab says {info['designated']} bucket "
                            f"{info['bucket']}, engine {expected}")
    return problems


def check_seed_takeover_unreachable_release_links(run: LabRun) -> list[str]:
    """c1 served by one server while the lab had stopped the other is a dhcp.takeover (one by
    the secondary at least); each RELEASE to a stopped server is a dhcp.server-unreachable;
    each server's stop is a failover.link-down."""
    problems, role_of = [], {run.server_ip(role): role for role in ROLES}
    takeovers = [s for s in run.steps("c1 bound") if not run.running(
        next(r for r in ROLES if r != role_of[s["server"]]), s["t"])]
    if "secondary" not in {role_of[s["server"]] for s in takeovers}:
        problems.append("the lab never had c1 served by the secondary alone")
    for step in takeovers:
        if not any(f["server"] == step["server"] and f["client"] == step["mac"] and near(f, step)
                   for f in run.report.codes("dhcp.takeover")):
            problems.append(f"c1 bound by {step['server']} alone: no dhcp.takeover")
    for step in run.steps("dhclient -r c1"):
        # the lab records the step when `dhclient -r` has returned
        if step["server_alive"] is False and not any(
                f["server"] == step["release_to"] and f["client"] == step["mac"] and near(f, step)
                for f in run.report.codes("dhcp.server-unreachable")):
            problems.append(f"RELEASE to stopped {step['release_to']}: no dhcp.server-unreachable")
    for role in ROLES:
        stop = run.steps(f"stop {role}")[0]["t"]
        # the step is recorded once the server has exited, just after its FIN
        if not any(f["server"] == run.server_ip(role) and stop - 1 < f["ts"] < stop + NEAR_S
                   for f in run.report.codes("failover.link-down")):
            problems.append(f"no failover.link-down when the {role} stopped")
    return problems


def check_skew_measured_and_connect_rejected(run: LabRun) -> list[str]:
    """The skewed server's clock is found ahead by the lab's faketime offset; every CONNECT the
    primary logged as rejected is a failover.connect-rejected with reason 4."""
    rejected = run.report.codes("failover.connect-rejected")
    logged = re.findall(r"Failover CONNECT to \S+ rejected", run.log(SERVER_LOGS["primary"]))
    problems = skew_measured(run)
    if not occurrences(rejected) >= len(logged) >= 1 or any(
            "reason 4 " not in f["message"] for f in rejected):
        problems.append(f"{len(logged)} rejects logged, findings {[f['message'] for f in rejected]}")
    return problems + clients_offered_or_no_offer(run)


def skew_measured(run: LabRun) -> list[str]:
    """failover.clock-skew names the skewed server and the offset (in its message, and the
    relationship's skew_s and clock offsets); an error beyond ISC's 60 s limit, else a warning."""
    want = run.scenario_json["skew"]
    skewed = run.server_ip(want["server"])
    other = run.server_ip(next(r for r in ROLES if r != want["server"]))
    skews = run.report.codes("failover.clock-skew")
    if not skews or any(f["server"] != skewed for f in skews):
        return [f"clock-skew findings {[f['message'] for f in skews]}, want {want}"]
    said = re.search(r"is (\d+) s ahead", skews[0]["message"])
    rel = run.report.doc["failover"][0]
    offsets, skew_s = rel["clock_offsets_s"], rel["skew_s"]     # skew_s: primary - secondary
    measured = (float(said.group(1)) if said else None, offsets[skewed] - offsets[other],
                skew_s if want["server"] == "primary" else -skew_s)
    problems = [] if said and all(abs(m - want["offset_s"]) <= 1 for m in measured) else [
        f"skew '{skews[0]['message']}', skew_s {skew_s}, offsets {offsets}; faketime offset "
        f"{want['offset_s']} s"]
    if skews[0]["severity"] != ("error" if want["offset_s"] > 60 else "warning"):
        problems.append(f"skew severity {skews[0]['severity']}")
    return problems


def clients_offered_or_no_offer(run: LabRun) -> list[str]:
    """A client no server offered to has a dhcp.no-offer; one the lab saw bound has an ACK."""
    problems, acked = [], {t["client"]["mac"] for t in run.report.acks()}
    for client, info in run.clients.items():
        offered = any(t["offers"] for t in run.report.of_client(info["mac"]))
        if not offered and not any(f["client"] == info["mac"]
                                   for f in run.report.codes("dhcp.no-offer")):
            problems.append(f"no server offered to {client} but it has no dhcp.no-offer")
        if not run.steps(f"{client} not bound") and info["mac"] not in acked:
            problems.append(f"{client} was bound but has no ACKed transaction")
    return problems


def check_interrupt_link_down_and_primary_alone(run: LabRun) -> list[str]:
    """The secondary's link cut is a keep-alive link-down while it lasts; the link goes up,
    down, up; c2 bound meanwhile is served as dhclient saw it, unjudged by the split, and is a
    dhcp.takeover; every lease is replicated."""
    problems = []
    cut, back = run.steps("secondary link down")[0]["t"], run.steps("secondary link up")[0]["t"]
    silence = [f for f in run.report.codes("failover.link-down") if "nothing from" in f["message"]]
    if not silence or not cut < silence[0]["ts"] < back + 2:
        problems.append(f"no keep-alive link-down between {cut} and {back}")
    link = [lk["up"] for lk in run.report.doc["failover"][0]["link"]][:3]
    if link != [True, False, True]:
        problems.append(f"link history {link}")
    served = run.steps("c2 bound")[0]
    t = next((t for t in run.report.acks() if t["client"]["mac"] == served["mac"]), None)
    if t is None or t["server"] != served["server"] or t["expected_server"] is not None:
        problems.append(f"c2's transaction {t and (t['server'], t['expected_server'])}")
    if not any(f["client"] == served["mac"] for f in run.report.codes("dhcp.takeover")):
        problems.append("c2 served while the link was down is not a dhcp.takeover")
    problems += [f["message"] for f in run.report.codes("failover.lease-not-replicated")]
    return problems


def check_relay_transactions_carry_the_relay(run: LabRun) -> list[str]:
    """Every transaction behind dhcrelay names the relay (its giaddr), and some were ACKed."""
    giaddr = run.scenario_json["hosts"]["relay/eth1"]["address"].split("/")[0]
    bad = [t["client"]["mac"] for t in run.report.transactions if t["relay"] != giaddr]
    return ([f"transactions without the relay {giaddr}: {bad}"] if bad else []) + \
        ([] if run.report.acks() else ["no ACKed transaction behind the relay"])


def check_silent_server_named(run: LabRun) -> list[str]:
    """The primary ignores every lab client (`ignore booting`): a loadbalance.designated-silent
    warning names the primary and each client, whose DISCOVERs the secondary logged as `load
    balance to peer` and answered after secs > load balance max seconds; the partner is never
    named silent, and no other scenario has the finding."""
    primary, secondary = run.server_ip("primary"), run.server_ip("secondary")
    found = run.report.codes("loadbalance.designated-silent")
    problems = [] if found and all(f["server"] == primary and f["severity"] == "warning"
                                   for f in found) else [f"silent findings {found}"]
    balanced_away = set(re.findall(r"DHCPDISCOVER from (\S+) via \S+: load balance to peer",
                                   run.log(SERVER_LOGS["secondary"])))
    for name, info in run.clients.items():
        if info["mac"] not in balanced_away:
            problems.append(f"{name}: the secondary did not log `load balance to peer`")
        if not any(info["mac"] in f["message"] for f in found):
            problems.append(f"{name} ({info['mac']}) not named by a designated-silent finding")
        served = [t for t in run.report.of_client(info["mac"]) if t["server"] == secondary]
        if not served or served[0]["secs"] <= (run.lb_max_secs or 0):
            problems.append(f"{name}: served by the secondary {served and served[0]['secs']}")
    health = run.report.doc["failover"][0]["health"]
    if health["verdict"] != "degraded" or "designated-silent" not in health["why"]:
        problems.append(f"health {health}")
    return problems


def check_not_silent(run: LabRun) -> list[str]:
    """No designated peer is called silent where the lab's servers answered their own clients
    (or balancing did not apply: link down, a peer not in NORMAL)."""
    return [f["message"] for f in run.report.codes("loadbalance.designated-silent")]


def check_small_skew_connects_with_warning(run: LabRun) -> list[str]:
    """50 s of skew: measured, a warning whose text says the pair still connects (ISC refuses
    only beyond 60 s), the pair does reach NORMAL, and the text report says who is ahead."""
    problems = skew_measured(run)
    skews = run.report.codes("failover.clock-skew")
    if skews and "still connects" not in skews[0]["explanation"]:
        problems.append(f"explanation {skews[0]['explanation']!r}")
    if run.report.codes("failover.connect-rejected"):
        problems.append("a connect was rejected below 60 s")
    rel = run.report.doc["failover"][0]
    normal = {s["server"] for s in rel["states"] if s["state"] == "normal"}
    if normal != set(rel["peers"]) or rel["sessions_total"] < 1:
        problems.append(f"not both normal: {rel['states']}")
    said = re.search(r"clock skew secondary (\d+\.\d) s ahead of primary", report_text(run))
    if not said or abs(float(said.group(1)) - run.scenario_json["skew"]["offset_s"]) > 1:
        problems.append(f"the text report's skew: {said and said.group(0)}")
    return problems


def check_large_skew_cannot_connect(run: LabRun) -> list[str]:
    """90 s: the explanation says the pair cannot (re)connect; the health verdict is broken,
    never connected, with ISC's reject text."""
    skews = run.report.codes("failover.clock-skew")
    problems = [] if skews and "cannot (re)connect" in skews[0]["explanation"] else [
        f"explanations {[f['explanation'] for f in skews]}"]
    health = run.report.doc["failover"][0]["health"]
    if health["verdict"] != "broken" or "time mismatch" not in health["why"]:
        problems.append(f"health {health}")
    return problems


def check_renewals_replicated(run: LabRun) -> list[str]:
    """Short leases: every DHCPACK a dhcpd logged (first leases and renewals) is a transaction
    followed by that server's BNDUPD for the address, BNDACKed; no lease-not-replicated; the
    partner's lease file holds each client's address as active."""
    problems = []
    renewals = [t for t in run.report.transactions if t["kind"] == "renew"]
    if len(renewals) < 2 * len(run.clients):
        problems.append(f"only {len(renewals)} renewals")
    problems += [f["message"] for f in run.report.codes("failover.lease-not-replicated")]
    updates = run.report.doc["failover"][0]["binding_updates"]
    logged = sum(len(server_acks(run.log(name))) for name in SERVER_LOGS.values())
    if updates["sent"] < logged or updates["unacked"] or updates["acked"] != updates["sent"]:
        problems.append(f"binding updates {updates} for {logged} ACKs logged")
    for role, name in SERVER_LOGS.items():
        partner = next(r for r in SERVER_LOGS if r != role)
        leases = run.log(f"dhcpd-{partner}.leases")
        for ip, mac in set(server_acks(run.log(name))):
            if not re.search(rf"lease {re.escape(ip)} {{[^}}]*binding state active;[^}}]*"
                             rf"hardware ethernet {mac};", leases):
                problems.append(f"{partner}'s lease file has no active {ip} for {mac}")
    return problems


def check_partner_gone_updates_unacked(run: LabRun) -> list[str]:
    """The secondary frozen: the primary's BNDUPD for c1's lease is never acknowledged; the
    link-down finding says updates were left unacknowledged, the lease is not replicated and
    the health verdict counts them; the frozen secondary's lease file lacks the lease."""
    c1 = run.clients["c1"]["mac"]
    primary = run.server_ip("primary")
    problems = []
    ip = next((t["assigned_ip"] for t in run.report.acks()
               if t["client"]["mac"] == c1 and t["server"] == primary), None)
    lease = next((row for row in run.report.doc["leases"] if row["ip"] == ip), None)
    if ip is None or lease is None or lease["replicated"]:
        problems.append(f"c1's lease {ip}: {lease}")
    downs = [f for f in run.report.codes("failover.link-down") if "unacknowledged" in f["message"]]
    if not downs or downs[0]["server"] != primary:
        problems.append(f"link-down findings {[f['message'] for f in run.report.codes('failover.link-down')]}")
    health = run.report.doc["failover"][0]["health"]
    if health["verdict"] == "healthy" or "never acknowledged" not in health["why"]:
        problems.append(f"health {health}")
    if "timeout waiting for failover peer" not in run.log(SERVER_LOGS["primary"]) and \
            "peer moves from normal to communications-interrupted" not in \
            run.log(SERVER_LOGS["primary"]) and "I move from normal to communications-interrupted" \
            not in run.log(SERVER_LOGS["primary"]):
        problems.append("the primary's log does not show it gave up on the partner")
    return problems


def check_resync_every_update_acked(run: LabRun) -> list[str]:
    """A fresh pair's resync: both sent UPDREQALL (dhcpd logs `Sent update request all`), every
    BNDUPD was BNDACKed, the timeline shows each state once per frame (the STARTUP flag merged
    into one row), and both end NORMAL: healthy."""
    rel = run.report.doc["failover"][0]
    problems = []
    for role, name in SERVER_LOGS.items():
        if "Sent update request all message" not in run.log(name):
            problems.append(f"{role} did not log UPDREQALL")
    b = rel["binding_updates"]
    if b["sent"] < 150 or b["acked"] != b["sent"] or b["unacked"]:
        problems.append(f"binding updates {b}")
    rows = [line.split()[1:4] for line in report_text(run).splitlines()
            if re.match(r"^    \d\d:\d\d:\d\d\.\d{3}\s+\d+\s", line)]
    if len(rows) != len({tuple(r) for r in rows}) or not rows:
        problems.append(f"state timeline rows repeat: {rows}")
    if rel["health"]["verdict"] != "healthy":
        problems.append(f"health {rel['health']}")
    return problems


def report_text(run: LabRun) -> str:
    done = subprocess.run([sys.executable, "-m", "dhcpanalyze", "report", "--lb-max-secs",
                           str(run.lb_max_secs or 3), str(run.pcap)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    return done.stdout


BY_SCENARIO = {"seed": [check_seed_takeover_unreachable_release_links],
               "skew": [check_skew_measured_and_connect_rejected],
               "many": [check_expected_server_is_the_labs_designated],
               "interrupt": [check_interrupt_link_down_and_primary_alone],
               "relay": [check_relay_transactions_carry_the_relay],
               "silent": [check_silent_server_named],
               "smallskew": [check_small_skew_connects_with_warning, check_not_silent],
               "renew": [check_renewals_replicated, check_not_silent],
               "gone": [check_partner_gone_updates_unacked, check_not_silent],
               "resync": [check_resync_every_update_acked]}
BY_SCENARIO["skew"].append(check_large_skew_cannot_connect)
for _scenario in ("seed", "many", "interrupt", "relay", "skew"):
    BY_SCENARIO[_scenario].append(check_not_silent)
