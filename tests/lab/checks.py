"""What the analyzer must show for a lab run, checked against the real programs' own logs.

Each check takes a LabRun and returns a list of problems (empty = pass), each problem a sentence a
user would understand. `GENERAL` checks apply to every scenario, `scenario_checks.BY_SCENARIO` to one.
table.py lists them with the engine's (tests/engine/sample_checks.py); they run on the committed
samples (test_samples.py) and on live runs (test_live.py).
"""
from __future__ import annotations

from .isclog import announced_states, is_subsequence
from .labrun import (ISC_STATE_CODES, SERVER_LOGS, LabRun, client_acks, hex_ip, option_raw,
                    server_acks)


def acks(run: LabRun) -> list[dict]:
    return [r for r in run.of_kind("dhcp") if r["msg_type"] == "ACK" and r["via_icmp"] is None]


def match_in_order(wanted: list, records: list[dict], matches) -> list:
    """The wanted items (log lines, in log order) with no matching record after the previous match."""
    missing, pos = [], 0
    for item in wanted:
        hit = next((i for i in range(pos, len(records)) if matches(item, records[i])), None)
        if hit is None:
            missing.append(item)
        else:
            pos = hit + 1
    return missing


def check_dhclient_acks(run: LabRun) -> list[str]:
    """Every `DHCPACK of X from Y` dhclient logged is a decoded ACK: yiaddr X, the client's
    chaddr, sent by Y or naming Y as server-identifier (a relay sends it on the server's behalf)."""
    def matches(item, rec):
        ip, mac, server = item
        return (rec["yiaddr"] == ip and rec["chaddr"] == mac
                and (rec["src"] == server or option_raw(rec, 54) == hex_ip(server)))
    problems = []
    for name, log in run.client_logs().items():
        wanted = client_acks(log)
        for ip, mac, server in match_in_order(wanted, acks(run), matches):
            problems.append(f"{name}: dhclient logged DHCPACK of {ip} from {server} ({mac}), "
                            "no such ACK decoded")
    return problems


def check_dhcpd_acks(run: LabRun) -> list[str]:
    """Every `DHCPACK on X to MAC` a server logged is a decoded ACK with its server-identifier."""
    problems = []
    for role, name in SERVER_LOGS.items():
        server_id = hex_ip(run.server_ip(role))
        wanted = server_acks(run.log(name))
        missing = match_in_order(wanted, acks(run), lambda item, rec: (
            rec["yiaddr"], rec["chaddr"]) == item and option_raw(rec, 54) == server_id)
        problems += [f"{role}: dhcpd logged DHCPACK on {ip} to {mac}, no such ACK decoded"
                     for ip, mac in missing]
    return problems


def wire_states(run: LabRun, address: str) -> list[int]:
    """server-state (option 24) of every STATE the server at `address` sent, in capture order."""
    return [int(option_raw(r, 24), 16) for r in run.of_kind("failover")
            if r["type_name"] == "STATE" and r["src"] == address and option_raw(r, 24)]


def check_state_moves(run: LabRun) -> list[str]:
    """Every `I move from A to B` that ISC announces (see isclog) is, in order, a STATE message
    from that server with server-state B."""
    problems = []
    for role, name in SERVER_LOGS.items():
        wanted = announced_states(run.log(name))
        seen = wire_states(run, run.server_ip(role))
        ok, found = is_subsequence([ISC_STATE_CODES[s] for s in wanted], seen)
        if not ok:
            problems.append(f"{role}: logged moves {wanted}; STATE server-states on the wire "
                            f"{seen}; '{wanted[found]}' (move {found + 1}) not found in order")
    return problems


def check_no_decode_issues(run: LabRun) -> list[str]:
    """Real ISC traffic decodes cleanly: no DHCP or failover message carries an issue."""
    return [f"frame {r['frame']} {r['record']}: {r['issues']}" for r in run.records
            if r["record"] in ("dhcp", "failover") and r.get("issues")]


def check_releases(run: LabRun) -> list[str]:
    """Each `dhclient -r` is a decoded RELEASE to the lease's server. To a dead server it also
    comes back quoted in an ICMP port unreachable from that server's address; to a live one, not."""
    problems = []
    for step in run.steps("dhclient -r"):
        sent = [r for r in run.of_kind("dhcp") if r["msg_type"] == "RELEASE"
                and r["chaddr"] == step["mac"] and r["dst"] == step["release_to"]]
        quoted = [r["via_icmp"] for r in sent if r["via_icmp"]]
        unreachable = {"type": 3, "code": 3, "from": step["release_to"]}
        wanted = [] if step["server_alive"] else [unreachable]
        if not any(r["via_icmp"] is None for r in sent) or quoted != wanted:
            problems.append(f"{step['step']} to {step['release_to']} (server alive: "
                            f"{step['server_alive']}): {len(sent) - len(quoted)} RELEASE sent, "
                            f"ICMP quotes {quoted}")
    return problems


GENERAL = [check_dhclient_acks, check_dhcpd_acks, check_state_moves, check_no_decode_issues,
           check_releases]
