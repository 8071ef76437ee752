"""The lease table rebuilt from the wire: what `dhcp-lease-list` would print on the servers.

Sources, latest wins per address: a DHCP ACK (starts = capture time, ends = + lease time), a
RELEASE or DECLINE from the client, and failover BNDUPDs (binding state, client, starts/ends in
the *sender's* clock, as ISC stores them - no skew correction, failover-wire.md §5.10). Pool
balancing BNDUPDs (FREE/BACKUP of never-used addresses) carry no client and are not listed.
`replicated`: True once the partner acknowledged a BNDUPD of the current binding, False while it
has not, None when the serving server is in no failover relationship.
"""
from __future__ import annotations

from dataclasses import dataclass

from .events import BindingUpdate


@dataclass(slots=True)
class Lease:
    """`to_dict()` is the `leases[]` object of the report contract."""

    ip: str
    mac: str | None = None
    client_id: str | None = None
    hostname: str | None = None
    starts: float | None = None
    ends: float | None = None
    server: str | None = None
    state: str = "active"
    replicated: bool | None = None
    source: str = "ack"          # what last set it: ack / bndupd / release / decline
    frame: int = 0
    record = "lease"

    def to_dict(self) -> dict:
        return {"ip": self.ip, "mac": self.mac, "client_id": self.client_id,
                "hostname": self.hostname, "starts": self.starts, "ends": self.ends,
                "server": self.server, "state": self.state, "replicated": self.replicated,
                "source": self.source, "frame": self.frame}


class LeaseTable:
    def __init__(self, max_leases: int) -> None:
        self.max_leases = max_leases
        self._rows: dict[str, Lease] = {}
        self._by_client: dict[str, str] = {}      # mac -> address of its latest binding
        self.dropped = 0

    def get(self, ip: str) -> Lease | None:
        return self._rows.get(ip)

    def server_of_client(self, mac: str | None) -> str | None:
        """Who gave this client its latest known lease."""
        row = self._rows.get(self._by_client.get(mac, "")) if mac else None
        return row.server if row is not None and row.mac == mac else None

    def _index(self, row: Lease) -> None:
        if row.mac:
            self._by_client.pop(row.mac, None)
            if len(self._by_client) >= self.max_leases:
                del self._by_client[next(iter(self._by_client))]
            self._by_client[row.mac] = row.ip

    def _touch(self, ip: str) -> Lease:
        row = self._rows.pop(ip, None)
        if row is None:
            row = Lease(ip)
            if len(self._rows) >= self.max_leases:
                del self._rows[next(iter(self._rows))]
                self.dropped += 1
        self._rows[ip] = row           # most recently updated last
        return row

    def ack(self, txn, ts: float, frame: int, in_failover: bool) -> Lease:
        row = self._touch(txn.assigned_ip)
        same_client = row.mac == txn.mac and row.client_id == txn.client_id
        row.hostname = txn.hostname or (row.hostname if same_client else None)
        row.mac, row.client_id = txn.mac, txn.client_id
        row.starts = ts
        row.ends = ts + txn.lease_time if txn.lease_time is not None else None
        row.server, row.state, row.source, row.frame = txn.server, "active", "ack", frame
        row.replicated = False if in_failover else None
        self._index(row)
        return row

    def client_event(self, ip: str, mac: str | None, state: str, frame: int) -> None:
        """RELEASE (released) or DECLINE (abandoned, as dhcpd marks a declined address)."""
        row = self._rows.get(ip)
        if row is None or (row.mac and mac and row.mac != mac):
            return
        row = self._touch(ip)
        row.state, row.source, row.frame = state, state, frame

    def bndupd(self, u: BindingUpdate, frame: int) -> None:
        ip = u.ip
        if not ip or (ip not in self._rows and not (u.mac or u.client_id)):
            return
        row = self._touch(ip)
        if (u.mac or u.client_id) and (row.mac, row.client_id) != (u.mac, u.client_id):
            # another client now: what we knew of the old one no longer applies
            row.mac, row.client_id = u.mac, u.client_id
            row.hostname, row.server = None, None
        row.state = u.status or row.state
        row.starts = u.starts or row.starts
        row.ends = u.ends or row.ends
        # during a resync both peers re-send every lease: the first sender is the likelier server
        row.server = row.server or u.sender
        row.source, row.frame, row.replicated = "bndupd", frame, False
        self._index(row)

    def bndack(self, ip: str | None, rejected: bool) -> None:
        row = self._rows.get(ip) if ip else None
        if row is not None and row.source == "bndupd":
            row.replicated = not rejected

    def rows(self) -> list[Lease]:
        return sorted(self._rows.values(), key=lambda r: tuple(int(p) for p in r.ip.split(".")))
