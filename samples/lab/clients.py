"""Lab clients: real `dhclient -4 -d -v` in their own namespaces, started, released and watched
through dhclient's own log lines."""
from __future__ import annotations

import re
from pathlib import Path

import configs
import hashing
from daemons import log_size, wait_for_log

ACK_LINE = re.compile(r"^DHCPACK of (\S+) from (\S+)", re.MULTILINE)
SERVER_ID_LINE = re.compile(r"option dhcp-server-identifier (\S+);")


class ClientSteps:
    """Client operations of a Rig (needs its out, daemons, host, step and record)."""

    out: Path

    def add_client(self, name: str, mac: str, bridge: str = "br0") -> None:
        """A namespace with one interface and no address until dhclient's script sets it."""
        self.clients[name] = self.host(name, bridge, mac, None)
        (self.out / f"dhclient-{name}.conf").write_text(configs.dhclient_conf(name))
        key = bytes.fromhex(mac.replace(":", ""))
        self.record["clients"][name] = {
            "mac": mac, "bridge": bridge, "bucket": hashing.bucket(key),
            "designated": hashing.designated_server(mac)}

    def dhclient_argv(self, name: str, *extra: str) -> list[str]:
        files = {flag: str(self.out / f"dhclient-{name}.{ext}")
                 for flag, ext in (("-lf", "leases"), ("-pf", "pid"), ("-cf", "conf"))}
        return ["dhclient", "-4", *extra, "-v", "-sf", str(self.out / "dhclient-script"),
                *(x for pair in files.items() for x in pair), "eth0"]

    def client_log(self, name: str) -> Path:
        return self.out / f"dhclient-{name}.log"

    def start_client(self, name: str) -> int:
        """`dhclient -d`: stays in the foreground, renews, and is stopped by `dhclient -r`."""
        mark = log_size(self.client_log(name))
        self.daemons.start(f"dhclient-{name}", self.clients[name].ns,
                           self.dhclient_argv(name, "-d"), self.client_log(name))
        self.step(f"dhclient {name}", mac=self.clients[name].mac)
        return mark

    def wait_bound(self, name: str, mark: int, timeout: float = 30) -> tuple[str, str]:
        """The address dhclient bound and the server it logged the ACK from."""
        log = self.client_log(name)
        wait_for_log(log, r"^bound to \S+", timeout, after=mark)
        text = log.read_bytes()[mark:].decode("utf-8", "replace")
        address, server = ACK_LINE.findall(text)[-1]
        self.step(f"{name} bound", address=address, server=server, mac=self.clients[name].mac)
        self.record["clients"][name]["last_ack"] = {"address": address, "server": server}
        return address, server

    def lease_server(self, name: str) -> str | None:
        """The server identifier of the client's newest lease: where dhclient -r sends the RELEASE."""
        text = (self.out / f"dhclient-{name}.leases").read_text()
        found = SERVER_ID_LINE.findall(text)
        return found[-1] if found else None

    def release_client(self, name: str) -> None:
        """`dhclient -r`: stops the running dhclient (via its pid file) and unicasts a RELEASE to
        the server that granted the lease. A dead server's host answers ICMP port unreachable."""
        to = self.lease_server(name)
        alive = any(self.daemons.is_running(f"dhcpd-{role}")
                    for role, ip in (("primary", configs.PRIMARY_IP),
                                     ("secondary", configs.SECONDARY_IP)) if ip == to)
        self.daemons.start(f"dhclient-r-{name}", self.clients[name].ns,
                           self.dhclient_argv(name, "-r"), self.client_log(name))
        self.daemons.wait_exit(f"dhclient-r-{name}", 15)
        self.daemons.wait_exit(f"dhclient-{name}", 10)
        self.step(f"dhclient -r {name}", release_to=to, server_alive=alive,
                  mac=self.clients[name].mac)

    def forget_lease(self, name: str) -> None:
        """Empty the client's lease file, so the next dhclient does a full DORA (not INIT-REBOOT)."""
        (self.out / f"dhclient-{name}.leases").write_text("")
