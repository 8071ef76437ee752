"""The capture against the servers' dhcpd.conf (`report --config`): what the CONNECT carried and
which addresses were handed out, compared with what the files configure.

The primary sends MCLT, the hash bucket assignment (split/hba) and the relationship name in its
CONNECT; each side sends its max-unacked-updates and receive timer (= max-response-delay) in its
CONNECT or CONNECTACK (failover-wire.md §5). A difference means the file is not what the server
runs, or the wrong file was given.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from dhcpanalyze.iscfiles import leasecheck
from dhcpanalyze.iscfiles.conf import Config, FailoverPeer
from dhcpanalyze.iscfiles.findings import finding
from dhcpanalyze.iscfiles.leases import LeaseFile
from dhcpanalyze.iscfiles.lint import effective, lint
from dhcpanalyze.iscfiles.wire import WireView, config_servers, lease_servers
from dhcpanalyze.reports.events import FINDING, Event

# Per-server values on the wire (relationship dict key, keyed by server) -> config field.
MAX_PER_SUBJECT = 20        # findings of one code about one server before they are counted

PER_SERVER = {"max_unacked": ("max_unacked_updates", "max-unacked-updates"),
              "receive_timer": ("max_response_delay", "max-response-delay")}


def settings_from_config(configs: list[Config]) -> dict:
    """Engine settings the files give: load balance max seconds (the primary's, as dhcpd applies)."""
    peers = sorted((c.peer() for c in configs if c.peer()), key=lambda p: p.role != "primary")
    return {"lb_max_secs": effective(peers[0], "load_balance_max_seconds")} if peers else {}


def failover_ports(configs: list[Config]) -> list[int]:
    """Ports other than 647 the files use (old configs: 519/520), to decode as failover."""
    ports = {effective(c.peer(), f) for c in configs if c.peer() for f in ("port", "peer_port")}
    return sorted(p for p in ports if isinstance(p, int) and p != 647)


class CrossCheck:
    """Watches the report's events and adds the findings of the files and of the comparison."""

    def __init__(self, configs: list[Config], leases: list[LeaseFile]) -> None:
        self.configs, self.leases = configs, leases
        self.wire = WireView()

    def watch(self, events: Iterable[Event]) -> Iterator[Event]:
        for kind, obj in events:
            self.wire.take(kind, obj)
            yield kind, obj
        for f in bounded(self.findings()):
            yield FINDING, f

    def findings(self) -> Iterator[dict]:
        yield from lint(self.configs)
        for leases in self.leases:
            yield from leasecheck.file_problems(leases)
        servers = config_servers(self.configs, self.wire)
        for rel in self.wire.relationships:
            yield from check_relationship(rel, servers)
        yield from check_pools(self.wire, servers)
        if self.leases:
            by_server = lease_servers(self.leases, self.wire, servers)
            yield from leasecheck.check(self.wire, by_server, self.leases)


def bounded(findings: Iterable[dict], most: int = MAX_PER_SUBJECT) -> Iterator[dict]:
    """At most `most` findings per (code, server); then one that counts the rest (a file that is
    another server's would otherwise give one finding per lease)."""
    seen: dict[tuple, int] = {}
    firsts: dict[tuple, dict] = {}
    for f in findings:
        key = (f["code"], f.get("server"))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= most:
            firsts.setdefault(key, f)
            yield f
    for key, count in seen.items():
        if count > most:
            first = firsts[key]
            yield {**first, "message": f"{count - most} more like: {first['message']}",
                   "count": count - most, "ts": None, "frames": []}


def check_relationship(rel: dict, servers: dict[str, Config]) -> Iterator[dict]:
    name = rel.get("relationship")
    mine = {ip: (c, c.peers.get(name) or c.peer()) for ip, c in servers.items()
            if ip in (rel.get("peers") or [])}
    for config, peer in mine.values():
        if name and peer.name != name:
            yield finding("config.wire-name", f"relationship {name!r} on the wire, "
                          f"{peer.name!r} in {config.path}",
                          f'name the peer "{name}" on both servers, or check which file is loaded',
                          peer.where, relationship=name)
    for role in ("primary", "secondary"):
        config, peer = mine.get(rel.get(role), (None, None))
        if peer is not None and peer.role is not None and peer.role != role:
            yield finding("config.wire-mismatch", f"{rel[role]} is the {role} on the wire; "
                          f"{config.path} makes it {peer.role}",
                          "check which file each server runs", peer.seen.get("role", peer.where),
                          relationship=name, server=rel[role])
    yield from _listening_ports(rel, mine)
    if rel.get("primary") in mine:
        yield from _primary_values(rel, *mine[rel["primary"]])
    for key, (field, statement) in PER_SERVER.items():
        for ip, value in (rel.get(key) or {}).items():
            if ip in mine:
                yield from _compare(rel, *mine[ip], field, statement, value, ip)


def _listening_ports(rel: dict, mine: dict) -> Iterator[dict]:
    """The server end of each failover connection listens on that server's `port`. A session
    picked up without its SYN (after a FIN, or from mid-stream) has no known client and so no
    known server end: the initiator's ephemeral port is not a `port` statement."""
    seen: set[tuple[str, int]] = set()
    for session in rel.get("sessions") or []:
        if not session.get("client"):
            continue
        for endpoint in session.get("endpoints") or []:
            ip, _, port = str(endpoint).rpartition(":")
            if ip != session.get("client") and ip in mine and port.isdigit():
                seen.add((ip, int(port)))
    for ip, port in sorted(seen):
        config, peer = mine[ip]
        expected = effective(peer, "port")
        if expected != port:
            yield finding("config.wire-mismatch", f"{ip} accepted the failover connection on port "
                          f"{port}; {config.path} has port {expected}",
                          "check which file the server runs", peer.seen.get("port", peer.where),
                          relationship=rel.get("relationship"), server=ip)


def _primary_values(rel: dict, config: Config, peer: FailoverPeer) -> Iterator[dict]:
    yield from _compare(rel, config, peer, "mclt", "mclt", rel.get("mclt"), rel.get("primary"))
    wire_hba = rel.get("hba")
    if wire_hba and peer.hba is not None and wire_hba != peer.hba.hex():
        shown = f"split {peer.split}" if peer.split is not None else "hba"
        yield finding("config.wire-mismatch", f"the CONNECT's hash bucket assignment "
                      f"({_split_of(wire_hba)}) differs from {shown} in {config.path}",
                      "reload dhcpd with this file, or correct split/hba",
                      peer.seen.get("hba", peer.where), relationship=rel.get("relationship"),
                      server=rel.get("primary"))


def _compare(rel: dict, config: Config, peer: FailoverPeer, field: str, statement: str,
             wire: object, server: str | None) -> Iterator[dict]:
    value = effective(peer, field)
    if wire is None or value is None or wire == value:
        return
    yield finding("config.wire-mismatch", f"{server} sent {statement} {wire} on the wire; "
                  f"{config.path} has {value}" + ("" if getattr(peer, field) is not None
                                                 else " (dhcpd's default)"),
                  "reload dhcpd with this file, or write the value it runs with",
                  peer.seen.get(field, peer.where), relationship=rel.get("relationship"),
                  server=server)


def _split_of(hba_hex: str) -> str:
    """`split N` when the map is the first N buckets, else the map in hex."""
    data = bytes.fromhex(hba_hex)
    bits = "".join(f"{b:08b}"[::-1] for b in data)
    n = bits.find("0") if "0" in bits else len(bits)
    return f"split {n}" if "1" not in bits[n:] else f"hba {hba_hex}"


def check_pools(wire: WireView, servers: dict[str, Config]) -> Iterator[dict]:
    for (server, ip), ack in wire.served.items():
        config = servers.get(server)
        if config is None or not any(r.ranges for r in config.pools):
            continue
        if not any(r.contains(ip) for pool in config.pools for r in pool.ranges):
            yield finding("config.outside-pool", f"{server} ACKed {ip}, outside every range of "
                          f"{config.path}", "check the server's pools, fixed addresses and "
                          "which configuration it runs", config.pools[0].where, ts=ack.ts,
                          frames=[ack.frame] if ack.frame else [], server=server, ip=ip,
                          client=ack.mac)
