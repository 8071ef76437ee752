"""The named lab scenarios. Each takes a Rig, drives the real programs through the story it is
named for, and records every step; the capture runs from before the pair starts until the end.

Client MACs are 02:da:<scenario>:00:00:<n> (locally administered, recognisable in any capture).
"""
from __future__ import annotations

import signal
import time

import configs
from rig import Rig

LEAVES_STARTUP = r"(?!startup)\S+"     # dhcpd leaves STARTUP when the peer talks, or after 15 s


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


SCENARIOS = {"seed": seed}
