"""Typed views of the decoded messages the engine reads, taken from each option's raw bytes.

The engine interprets raw option bytes itself (not the dissectors' display values), so its
conclusions depend only on the wire. Failover options are looked up by the names the dissector
gave them with the message's era (draft-12 or ISC 3.0.x numbering, failover-wire.md §3, §4.1).
"""
from __future__ import annotations

from dissectors.addr import ip_text
from dissectors.dhcp.message import DhcpMessage
from dissectors.failover import tables
from dissectors.failover.message import FailoverMessage
from dissectors.failover.tables import LEGACY, MODERN
from dissectors.failover.values import hba_split  # noqa: F401 (the engine's name for it)
from dissectors.text import decode_text      # as the dissectors show it: renderers escape it once

# RFC 2132 §9.6, RFC 4388 §6.1, RFC 6926 §6.2.1, RFC 7724: option 53 values.
DHCP_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
              7: "RELEASE", 8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY",
              11: "LEASEUNASSIGNED", 12: "LEASEUNKNOWN", 13: "LEASEACTIVE",
              14: "BULKLEASEQUERY", 15: "LEASEQUERYDONE", 16: "ACTIVELEASEQUERY",
              17: "LEASEQUERYSTATUS", 18: "TLS"}
ZERO_IP = "0.0.0.0"


class DhcpView:
    """One DHCP message's option bytes by code (first occurrence), looked at once per record."""

    __slots__ = ("msg", "opts", "mtype")

    def __init__(self, msg: DhcpMessage) -> None:
        self.msg = msg
        opts: dict[int, bytes] = {}
        for opt in msg.options:         # a plain loop: a comprehension costs a call per record
            if opt.code not in opts:
                opts[opt.code] = opt.raw
        self.opts = opts
        raw = opts.get(53)
        # option 53 as a name; 'BOOTP' without it (RFC 951 message); 'TYPEn' if unknown
        self.mtype = "BOOTP" if not raw else (DHCP_TYPES.get(raw[0]) or f"TYPE{raw[0]}")

    def ip(self, code: int) -> str | None:
        raw = self.opts.get(code)
        return ip_text(raw[:4]) if raw is not None and len(raw) >= 4 else None

    def u32(self, code: int) -> int | None:
        raw = self.opts.get(code)
        return int.from_bytes(raw, "big") if raw is not None and len(raw) == 4 else None

    def text(self, code: int) -> str | None:
        raw = self.opts.get(code)
        if raw is None:
            return None
        # hostnames arrive with trailing NULs from some clients (Suricata logs "nas1\u0000")
        return decode_text(raw.rstrip(b"\x00"))

    def client_id(self) -> bytes | None:
        """Option 61 as sent: type byte + identifier (what ISC hashes and stores as uid)."""
        return self.opts.get(61) or None


def hex_colon(data: bytes) -> str:
    return data.hex(":")


# --- failover ---------------------------------------------------------------------------
# The numbers are the dissector's (dissectors/failover/tables.py, per era): the dissector names
# each option with its message's era, so the engine reads options by those names and never
# renumbers anything itself.

# The exact data size ISC requires per code (server/stables.c): an option of another size is malformed
# (the dissector notes it) and the engine does not read it, so a 1,900-byte MCLT never becomes a number.
_FO_SIZES = {legacy: {code: spec.size for code, spec in options.items() if spec.size is not None}
             for legacy, options in ((False, tables.OPTIONS), (True, tables.LEGACY_OPTIONS))}


def fo_options(msg: FailoverMessage) -> dict[str, bytes]:
    """Raw option bytes by draft-12 option name (first occurrence, as ISC refuses duplicates);
    the same names in both eras (an ISC 3.0.x message's options are named by tables.LEGACY_OPTIONS).
    The decoder's one-pass path makes this table as it reads the options (msg.by_name)."""
    if msg.by_name is not None:
        return msg.by_name
    sizes = _FO_SIZES[msg.legacy]
    out: dict[str, bytes] = {}
    for opt in msg.options:             # a plain loop: a comprehension costs a call per message
        name = opt[1]
        if name not in out and len(opt[2]) == sizes.get(opt[0], len(opt[2])):
            out[name] = opt[2]
    return out


def _log_name(table_name: str) -> str:
    """A state as dhcpd logs it ("communications-interrupted"; 0 is "unknown-state")."""
    return "unknown-state" if table_name == "UNKNOWN" else table_name.lower()


# server-state option values per era (legacy flag) -> dhcpd's log names
FO_STATES = {era.legacy: {code: _log_name(name) for code, name in era.server_states.items()}
             for era in (MODERN, LEGACY)}
# binding-status as dhcpd.leases spells `binding state` ("free", "active", "backup", ...)
BINDING_STATES = {code: name.lower() for code, name in tables.BINDING_STATUS.items()}


def as_uint(raw: bytes | None) -> int | None:
    return int.from_bytes(raw, "big") if raw else None


def as_ip(raw: bytes | None) -> str | None:
    return ip_text(raw) if raw is not None and len(raw) == 4 else None


def as_text(raw: bytes | None) -> str | None:
    return decode_text(raw) if raw is not None else None


def fo_state_name(value: int | None, legacy: bool) -> str:
    if value is None:
        return "unknown-state"
    return FO_STATES[legacy].get(value) or f"state-{value}"


def reject_text(reason: int, legacy: bool) -> str | None:
    """ISC's log text for a reject-reason of that era; None for a code it has no text for."""
    name = (LEGACY if legacy else MODERN).reject_reasons.get(reason)
    return tables.REJECT_REASON_TEXTS.get(name)
