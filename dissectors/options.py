"""The decoded-option record shared by the DHCP and failover dissectors."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Option:
    """One TLV option as it was on the wire.

    code:  the option number (DHCP 0..255, failover 0..65535)
    name:  the RFC / draft name (`dhcp-message-type`, `assigned-ip-address`), or `option-N` if unknown
    raw:   the option's data bytes (for RFC 3396 long options: all fragments concatenated)
    value: the decoded value, JSON-serialisable (str, int, list, dict); the hex of raw when undecodable
    """

    code: int
    name: str
    raw: bytes
    value: object
