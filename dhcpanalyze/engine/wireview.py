"""Typed views of the decoded messages the engine reads, taken from each option's raw bytes.

The engine interprets raw option bytes itself (not the dissectors' display values), so its
conclusions depend only on the wire. Failover options are looked up by draft-12 code, or by the
ISC 3.0.x code when the dissector marked the message `legacy` (failover-wire.md §3, §4.1).
"""
from __future__ import annotations

from dissectors.addr import ip_text
from dissectors.dhcp.message import DhcpMessage
from dissectors.failover import tables as fo_tables
from dissectors.failover.message import FailoverMessage
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


# --- failover ------------------------------------------------------------------------------

# draft-ietf-dhc-failover-12 §12 option codes as ISC 4.x sends them -> engine keys
_FO_CODES = {1: "transferred", 2: "ip", 3: "status", 4: "client_id", 5: "chaddr", 6: "cltt",
             11: "hba", 12: "ip_flags", 13: "ends", 14: "max_unacked", 15: "mclt", 16: "message",
             18: "tstp", 19: "receive_timer", 20: "version", 21: "reject", 22: "name",
             23: "flags", 24: "state", 25: "stos", 28: "vendor"}
# ISC 3.0.x numbering (tag v3_0_7 includes/failover.h)
_FO_LEGACY_CODES = {1: "status", 2: "ip", 3: "server_ip", 4: "transferred", 5: "client_id",
                    6: "chaddr", 8: "reject", 9: "message", 10: "mclt", 11: "vendor",
                    13: "ends", 14: "tstp", 16: "cltt", 17: "stos", 18: "state", 19: "flags",
                    21: "max_unacked", 23: "receive_timer", 24: "hba", 26: "version"}
# The exact data size ISC requires per code (server/stables.c): an option of another size is malformed
# (the dissector notes it) and the engine does not read it, so a 1,900-byte MCLT never becomes a number.
_FO_SIZES = {legacy: {code: spec.size for code, spec in options.items() if spec.size is not None}
             for legacy, options in ((False, fo_tables.OPTIONS), (True, fo_tables.LEGACY_OPTIONS))}

# §4.1 server-state; 254 is ISC's recover-wait. Names as dhcpd logs them.
FO_STATES = {0: "unknown-state", 1: "startup", 2: "normal", 3: "communications-interrupted",
             4: "partner-down", 5: "potential-conflict", 6: "recover", 7: "paused",
             8: "shutdown", 9: "recover-done", 10: "resolution-interrupted",
             11: "conflict-done", 254: "recover-wait"}
FO_LEGACY_STATES = {0: "unknown-state", 1: "partner-down", 2: "normal",
                    3: "communications-interrupted", 4: "resolution-interrupted",
                    5: "potential-conflict", 6: "recover", 7: "recover-done", 8: "shutdown",
                    9: "paused", 10: "startup", 11: "recover-wait"}
# §4.2 binding-status, as dhcpd.leases spells `binding state`
BINDING_STATES = {1: "free", 2: "active", 3: "expired", 4: "released", 5: "abandoned",
                  6: "reset", 7: "backup"}
# §4.3 reject-reason texts as ISC's dhcp_failover_reject_reason_print() logs them
REJECT_REASONS = {
    1: "Illegal IP address (not part of any address pool).",
    2: "Fatal conflict exists: address in use by other client.",
    3: "Missing binding information.", 4: "Connection rejected, time mismatch too great.",
    5: "Connection rejected, invalid MCLT.", 6: "Connection rejected, unknown reason.",
    7: "Connection rejected, duplicate connection.",
    8: "Connection rejected, invalid failover partner.", 9: "TLS not supported.",
    10: "TLS supported but not configured.", 11: "TLS required but not supported by partner.",
    12: "Message digest not supported.", 13: "Message digest not configured.",
    14: "Protocol version mismatch.", 15: "Outdated binding information.",
    16: "Less critical binding information.", 17: "No traffic within sufficient time.",
    18: "Hash bucket assignment conflict.", 19: "IP not reserved on this server.",
    20: "Message digest failed to compare.", 21: "Missing message digest.",
    254: "Unknown: Error occurred but does not match any reason."}


def fo_options(msg: FailoverMessage) -> dict[str, bytes]:
    """Raw option bytes by engine key (first occurrence, as ISC refuses duplicates)."""
    table = _FO_LEGACY_CODES if msg.legacy else _FO_CODES
    sizes = _FO_SIZES[msg.legacy]
    out: dict[str, bytes] = {}
    for opt in msg.options:             # a plain loop: a comprehension costs a call per message
        key = table.get(opt.code)
        if key is not None and key not in out and len(opt.raw) == sizes.get(opt.code, len(opt.raw)):
            out[key] = opt.raw
    return out


def as_uint(raw: bytes | None) -> int | None:
    return int.from_bytes(raw, "big") if raw else None


def as_ip(raw: bytes | None) -> str | None:
    return ip_text(raw) if raw is not None and len(raw) == 4 else None


def as_text(raw: bytes | None) -> str | None:
    return decode_text(raw) if raw is not None else None


def fo_state_name(value: int | None, legacy: bool) -> str:
    table = FO_LEGACY_STATES if legacy else FO_STATES
    if value is None:
        return "unknown-state"
    return table.get(value) or f"state-{value}"


def hba_split(hba: bytes) -> int | None:
    """The `split N` an ISC HBA encodes (buckets 0..N-1 set, LSB-first), None for a custom hba."""
    bits = int.from_bytes(hba, "little")
    n = bits.bit_length()
    return n if bits == (1 << n) - 1 else None
