"""The failover protocol's number spaces as data: message types, options and enumerations, per era.

Two eras exist on the wire. ISC dhcpd >= 3.1 (all 4.x) follows draft-ietf-dhc-failover-12; ISC 3.0.x
used an older numbering for options, server states, reject reasons and swapped message types 7/9.
Legacy names are mapped to the draft-12 names so that `msg.get("server-state")` works in both eras.
Source for everything here: shared/docs/failover-wire.md (§2 types, §3 options, §4 enums), which
cites isc-projects/dhcp `includes/failover.h`, `server/stables.c` (4.4.3 and tag v3_0_7) and the draft.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """How one option code is named and decoded: `shape` picks a value decoder in values.py,
    `size` is the exact data length ISC requires (None = any length)."""

    name: str
    shape: str
    size: int | None = None


# draft-12 §6 / ISC 4.x includes/failover.h FTM_*: 7 is UPDREQALL and 9 is UPDREQ (tshark 4.0 swaps
# the labels). failover-wire.md §2.
MESSAGE_TYPES = {
    1: "POOLREQ", 2: "POOLRESP", 3: "BNDUPD", 4: "BNDACK", 5: "CONNECT", 6: "CONNECTACK",
    7: "UPDREQALL", 8: "UPDDONE", 9: "UPDREQ", 10: "STATE", 11: "CONTACT", 12: "DISCONNECT",
}
# ISC 3.0.x (tag v3_0_7 includes/failover.h): 7 = UPDREQ, 9 = UPDREQALL, the rest as draft-12.
LEGACY_MESSAGE_TYPES = {**MESSAGE_TYPES, 7: "UPDREQ", 9: "UPDREQALL"}

# draft-12 §12 numbering, ISC 4.4 server/stables.c sizes (failover-wire.md §3).
OPTIONS = {
    1: OptionSpec("addresses-transferred", "u32", 4),
    2: OptionSpec("assigned-ip-address", "ipv4", 4),
    3: OptionSpec("binding-status", "binding-status", 1),
    4: OptionSpec("client-identifier", "client-id"),
    5: OptionSpec("client-hardware-address", "chaddr"),
    6: OptionSpec("client-last-transaction-time", "time", 4),
    7: OptionSpec("client-reply-options", "bytes"),
    8: OptionSpec("client-request-options", "bytes"),
    9: OptionSpec("ddns", "ddns"),
    10: OptionSpec("delayed-service", "u8", 1),
    11: OptionSpec("hash-bucket-assignment", "hba", 32),
    12: OptionSpec("ip-flags", "ip-flags", 2),
    13: OptionSpec("lease-expiration-time", "time", 4),
    14: OptionSpec("max-unacked-bndupd", "u32", 4),
    15: OptionSpec("mclt", "u32", 4),
    16: OptionSpec("message", "text"),
    17: OptionSpec("message-digest", "bytes"),
    18: OptionSpec("potential-expiration-time", "time", 4),
    19: OptionSpec("receive-timer", "u32", 4),
    20: OptionSpec("protocol-version", "u8", 1),
    21: OptionSpec("reject-reason", "reject-reason", 1),
    22: OptionSpec("relationship-name", "text"),
    23: OptionSpec("server-flags", "server-flags", 1),
    24: OptionSpec("server-state", "server-state", 1),
    25: OptionSpec("start-time-of-state", "time", 4),
    26: OptionSpec("tls-reply", "tls-reply", 1),
    27: OptionSpec("tls-request", "tls-request", 1),
    28: OptionSpec("vendor-class-identifier", "text"),
    29: OptionSpec("vendor-specific-options", "bytes"),
}

# ISC 3.0.x numbering, tag v3_0_7 includes/failover.h + server/stables.c ft_options (12 and 22 undefined).
# 3.0.x sent tls-request as two bytes and accepted an HBA of any length.
LEGACY_OPTIONS = {
    1: OPTIONS[3], 2: OPTIONS[2],
    3: OptionSpec("sending-server-ip-address", "ipv4", 4),
    4: OPTIONS[1], 5: OPTIONS[4], 6: OPTIONS[5], 7: OPTIONS[9], 8: OPTIONS[21], 9: OPTIONS[16],
    10: OPTIONS[15], 11: OPTIONS[28], 13: OPTIONS[13], 14: OPTIONS[18],
    15: OptionSpec("grace-expiration-time", "time", 4),
    16: OPTIONS[6], 17: OPTIONS[25], 18: OPTIONS[24], 19: OPTIONS[23], 20: OPTIONS[29], 21: OPTIONS[14],
    23: OPTIONS[19],
    24: OptionSpec("hash-bucket-assignment", "hba"),
    25: OPTIONS[17], 26: OPTIONS[20],
    27: OptionSpec("tls-request", "tls-request", 2),
    28: OPTIONS[26], 29: OPTIONS[8], 30: OPTIONS[7],
}

# draft-12 §12 (option 24) + ISC 4.x includes/failover.h (254 recover-wait is ISC-only; tshark has no name).
SERVER_STATES = {
    0: "UNKNOWN", 1: "STARTUP", 2: "NORMAL", 3: "COMMUNICATIONS-INTERRUPTED", 4: "PARTNER-DOWN",
    5: "POTENTIAL-CONFLICT", 6: "RECOVER", 7: "PAUSED", 8: "SHUTDOWN", 9: "RECOVER-DONE",
    10: "RESOLUTION-INTERRUPTED", 11: "CONFLICT-DONE", 254: "RECOVER-WAIT",
}
# ISC 3.0.x order (failover-wire.md §4.1 last paragraph).
LEGACY_SERVER_STATES = {
    0: "UNKNOWN", 1: "PARTNER-DOWN", 2: "NORMAL", 3: "COMMUNICATIONS-INTERRUPTED",
    4: "RESOLUTION-INTERRUPTED", 5: "POTENTIAL-CONFLICT", 6: "RECOVER", 7: "RECOVER-DONE",
    8: "SHUTDOWN", 9: "PAUSED", 10: "STARTUP", 11: "RECOVER-WAIT",
}

# draft-12 §12 (option 3); identical in ISC 3.x/4.x and Wireshark (failover-wire.md §4.2).
BINDING_STATUS = {1: "FREE", 2: "ACTIVE", 3: "EXPIRED", 4: "RELEASED", 5: "ABANDONED", 6: "RESET", 7: "BACKUP"}

# draft-12 §12 (option 21), names after ISC includes/failover.h FTR_* (failover-wire.md §4.3).
REJECT_REASONS = {
    0: "reserved", 1: "illegal-ip-address", 2: "fatal-conflict", 3: "missing-binding-information",
    4: "time-mismatch-too-great", 5: "invalid-mclt", 6: "unknown-reason", 7: "duplicate-connection",
    8: "invalid-failover-partner", 9: "tls-not-supported", 10: "tls-not-configured",
    11: "tls-required", 12: "digest-not-supported", 13: "digest-not-configured",
    14: "protocol-version-mismatch", 15: "outdated-binding-information",
    16: "less-critical-binding-information", 17: "no-traffic-within-sufficient-time",
    18: "hash-bucket-assignment-conflict", 19: "ip-not-reserved", 20: "digest-failed",
    21: "missing-digest", 254: "unknown",
}
# ISC 3.0.x: 15 was a second missing-binding-information and 16..19 sat one lower (§4.3).
LEGACY_REJECT_REASONS = {
    **{code: REJECT_REASONS[code] for code in range(0, 15)},
    15: "missing-binding-information", 16: "outdated-binding-information",
    17: "less-critical-binding-information", 18: "no-traffic-within-sufficient-time",
    19: "hash-bucket-assignment-conflict", 254: "unknown",
}

# The text ISC's dhcp_failover_reject_reason_print() logs for each reason (server/failover.c), by
# the names above: the same text in both eras, whatever the number.
REJECT_REASON_TEXTS = {
    "illegal-ip-address": "Illegal IP address (not part of any address pool).",
    "fatal-conflict": "Fatal conflict exists: address in use by other client.",
    "missing-binding-information": "Missing binding information.",
    "time-mismatch-too-great": "Connection rejected, time mismatch too great.",
    "invalid-mclt": "Connection rejected, invalid MCLT.",
    "unknown-reason": "Connection rejected, unknown reason.",
    "duplicate-connection": "Connection rejected, duplicate connection.",
    "invalid-failover-partner": "Connection rejected, invalid failover partner.",
    "tls-not-supported": "TLS not supported.", "tls-not-configured": "TLS supported but not configured.",
    "tls-required": "TLS required but not supported by partner.",
    "digest-not-supported": "Message digest not supported.",
    "digest-not-configured": "Message digest not configured.",
    "protocol-version-mismatch": "Protocol version mismatch.",
    "outdated-binding-information": "Outdated binding information.",
    "less-critical-binding-information": "Less critical binding information.",
    "no-traffic-within-sufficient-time": "No traffic within sufficient time.",
    "hash-bucket-assignment-conflict": "Hash bucket assignment conflict.",
    "ip-not-reserved": "IP not reserved on this server.",
    "digest-failed": "Message digest failed to compare.", "missing-digest": "Missing message digest.",
    "unknown": "Unknown: Error occurred but does not match any reason.",
}

# ISC 4.x 16-bit ip-flags: bits counted from the LSB as the draft text says (tshark uses 0x80/0x40).
IP_FLAGS = {0x0001: "RESERVED", 0x0002: "BOOTP"}
SERVER_FLAGS = {0x01: "STARTUP"}                       # draft-12 §12 (option 23)
TLS_REQUEST = {0: "none", 1: "desired", 2: "required"}  # draft-12 §12 (option 27)
TLS_REPLY = {0: "none", 1: "use-tls"}                   # draft-12 §12 (option 26)
DDNS_FLAGS = {0x0001: "C", 0x0002: "A", 0x0004: "D", 0x0008: "P"}  # draft-12 §12 (option 9)

# ISC accepts 12..2048 (draft §7: maximum message size 2048); anything else drops the connection.
MIN_LENGTH = 12
MAX_LENGTH = 2048
HEADER_SIZE = 12

# A 4.x receiver treats option 11 beginning with this as a 3.0.x peer's vendor class (server/failover.c).
LEGACY_VENDOR_PREFIX = b"isc-V3.0."
LEGACY_VENDOR_CODE = 11


@dataclass(frozen=True, slots=True)
class Era:
    """One numbering of the protocol: which tables a stream's messages are decoded with."""

    legacy: bool
    types: dict[int, str]
    options: dict[int, OptionSpec]
    server_states: dict[int, str]
    reject_reasons: dict[int, str]


MODERN = Era(False, MESSAGE_TYPES, OPTIONS, SERVER_STATES, REJECT_REASONS)
LEGACY = Era(True, LEGACY_MESSAGE_TYPES, LEGACY_OPTIONS, LEGACY_SERVER_STATES, LEGACY_REJECT_REASONS)
