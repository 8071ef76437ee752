"""One lab run: the seed's network, the two failover servers, clients, the capture, and the record of
every step (scenario.json). Scenarios are written against this class."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import capture
import configs
from clients import ClientSteps
from daemons import Daemons, log_size, wait_for_log
from topology import Network, Port

SERVERS = {"primary": (configs.PRIMARY_IP, "02:da:00:00:00:02"),
           "secondary": (configs.SECONDARY_IP, "02:da:00:00:00:03")}
STATE_TIMEOUT = 45      # fresh pair: recover + full update takes a few seconds, startup up to 15


class Rig(ClientSteps):
    """Network, programs and timeline of one run; `close()` stops and removes all of it."""

    def __init__(self, out: Path, prefix: str, scenario: str, argv: list[str]) -> None:
        self.out, self.net, self.daemons = out, Network(prefix), Daemons()
        self.bridges: list[str] = []
        self.subnets: tuple[configs.Subnet, ...] = (configs.SEED_SUBNET,)
        self.lease_time = 600                       # default-lease-time of both servers
        self.extra_conf: dict[str, str] = {}        # role -> statements only that server has
        self.clients: dict[str, Port] = {}
        self.monitor: list[str] = []                    # --monitor: a live analyzer on the hub port
        self.monitor_proc: subprocess.Popen | None = None
        self.record = {"scenario": scenario, "command": " ".join(argv), "prefix": prefix,
                       "started": time.time(), "hosts": {}, "clients": {}, "steps": []}

    # -- record -------------------------------------------------------------------------------
    def step(self, name: str, **detail: object) -> None:
        """Note what was just done, with the wall-clock time (the capture's clock)."""
        entry = {"t": round(time.time(), 6), "step": name, **detail}
        self.record["steps"].append(entry)
        print(f"[{entry['t'] - self.record['started']:6.1f}s] {name}"
              + "".join(f" {k}={v}" for k, v in detail.items()), flush=True)

    def save_record(self) -> None:
        self.record["finished"] = time.time()
        self.record["duration_s"] = round(self.record["finished"] - self.record["started"], 1)
        self.record["files"] = sorted(p.name for p in self.out.iterdir() if p.is_file())
        (self.out / "scenario.json").write_text(json.dumps(self.record, indent=2) + "\n")

    # -- network ------------------------------------------------------------------------------
    def build(self, bridges: tuple[str, ...] = ("br0",)) -> None:
        """Hub namespace, bridges, and the two servers on br0 (the seed's 192.168.100.0/24)."""
        self.net.create_hub()
        for bridge in bridges:
            self.net.add_bridge(bridge)
            self.bridges.append(bridge)
        for role, (ip, mac) in SERVERS.items():
            self.host(role, "br0", mac, f"{ip}/24")
        (self.out / "dhclient-script").write_text(configs.DHCLIENT_SCRIPT)
        (self.out / "dhclient-script").chmod(0o755)

    def host(self, role: str, bridge: str, mac: str, address: str | None,
             ifname: str = "eth0", new_ns: bool = True) -> Port:
        port = self.net.attach(role, bridge, ifname, mac, address, new_ns)
        self.record["hosts"][f"{role}/{ifname}"] = {
            "ns": port.ns, "ifname": ifname, "mac": mac, "address": address, "bridge": bridge}
        return port

    def port(self, role: str) -> Port:
        return self.net.ports[f"{role}/eth0"]

    # -- servers ------------------------------------------------------------------------------
    def write_server_files(self) -> None:
        for role in SERVERS:
            conf = configs.dhcpd_conf(role == "primary", self.subnets, self.lease_time,
                                      self.extra_conf.get(role, ""))
            (self.out / f"dhcpd-{role}.conf").write_text(conf)
            (self.out / f"dhcpd-{role}.leases").touch()

    def start_server(self, role: str, log_tag: str = "", env: dict[str, str] | None = None) -> int:
        """Real `dhcpd -4 -f -d` on the server's interface; returns where its log stood.
        `env` reaches dhcpd itself (e.g. libfaketime's LD_PRELOAD and FAKETIME)."""
        log = self.out / f"dhcpd-{role}{log_tag}.log"
        mark = log_size(log)
        argv = ["dhcpd", "-4", "-f", "-d", "-cf", str(self.out / f"dhcpd-{role}.conf"),
                "-lf", str(self.out / f"dhcpd-{role}.leases"),
                "-pf", str(self.out / f"dhcpd-{role}.pid"), "eth0"]
        self.daemons.start(f"dhcpd-{role}", self.port(role).ns, argv, log, env)
        wait_for_log(log, r"^Server starting service\.", 15, after=mark)
        self.step(f"start {role}", log=log.name, env=env or None)
        return mark

    def stop_server(self, role: str) -> None:
        status = self.daemons.stop(f"dhcpd-{role}")
        self.step(f"stop {role} (SIGTERM)", exit_status=status)

    def log_mark(self, role: str, log_tag: str = "") -> int:
        """Where a server's log ends now, to wait for what it logs next."""
        return log_size(self.out / f"dhcpd-{role}{log_tag}.log")

    def wait_state(self, role: str, state: str, after: int, log_tag: str = "",
                   timeout: float = STATE_TIMEOUT) -> str:
        """Wait for dhcpd's own `I move from A to <state>` line (state is a regex); returns it."""
        log = self.out / f"dhcpd-{role}{log_tag}.log"
        line = wait_for_log(log, rf"failover peer {configs.PEER}: I move from \S+ to {state}$",
                            timeout, after).group(0)
        self.step(f"{role} {state}", log_line=line)
        return line

    def start_pair(self, log_tag: str = "", secondary_env: dict[str, str] | None = None
                   ) -> dict[str, int]:
        """Both servers at once, as after a reboot of the pair; returns their log marks."""
        return {"secondary": self.start_server("secondary", log_tag, secondary_env),
                "primary": self.start_server("primary", log_tag)}

    def wait_normal(self, marks: dict[str, int], log_tag: str = "") -> None:
        for role, mark in marks.items():
            self.wait_state(role, "normal", mark, log_tag)

    def prime(self) -> None:
        """Run the pair once, uncaptured, until both are NORMAL, then stop it: the captured run then
        starts from lease files with balanced pools, like servers that have been in service. (A
        fresh pair first sends every one of its 150 leases to the other: hundreds of BNDUPDs.)"""
        marks = self.start_pair("-prime")
        self.wait_normal(marks, "-prime")
        time.sleep(1)       # let the pool-balancing BNDUPDs be acked and written
        for role in ("primary", "secondary"):
            self.stop_server(role)
        self.step("primed", logs=["dhcpd-primary-prime.log", "dhcpd-secondary-prime.log"])

    def wait_lease(self, role: str, mac: str, timeout: float = 10) -> None:
        """Wait until the server's lease file holds a lease for this client."""
        wait_for_log(self.out / f"dhcpd-{role}.leases", rf"hardware ethernet {mac};", timeout)

    def lease_list(self, role: str, tag: str) -> str:
        """What `dhcp-lease-list` (isc-dhcp-server's own tool) shows for this server's lease file."""
        done = subprocess.run(["dhcp-lease-list", "--lease", str(self.out / f"dhcpd-{role}.leases")],
                              capture_output=True, text=True)
        name = f"lease-list-{role}-{tag}.txt"
        (self.out / name).write_text(done.stdout + done.stderr)
        self.step(f"dhcp-lease-list {role}", file=name)
        return done.stdout

    def start_relay(self, servers: list[str]) -> None:
        """Real `dhcrelay -d` in the relay namespace: clients on eth1 (downstream), servers reached
        by unicast through eth0 (upstream); `-a` adds option 82 (agent circuit id = interface)."""
        log = self.out / "dhcrelay.log"
        mark = log_size(log)
        self.daemons.start("dhcrelay", self.net.prefix + "relay",
                           ["dhcrelay", "-4", "-d", "-a", "-pf", str(self.out / "dhcrelay.pid"),
                            "-id", "eth1", "-iu", "eth0", *servers], log)
        wait_for_log(log, r"^Sending on\s+Socket/fallback", 10, after=mark)
        self.step("start dhcrelay", servers=servers, log=log.name)

    # -- capture ------------------------------------------------------------------------------
    def start_capture(self) -> None:
        for bridge in self.bridges:
            capture.start(self.daemons, self.net.hub, bridge, self.out)
        self.step("capture started", bridges=self.bridges)
        if self.monitor:
            self.monitor_proc = capture.start_monitor(self.monitor, self.net.hub, self.bridges[0], self.out)
            self.step("monitor started", command=" ".join(self.monitor))

    def stop_capture(self) -> None:
        if self.monitor_proc is not None:
            status, self.monitor_proc = capture.stop_monitor(self.monitor_proc), None
            self.step("monitor stopped (SIGINT)", exit_status=status)
        path = capture.stop(self.daemons, self.bridges, self.out)
        self.step("capture stopped", file=path.name, bytes=path.stat().st_size)

    def close(self) -> None:
        """Stop every program (in reverse start order), then remove namespaces, veths, bridges.
        A capture still running (a failed or interrupted run) is closed into capture.pcap first."""
        if any(self.daemons.is_running(f"tcpdump-{b}") for b in self.bridges) or self.monitor_proc:
            self.stop_capture()
        self.daemons.stop_all()
        self.net.teardown()
