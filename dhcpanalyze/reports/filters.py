"""Report filters (--client, --ip, --server, --since, --until, -Y) applied to the event stream.

Filters select what the operator asked about; they never change the analysis (the engine sees
every packet, so a transaction cut by --since is still whole). What each filter selects:

- transactions: the client (chaddr, or a client-identifier of hardware type 1 with that MAC), any
  address offered, assigned or requested, any server that offered, answered or should have answered
  (the load-balancing designee), and time overlap with [since, until];
- leases: MAC / client-id, address, serving server, lease time overlapping the window;
- findings: time inside the window, and for --client/--ip/--server either a matching subject key
  on the finding (`client`/`mac`, `ip`/`address`/`yiaddr`, `server`/`servers`) or a frame shared
  with a transaction the filter selected (such findings are held back until the end);
- servers and failover relationships: only --server selects among them (they are context for the
  other filters); --since/--until cut a relationship's state timeline (its counts stay whole);
  the capture summary is never filtered.
- -Y (a display filter, dhcpanalyze.dfilter): transactions, leases and findings whose packets
  match, judged as if each were one frame holding all its packets' fields, with `txn.*`,
  `lease.*` and `finding.*` read from the object itself. `PacketMarks` notes, per frame, which
  packet tests held while the records streamed to the engine; servers, relationships and the
  capture summary are context and are not filtered by -Y.
"""
from __future__ import annotations

import ipaddress
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from dhcpanalyze.dfilter import DisplayFilter

from dhcpanalyze.reports.events import (
    FAILOVER, FINDING, LEASE, SERVER, TRANSACTION, Event, Spool)

_NON_HEX = re.compile(r"[^0-9a-f]")


def parse_mac(text: str) -> str:
    """A MAC in any usual spelling (colons, dashes, Cisco dots, bare hex) as aa:bb:cc:dd:ee:ff."""
    digits = re.sub(r"[:.\-]", "", text.strip().lower())
    if not re.fullmatch(r"[0-9a-f]{12}", digits):
        raise ValueError(f"not a MAC address: {text!r}")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def parse_ip(text: str) -> str:
    """An IPv4 address in dotted form (raises ValueError otherwise)."""
    return str(ipaddress.IPv4Address(text.strip()))


def parse_time(text: str) -> float:
    """Epoch seconds, or ISO-8601 (a time without a zone is taken as UTC, like the reports)."""
    try:
        return float(text)
    except ValueError:
        pass
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _hex(value: object) -> str:
    return _NON_HEX.sub("", str(value).lower()) if value is not None else ""


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """What the operator asked to see; an empty filter passes everything."""

    client: str | None = None       # normalised MAC
    ip: str | None = None
    server: str | None = None
    since: float | None = None
    until: float | None = None
    display: PacketMarks | None = None     # -Y, with the packet tests noted per frame

    @property
    def is_empty(self) -> bool:
        return not (self.client or self.ip or self.server) and self.since is None \
            and self.until is None and self.display is None

    @property
    def has_subject(self) -> bool:
        return bool(self.client or self.ip or self.server)

    def as_dict(self) -> dict:
        """The active filters, for the report's `filters` key."""
        display = self.display.flt.text if self.display is not None else None
        return {k: v for k, v in (("client", self.client), ("ip", self.ip),
                                  ("server", self.server), ("since", self.since),
                                  ("until", self.until), ("display_filter", display)) if v is not None}

    # --- time --------------------------------------------------------------------------------
    def overlaps(self, start: object, end: object) -> bool:
        """True when [start, end] meets [since, until]; unknown times always pass."""
        start = start if isinstance(start, (int, float)) else None
        end = end if isinstance(end, (int, float)) else start
        if self.until is not None and start is not None and start > self.until:
            return False
        return not (self.since is not None and end is not None and end < self.since)

    # --- subjects ----------------------------------------------------------------------------
    def client_matches(self, mac: object, client_id: object) -> bool:
        if self.client is None:
            return True
        wanted = _hex(self.client)
        # RFC 2132 §9.14: ISC clients send client-id = hardware type 1 followed by the MAC.
        return _hex(mac) == wanted or _hex(client_id) in (wanted, "01" + wanted)

    def transaction(self, t: dict) -> bool:
        client = t.get("client") or {}
        offers = t.get("offers") or []
        addresses = {t.get("assigned_ip"), t.get("requested_ip"), t.get("ciaddr")}
        addresses |= {o.get("yiaddr") for o in offers}
        servers = {t.get("server"), t.get("expected_server")} | {o.get("server") for o in offers}
        return (self.client_matches(client.get("mac"), client.get("client_id"))
                and (self.ip is None or self.ip in addresses)
                and (self.server is None or self.server in servers)
                and self.overlaps(t.get("start"), t.get("end")))

    def lease(self, lease: dict) -> bool:
        return (self.client_matches(lease.get("mac"), lease.get("client_id"))
                and (self.ip is None or lease.get("ip") == self.ip)
                and (self.server is None or lease.get("server") == self.server)
                and self.overlaps(lease.get("starts"), lease.get("ends")))

    def server_row(self, server: dict) -> bool:
        return self.server is None or server.get("ip") == self.server

    def relationship(self, rel: dict) -> bool:
        return self.server is None or self.server in (rel.get("primary"), rel.get("secondary"))

    def finding_subject(self, f: dict) -> bool | None:
        """True/False when the finding names the subjects filtered on; None when it does not."""
        client = f.get("client")
        client_id = client.get("client_id") if isinstance(client, dict) else None
        mac = client.get("mac") if isinstance(client, dict) else client
        mac = mac if mac is not None else f.get("mac")
        ip = next((f[k] for k in ("ip", "address", "yiaddr") if f.get(k) is not None), None)
        servers = f.get("servers") or ([f["server"]] if f.get("server") else [])
        present = ((self.client, mac is not None or client_id is not None),
                   (self.ip, ip is not None), (self.server, bool(servers)))
        if any(wanted and not known for wanted, known in present):
            return None
        return (self.client_matches(mac, client_id)
                and (self.ip is None or ip == self.ip)
                and (self.server is None or self.server in servers))


_NAMESPACE = {TRANSACTION: "txn", LEASE: "lease", FINDING: "finding"}


class PacketMarks:
    """Which packet tests of a display filter held for each frame: one 64-bit mask per frame
    (8 bytes a frame, 8 MB for a million), filled by `watch` on the way to the engine."""

    def __init__(self, flt: DisplayFilter) -> None:
        self.flt = flt
        self._masks = array("Q")
        self._wide: dict[int, int] = {}          # filters with more than 64 packet tests

    def watch(self, records: Iterable) -> Iterator:
        """The records unchanged, each one's packet mask noted under its frame."""
        if not self.flt.packet_leaves:
            yield from records
            return
        packet_mask = self.flt.packet_mask
        for record in records:
            mask = packet_mask(record)
            if mask:
                self._note(record.frame, mask)
            yield record

    def _note(self, frame: int, mask: int) -> None:
        if mask >> 64:
            self._wide[frame] = self._wide.get(frame, 0) | mask
            mask &= (1 << 64) - 1
        masks = self._masks
        if frame >= len(masks):
            masks.frombytes(bytes(8 * max(frame + 1 - len(masks), 4096)))
        masks[frame] |= mask

    def mask_of(self, frames: Iterable[int]) -> int:
        mask, masks = 0, self._masks
        for frame in frames:
            if isinstance(frame, int) and 0 <= frame < len(masks):
                mask |= masks[frame] | self._wide.get(frame, 0)
        return mask

    def selects(self, kind: str, obj: dict) -> bool:
        """The display filter's verdict on a transaction, lease or finding (others pass)."""
        namespace = _NAMESPACE.get(kind)
        if namespace is None:
            return True
        frames = obj.get("frames") or ([obj["frame"]] if obj.get("frame") is not None else [])
        return self.flt.matches_object(namespace, obj, self.mask_of(frames))


def _finding_in_window(flt: ReportFilter, f: dict) -> bool:
    return flt.overlaps(f.get("ts"), f.get("ts"))


def apply(flt: ReportFilter, events: Iterable[Event]) -> Iterable[Event]:
    """The events the filter selects, in arrival order (findings without a subject may wait)."""
    if flt.is_empty:
        return events                        # nothing to select: no extra layer per event
    return _selected(flt, events)


def _selected(flt: ReportFilter, events: Iterable[Event]) -> Iterator[Event]:
    selected_frames: set[int] = set()       # frames of selected transactions, to place findings
    waiting = Spool()                        # findings that do not name their subject
    try:
        for kind, obj in events:
            if kind == FINDING and flt.has_subject and flt.finding_subject(obj) is None:
                if _finding_in_window(flt, obj):
                    waiting.append(obj)
                continue
            if _selects(flt, kind, obj):
                if kind == TRANSACTION and flt.has_subject:
                    selected_frames.update(obj.get("frames") or ())
                yield kind, (_states_in_window(flt, obj) if kind == FAILOVER else obj)
        for finding in waiting:              # every transaction is known now
            if selected_frames.intersection(finding.get("frames") or ()) \
                    and (flt.display is None or flt.display.selects(FINDING, finding)):
                yield FINDING, finding
    finally:
        waiting.close()


def _states_in_window(flt: ReportFilter, rel: dict) -> dict:
    """The relationship with its state timeline cut to [since, until] (a copy; counts stay)."""
    states = rel.get("states")
    if (flt.since is None and flt.until is None) or not isinstance(states, list):
        return rel
    at = rel.get("states_omitted_at")
    kept = [(i, st) for i, st in enumerate(states) if flt.overlaps(st.get("ts"), st.get("ts"))]
    out = {**rel, "states": [st for _, st in kept]}
    if isinstance(at, int) and 0 < at < len(states):
        # the omitted entries lie between the last listed before them and the first after
        if flt.overlaps(states[at - 1].get("ts"), states[at].get("ts")):
            out["states_omitted_at"] = sum(1 for i, _ in kept if i < at)
        else:
            del out["states_omitted"], out["states_omitted_at"]
    return out


def _selects(flt: ReportFilter, kind: str, obj: dict) -> bool:
    if flt.display is not None and not flt.display.selects(kind, obj):
        return False
    if kind == TRANSACTION:
        return flt.transaction(obj)
    if kind == LEASE:
        return flt.lease(obj)
    if kind == FINDING:
        return _finding_in_window(flt, obj) and flt.finding_subject(obj) is not False
    if kind == SERVER:
        return flt.server_row(obj)
    if kind == FAILOVER:
        return flt.relationship(obj)
    return True
