"""Checks that belong to one lab scenario: the story each one tells, as the decoded capture must
show it. Expected values come from the run's own record (scenario.json) and logs, never from
constants about a particular run."""
from __future__ import annotations

from .checks import acks
from .labrun import LabRun, hex_ip, option_raw

ACTIVE = "02"           # binding-status ACTIVE (failover-wire.md §4.2)
TIME_MISMATCH = "04"    # reject-reason 4 (failover-wire.md §4.3)


def step_time(run: LabRun, name: str, nth: int = 0) -> float:
    return run.steps(name)[nth]["t"]


def failover(run: LabRun, type_name: str, src: str | None = None) -> list[dict]:
    return [r for r in run.of_kind("failover")
            if r["type_name"] == type_name and (src is None or r["src"] == src)]


def servers(run: LabRun) -> dict[str, str]:
    """server-identifier raw hex -> role."""
    return {hex_ip(run.server_ip(role)): role for role in ("primary", "secondary")}


def replicated(run: LabRun, ack: dict) -> str | None:
    """A problem if the ACKing server did not send a BNDUPD (ACTIVE, that address) after the ACK,
    or the partner did not answer it with a BNDACK of the same xid."""
    sender = run.server_ip(servers(run)[option_raw(ack, 54)])
    upd = next((u for u in failover(run, "BNDUPD", sender) if u["frame"] > ack["frame"]
                and option_raw(u, 2) == hex_ip(ack["yiaddr"]) and option_raw(u, 3) == ACTIVE), None)
    if upd is None:
        return f"ACK of {ack['yiaddr']} to {ack['chaddr']} (frame {ack['frame']}): no BNDUPD follows"
    if not any(a["xid"] == upd["xid"] and a["dst"] == sender for a in failover(run, "BNDACK")):
        return f"BNDUPD xid {upd['xid']} for {ack['yiaddr']} (frame {upd['frame']}): no BNDACK"
    return None


def same_connection(request: dict, reply: dict) -> bool:
    """The reply travels the request's TCP connection the other way."""
    return ((request["src"], request["sport"], request["dst"], request["dport"])
            == (reply["dst"], reply["dport"], reply["src"], reply["sport"]))


def check_seed_story(run: LabRun) -> list[str]:
    """c1 is served first by the primary, then by the secondary, then by the primary, as its
    dhclient saw it; the first lease is replicated (BNDUPD, BNDACK) while both are up."""
    client = run.scenario_json["clients"]["c1"]["mac"]
    by_ack = [servers(run).get(option_raw(a, 54)) for a in acks(run) if a["chaddr"] == client]
    by_ack = [s for i, s in enumerate(by_ack) if i == 0 or by_ack[i - 1] != s]
    ip_role = {run.server_ip(r): r for r in ("primary", "secondary")}
    by_log = [ip_role[s["server"]] for s in run.steps("c1 bound")]
    problems = [] if by_ack == by_log else [f"ACKs to c1 came from {by_ack}, dhclient saw {by_log}"]
    if set(by_ack) != {"primary", "secondary"}:
        problems.append(f"DORA from both servers expected, ACKs from {set(by_ack)}")
    first = [a for a in acks(run) if a["ts"] < step_time(run, "stop primary")]
    problems += [p for p in map(lambda a: replicated(run, a), first[:1]) if p]
    return problems


def check_skew_rejected(run: LabRun) -> list[str]:
    """Each CONNECT the skewed secondary refused is a CONNECTACK with reject-reason 4, as many as
    it logged; its header clock runs ahead of the primary's CONNECT by the configured skew."""
    secondary = run.server_ip("secondary")
    rejects = [r for r in failover(run, "CONNECTACK", secondary) if option_raw(r, 21) == TIME_MISMATCH]
    logged = run.log("dhcpd-secondary.log").count("Failover CONNECT from FAILOVER: time offset too large")
    problems = [] if rejects and len(rejects) == logged else [
        f"{len(rejects)} CONNECTACK with reject-reason 4 decoded, secondary logged {logged} rejects"]
    offset = run.scenario_json["skew"]["offset_s"]
    for rej in rejects:
        # the CONNECT answered is the last one on that connection before the reject
        connect = next((c for c in reversed(failover(run, "CONNECT"))
                        if same_connection(c, rej) and c["frame"] < rej["frame"]), None)
        # each header clock against the capture's clock (ISC stamps its event-loop second), so a
        # slow reply on a busy machine is not taken for skew
        skew = round((rej["time"] - rej["ts"]) - (connect["time"] - connect["ts"]), 1) if connect else None
        if skew is None or abs(skew - offset) > 2:
            problems.append(f"CONNECTACK frame {rej['frame']}: clock {skew} s ahead, expected {offset}")
    if not any(r["msg_type"] == "DISCOVER" for r in run.of_kind("dhcp")):
        problems.append("no DISCOVER from the client decoded")
    return problems


def check_relay_agent(run: LabRun) -> list[str]:
    """dhcrelay forwards every client request by unicast to both servers with giaddr = its
    client-side address, hops 1 and option 82 (circuit-id = its client-side interface); the
    servers' replies to the relay echo option 82."""
    hosts = run.scenario_json["hosts"]
    upstream, giaddr = (hosts[k]["address"].split("/")[0] for k in ("relay/eth0", "relay/eth1"))
    circuit = hosts["relay/eth1"]["ifname"].encode()
    agent = (bytes([1, len(circuit)]) + circuit).hex()
    both = {run.server_ip("primary"), run.server_ip("secondary")}
    relayed = [r for r in run.of_kind("dhcp") if r["src"] == upstream and r["op"] == 1]
    problems = [f"frame {r['frame']}: giaddr {r['giaddr']} hops {r['hops']} option 82 "
                f"{option_raw(r, 82)}" for r in relayed
                if (r["giaddr"], r["hops"], option_raw(r, 82)) != (giaddr, 1, agent)]
    for xid, kind in {(r["xid"], r["msg_type"]) for r in relayed}:
        dests = {r["dst"] for r in relayed if (r["xid"], r["msg_type"]) == (xid, kind)}
        if dests != both:
            problems.append(f"{kind} xid {xid:#x} relayed to {sorted(dests)}, not to both servers")
    replies = [r for r in run.of_kind("dhcp") if r["dst"] == giaddr and r["op"] == 2]
    problems += [f"frame {r['frame']}: reply to the relay without option 82 echo"
                 for r in replies if option_raw(r, 82) != agent]
    if not relayed or not replies:
        problems.append(f"{len(relayed)} relayed requests, {len(replies)} replies to the relay")
    return problems + [p for p in (replicated(run, a) for a in acks(run) if a["dst"] == giaddr) if p]


def check_load_balance(run: LabRun) -> list[str]:
    """Every DISCOVER (secs <= load balance max seconds) is answered only by the server owning
    the client's hash bucket, and both servers own some of the clients; every lease replicates."""
    clients = run.scenario_json["clients"]
    ip_of = {role: hex_ip(run.server_ip(role)) for role in ("primary", "secondary")}
    problems = [f"DISCOVER frame {r['frame']} secs {r['secs']} > 3" for r in run.of_kind("dhcp")
                if r["msg_type"] == "DISCOVER" and r["secs"] > 3]
    for name, client in clients.items():
        offered = {option_raw(r, 54) for r in run.of_kind("dhcp")
                   if r["msg_type"] == "OFFER" and r["chaddr"] == client["mac"]}
        if offered != {ip_of[client["designated"]]}:
            problems.append(f"{name} (bucket {client['bucket']}, {client['designated']}): "
                            f"OFFERs from {sorted(servers(run).get(o, o) for o in offered)}")
    if {c["designated"] for c in clients.values()} != {"primary", "secondary"}:
        problems.append("the clients' MACs do not hash to both servers")
    return problems + [p for p in (replicated(run, a) for a in acks(run)) if p]


def check_interrupt_story(run: LabRun) -> list[str]:
    """While the secondary's link is down, c2 (the secondary's bucket) is served by the primary;
    after the link returns both servers announce COMMUNICATIONS-INTERRUPTED, then NORMAL, and
    the lease granted meanwhile is replicated."""
    down, up = step_time(run, "secondary link down"), step_time(run, "secondary link up")
    c2 = run.scenario_json["clients"]["c2"]
    problems = [] if c2["designated"] == "secondary" else ["c2 does not hash to the secondary"]
    during = [a for a in acks(run) if a["chaddr"] == c2["mac"] and down < a["ts"] < up]
    if [servers(run).get(option_raw(a, 54)) for a in during] != ["primary"]:
        problems.append(f"c2 during the partition: ACKs {[option_raw(a, 54) for a in during]}")
    for role in ("primary", "secondary"):
        after = [int(option_raw(r, 24), 16) for r in failover(run, "STATE", run.server_ip(role))
                 if r["ts"] > up]
        if 3 not in after or 2 not in after[after.index(3):]:
            problems.append(f"{role}: STATE server-states after the link returned: {after}")
    return problems + [p for p in (replicated(run, a) for a in during) if p]


BY_SCENARIO = {
    "seed": [check_seed_story],
    "skew": [check_skew_rejected],
    "relay": [check_relay_agent],
    "many": [check_load_balance],
    "interrupt": [check_interrupt_story],
}
