"""The named lab scenarios. Each takes a Rig, drives the real programs through the story it is
named for, and records every step; the capture runs from before the pair starts until the end.

Client MACs are 02:da:<scenario>:00:00:<n> (locally administered, recognisable in any capture).
"""
from __future__ import annotations

import glob
import signal
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


def bind_all(rig: Rig, timeout: float = 40) -> dict[str, int]:
    """Start every client's dhclient at once and wait until each is bound; their log marks."""
    marks = {name: rig.start_client(name) for name in rig.clients}
    for name, mark in marks.items():
        rig.wait_bound(name, mark, timeout=timeout)
    return marks


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
    bind_all(rig)
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


def resync(rig: Rig, fresh: bool) -> None:
    """A pair's very first start (always fresh: empty lease files): each enters RECOVER, asks for
    everything (UPDREQALL) and the other answers with one BNDUPD per address of the pool, each
    BNDACKed, then UPDDONE; both reach NORMAL. The heaviest failover load a real pair makes."""
    rig.build()
    start_pair_normal(rig, fresh=True)
    finish(rig, lease_tag="after-resync")


SMALL_SKEW_SECONDS = 50                 # under ISC's 60 s connect check: the pair still connects
RENEW_LEASE_SECONDS = 20                # dhclient renews at half of it (T1)
RENEWALS = 3


def silent(rig: Rig, fresh: bool) -> None:
    """The primary is in NORMAL but ignores two clients the split assigns to it (`ignore
    booting` in its host declarations only): the secondary logs `load balance to peer` for each
    DISCOVER until the client's secs exceeds `load balance max seconds` (3), then answers."""
    rig.build()
    for n, mac in enumerate(macs_for_server(6, "primary", 2), 1):
        rig.add_client(f"c{n}", mac)
    rig.extra_conf["primary"] = "\n\n".join(configs.ignored_host(name, port.mac)
                                             for name, port in rig.clients.items())
    start_pair_normal(rig, fresh)
    bind_all(rig)
    finish(rig, lease_tag="after-dora")


def smallskew(rig: Rig, fresh: bool) -> None:
    """The secondary's clock 50 s ahead (libfaketime): within ISC's 60 s, so the pair connects
    and reaches NORMAL; a client is served as usual."""
    rig.build()
    rig.add_client("c1", client_mac(7, 1))
    rig.write_server_files()
    if not fresh:
        rig.prime()
    rig.start_capture()
    marks = rig.start_pair(secondary_env=faketime_env(f"+{SMALL_SKEW_SECONDS}s"))
    rig.record["skew"] = {"server": "secondary", "offset_s": SMALL_SKEW_SECONDS}
    rig.wait_normal(marks)
    dora(rig, "c1")
    finish(rig, lease_tag="after-dora")


def renew(rig: Rig, fresh: bool) -> None:
    """Short leases (20 s): two clients, one per server, renew every ~10 s (unicast REQUEST to
    the server, ACK, and that server's BNDUPD to its partner) a few times each."""
    rig.lease_time = RENEW_LEASE_SECONDS
    rig.build()
    for n, mac in enumerate(macs_for_both_servers(8, 2), 1):
        rig.add_client(f"c{n}", mac)
    start_pair_normal(rig, fresh)
    marks = bind_all(rig, timeout=30)
    for name, mark in marks.items():                # dhclient logs each renewal's ACK
        log = rig.client_log(name)
        wait_for_log(log, "(?s)" + "DHCPACK.*" * (RENEWALS + 1), RENEW_LEASE_SECONDS * (RENEWALS + 2),
                     after=mark)
        rig.step(f"{name} renewed", renewals=RENEWALS)
    finish(rig, lease_tag="after-renewals")


def gone(rig: Rig, fresh: bool) -> None:
    """The secondary is frozen (SIGSTOP) while the pair is in NORMAL, so its TCP connection stays
    open but it says nothing: the primary serves a client and sends the BNDUPD, which is never
    acknowledged, until it gives up on the silent partner after max-response-delay (10 s)."""
    rig.build()
    rig.add_client("c1", macs_for_server(9, "primary", 1)[0])
    start_pair_normal(rig, fresh)
    mark = rig.log_mark("primary")
    rig.daemons.signal("dhcpd-secondary", signal.SIGSTOP)
    rig.step("secondary frozen (SIGSTOP)")
    dora(rig, "c1")
    rig.wait_state("primary", "communications-interrupted", mark, timeout=40)
    time.sleep(1)
    rig.daemons.signal("dhcpd-secondary", signal.SIGCONT)
    rig.step("secondary thawed (SIGCONT)")
    time.sleep(0.5)
    rig.stop_server("primary")
    rig.stop_server("secondary")
    rig.stop_capture()


def macs_for_server(scenario: int, role: str, count: int) -> list[str]:
    """The first `count` client MACs whose hash bucket belongs to `role`."""
    found, n = [], 0
    while len(found) < count:
        n += 1
        mac = client_mac(scenario, n)
        if hashing.designated_server(mac) == role:
            found.append(mac)
    return found


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
             "resync": resync, "silent": silent, "smallskew": smallskew, "renew": renew,
             "gone": gone, "misconfig": misconfig}
