"""The named lab scenarios. Each takes a Rig, drives the real programs through the story it is
named for, and records every step; the capture runs from before the pair starts until the end.

Client MACs are 02:da:<scenario>:00:00:<n> (locally administered, recognisable in any capture).
"""
from __future__ import annotations

import glob
import time

import configs
import hashing
from daemons import LabError, wait_for_log
from misconfig import misconfig
from rig import Rig

LEAVES_STARTUP = r"(?!startup)\S+"     # dhcpd leaves STARTUP when the peer talks, or after 15 s
RELAY_UPSTREAM = "192.168.100.4"        # the relay's address on the servers' segment
RELAY_GIADDR = "192.168.101.1"          # its address on the clients' segment (giaddr)
MANY_CLIENTS = 40
INTERRUPT_SECONDS = 15                  # > max-response-delay 10


def client_mac(scenario: int, n: int) -> str:
    return f"02:da:{scenario:02x}:00:{n >> 8:02x}:{n & 0xff:02x}"


def start_pair_normal(rig: Rig, fresh: bool) -> dict[str, int]:
    """Prime (unless fresh), start capturing, start both servers and wait for NORMAL on both."""
    rig.write_server_files()
    if not fresh:
        rig.prime()
    rig.start_capture()
    marks = rig.start_pair()
    rig.wait_normal(marks)
    return marks


def finish(rig: Rig, lease_tag: str | None = None) -> None:
    """Wait for the last BNDACKs (the secondary batches them up to 2 s), list the leases, stop
    both servers while still capturing (their FINs end the failover connection), stop capturing."""
    time.sleep(2.5)
    if lease_tag:
        for role in ("primary", "secondary"):
            rig.lease_list(role, lease_tag)
    rig.stop_server("primary")
    rig.stop_server("secondary")
    rig.stop_capture()


def dora(rig: Rig, name: str, timeout: float = 30) -> tuple[str, str]:
    mark = rig.start_client(name)
    return rig.wait_bound(name, mark, timeout)


def seed(rig: Rig, fresh: bool) -> None:
    """The seed walk-through: DORA with both up; dhcp-lease-list on both; the primary stops and the
    secondary serves; the secondary stops, the primary starts, and the RELEASE to the dead
    secondary comes back as ICMP port unreachable before the primary serves the client."""
    rig.build()
    rig.add_client("c1", client_mac(1, 1))          # hashes to the primary (bucket 64 < split 128)
    start_pair_normal(rig, fresh)
    dora(rig, "c1")
    rig.wait_lease("secondary", rig.clients["c1"].mac)  # the primary's BNDUPD was committed
    time.sleep(2.5)         # the secondary batches BNDACKs for up to 2 s: let it reach the capture
    rig.lease_list("primary", "1-both-up")
    rig.lease_list("secondary", "1-both-up")

    mark = rig.log_mark("secondary")
    rig.stop_server("primary")
    rig.wait_state("secondary", "communications-interrupted", mark)
    rig.release_client("c1")    # to the primary: its host is up, dhcpd is not
    rig.forget_lease("c1")
    dora(rig, "c1")                                 # served by the secondary from its own pool
    time.sleep(0.5)
    rig.lease_list("secondary", "2-primary-down")

    rig.stop_server("secondary")
    mark = rig.start_server("primary")
    rig.wait_state("primary", LEAVES_STARTUP, mark)
    rig.release_client("c1")    # to the secondary: ICMP port unreachable
    rig.forget_lease("c1")
    dora(rig, "c1")                                 # served by the primary
    time.sleep(0.5)
    rig.lease_list("primary", "3-secondary-down")
    rig.stop_server("primary")
    rig.stop_capture()


def faketime_env(offset: str) -> dict[str, str]:
    """libfaketime preloaded into dhcpd itself (the `faketime` wrapper would fork, and signals
    would then reach the wrapper, not dhcpd)."""
    libs = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not libs:
        raise LabError("libfaketime.so.1 not found (package faketime)")
    return {"LD_PRELOAD": libs[0], "FAKETIME": offset}


def skew(rig: Rig, fresh: bool) -> None:
    """The secondary's clock 90 s ahead (libfaketime): every CONNECT is answered by a CONNECTACK
    with reject-reason 4, again every 5 s; the pair never reaches NORMAL. A client still sends its
    DISCOVERs and gets whatever the servers, each on its own, do with them."""
    rig.build()
    rig.add_client("c1", client_mac(2, 1))
    rig.write_server_files()
    if not fresh:
        rig.prime()                                 # clocks agreed while the pair was primed
    rig.start_capture()
    marks = rig.start_pair(secondary_env=faketime_env("+90s"))
    rig.record["skew"] = {"server": "secondary", "offset_s": 90}
    primary_log, seen = rig.out / "dhcpd-primary.log", marks["primary"]
    for n in (1, 2):                                # a first reject, and the retry 5 s later
        line = wait_for_log(primary_log, r"Failover CONNECT to \S+ rejected: .*", 15, after=seen)
        rig.step(f"connect rejected ({n})", log_line=line.group(0))
        seen += line.end()
    for role in ("primary", "secondary"):
        rig.wait_state(role, LEAVES_STARTUP, marks[role])
    mark = rig.start_client("c1")
    try:
        rig.wait_bound("c1", mark, timeout=12)
    except LabError as exc:                         # not an error: what the servers do is data
        rig.step("c1 not bound", reason=str(exc).splitlines()[0])
    time.sleep(1)                                   # a second server's OFFER, if any
    rig.stop_server("primary")
    rig.stop_server("secondary")
    rig.stop_capture()


def relay(rig: Rig, fresh: bool) -> None:
    """Clients on a second segment (192.168.101.0/24, bridge br1) behind dhcrelay with option 82;
    the relay forwards each request by unicast to both servers, the designated one answers."""
    rig.subnets = (configs.SEED_SUBNET, configs.RELAY_SUBNET)
    rig.build(bridges=("br0", "br1"))
    rig.host("relay", "br0", "02:da:00:00:00:04", f"{RELAY_UPSTREAM}/24")
    rig.host("relay", "br1", "02:da:00:00:01:01", f"{RELAY_GIADDR}/24", "eth1", new_ns=False)
    for role in ("primary", "secondary"):
        rig.net.route(rig.port(role), "192.168.101.0/24", RELAY_UPSTREAM)
    for n, mac in enumerate(macs_for_both_servers(3, 2), start=1):
        rig.add_client(f"c{n}", mac, bridge="br1")
    start_pair_normal(rig, fresh)
    rig.start_relay([configs.PRIMARY_IP, configs.SECONDARY_IP])
    for name in rig.clients:
        dora(rig, name)
    finish(rig, lease_tag="after-dora")


def many(rig: Rig, fresh: bool) -> None:
    """Dozens of clients with fresh MACs start together: each DISCOVER (secs 0) is answered only by
    the server owning the client's hash bucket, so both servers' buckets are exercised."""
    rig.build()
    for n in range(1, MANY_CLIENTS + 1):
        rig.add_client(f"c{n}", client_mac(4, n))
    start_pair_normal(rig, fresh)
    marks = {name: rig.start_client(name) for name in rig.clients}
    for name, mark in marks.items():
        rig.wait_bound(name, mark, timeout=40)
    finish(rig, lease_tag="after-dora")


def interrupt(rig: Rig, fresh: bool) -> None:
    """The secondary's cable is pulled for longer than max-response-delay: both servers time out
    and move to communications-interrupted; a client arriving meanwhile is served by the primary
    from its own pool; the cable comes back, the pair reconnects and returns to NORMAL."""
    rig.build()
    mine, partners = macs_for_both_servers(5, 2)
    rig.add_client("c1", mine)
    rig.add_client("c2", partners)                  # the secondary's bucket: normally not ours
    start_pair_normal(rig, fresh)
    dora(rig, "c1")
    time.sleep(2.5)
    marks = {role: rig.log_mark(role) for role in ("primary", "secondary")}
    rig.net.set_link(rig.port("secondary"), up=False)
    cut = time.time()
    rig.step("secondary link down", veth=rig.port("secondary").outer)
    for role in ("primary", "secondary"):
        rig.wait_state(role, "communications-interrupted", marks[role], timeout=30)
    dora(rig, "c2")
    time.sleep(max(0.0, INTERRUPT_SECONDS - (time.time() - cut)))
    marks = {role: rig.log_mark(role) for role in ("primary", "secondary")}
    rig.net.set_link(rig.port("secondary"), up=True)
    rig.step("secondary link up", down_s=round(time.time() - cut, 1))
    rig.wait_normal(marks)
    finish(rig)                                     # with the queued BNDUPD and its BNDACK


def macs_for_both_servers(scenario: int, count: int) -> list[str]:
    """The first `count` client MACs alternating between the primary's and the secondary's buckets."""
    wanted = ["primary", "secondary"] * count
    found, n = [], 0
    while len(found) < count:
        n += 1
        mac = client_mac(scenario, n)
        if hashing.designated_server(mac) == wanted[len(found)]:
            found.append(mac)
    return found


SCENARIOS = {"seed": seed, "skew": skew, "relay": relay, "many": many, "interrupt": interrupt,
             "misconfig": misconfig}
