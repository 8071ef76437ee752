"""The lab network: network namespaces joined by veth pairs to bridges captured like hub ports.

Everything lives in namespaces named `<prefix><role>` (prefix `dha-<pid>-`), so parallel runs never
clash and `--cleanup` can find leftovers. Nothing is configured in the root namespace: the bridges
sit in their own `hub` namespace, and no namespace gets a default route, so no frame can leave.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

NS_FAMILY = "dha-"      # every namespace this lab ever creates starts with this


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one command and return it; a failing setup step stops the run with its stderr."""
    done = subprocess.run(argv, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
    return done


def in_ns(ns: str, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one command inside a namespace."""
    return sh("ip", "netns", "exec", ns, *argv, check=check)


@dataclass
class Port:
    """One host on a segment: its namespace, interface, MAC and (static) address."""

    ns: str
    ifname: str
    mac: str
    address: str | None     # "192.168.100.2/24"; None for DHCP clients
    outer: str = ""         # hub-side veth end: `ip link set <outer> down` cuts the host off


@dataclass
class Network:
    """Namespaces, bridges and ports of one lab run; `teardown()` removes all of them."""

    prefix: str
    bridges: list[str] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    ports: dict[str, Port] = field(default_factory=dict)
    _veth_count: int = 0

    @property
    def hub(self) -> str:
        return self.prefix + "hub"

    def create_hub(self) -> None:
        """The namespace that holds the bridges (and the capture)."""
        self.add_namespace(self.hub)

    def add_namespace(self, ns: str) -> str:
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        in_ns(ns, "ip", "link", "set", "lo", "up")
        return ns

    def add_bridge(self, name: str) -> None:
        """A switch whose own port is the capture point. tcpdump puts the bridge device in
        promiscuous mode, and a promiscuous bridge gets a copy of every frame it forwards, unicast
        between two other hosts included, so nothing escapes the capture. The bridge still learns
        MACs: with ageing 0 (a true hub) every namespace's packet socket would receive its
        neighbours' unicast too, because a veth, unlike a NIC, does no MAC filtering, and dhcpd
        (which reads through such a socket) then answers RELEASEs addressed to its partner."""
        in_ns(self.hub, "ip", "link", "add", name, "type", "bridge",
              "stp_state", "0", "forward_delay", "0")
        in_ns(self.hub, "ip", "link", "set", name, "up")
        # IPv6 would add router/neighbour solicitations to the capture: the lab is IPv4 only.
        in_ns(self.hub, "sysctl", "-qw", f"net.ipv6.conf.{name}.disable_ipv6=1")
        self.bridges.append(name)

    def attach(self, role: str, bridge: str, ifname: str, mac: str,
               address: str | None = None, new_ns: bool = True) -> Port:
        """Plug a host (`role`) into `bridge` with a veth pair; the host end is `ifname`."""
        ns = self.prefix + role
        if new_ns:
            self.add_namespace(ns)
            in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        self._veth_count += 1
        outer, inner = f"v{self._veth_count}h", f"v{self._veth_count}x"
        in_ns(self.hub, "ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
        in_ns(self.hub, "ip", "link", "set", inner, "netns", ns)
        in_ns(self.hub, "ip", "link", "set", outer, "master", bridge, "up")
        in_ns(ns, "ip", "link", "set", inner, "name", ifname)
        in_ns(ns, "ip", "link", "set", ifname, "address", mac, "up")
        if address:
            in_ns(ns, "ip", "addr", "add", address, "dev", ifname)
        port = Port(ns, ifname, mac, address, outer)
        self.ports[f"{role}/{ifname}"] = port
        return port

    def set_link(self, port: Port, up: bool) -> None:
        """Cut or restore a host's cable at the bridge (the host keeps its interface up)."""
        in_ns(self.hub, "ip", "link", "set", port.outer, "up" if up else "down")

    def route(self, port: Port, prefix: str, via: str) -> None:
        """A route inside one namespace only (servers reach a relayed segment through the relay)."""
        in_ns(port.ns, "ip", "route", "add", prefix, "via", via)

    def teardown(self) -> None:
        """Kill whatever still runs in our namespaces, then delete them (veths and bridges go too)."""
        for ns in reversed(self.namespaces):
            remove_namespace(ns)
        self.namespaces.clear()


def namespace_pids(ns: str) -> list[int]:
    done = sh("ip", "netns", "pids", ns, check=False)
    return [int(p) for p in done.stdout.split() if p.isdigit()]


def remove_namespace(ns: str) -> None:
    """Stop the processes inside `ns` (they were started by a lab run) and delete it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = namespace_pids(ns)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGCONT)    # a SIGSTOPped daemon cannot act on SIGTERM
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if pids:
            time.sleep(0.3)
    sh("ip", "netns", "del", ns, check=False)


def lab_namespaces(prefix: str = NS_FAMILY) -> list[str]:
    """Lab namespaces that exist now, of running and of ended runs."""
    done = sh("ip", "netns", "list", check=False)
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    return [n for n in names if n.startswith(prefix)]


def run_is_alive(ns: str) -> bool:
    """Whether the lab run that made `ns` (pid in its name, dha-<pid>-role) still runs: its
    namespaces are in use, not leftovers."""
    match = re.match(rf"{NS_FAMILY}(\d+)-", ns)
    try:
        cmdline = Path(f"/proc/{match.group(1)}/cmdline").read_bytes() if match else b""
    except OSError:
        return False
    return b"lab.py" in cmdline


def leftover_namespaces() -> list[str]:
    """Lab namespaces whose run has ended (interrupted hard, killed): safe to remove."""
    return [ns for ns in lab_namespaces() if not run_is_alive(ns)]


def run_prefix() -> str:
    return f"{NS_FAMILY}{os.getpid()}-"
