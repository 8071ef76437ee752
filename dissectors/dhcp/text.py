"""DHCP text helpers: fixed-size BOOTP string fields and hardware addresses.

Escaping and bytes-to-text live in dissectors/text.py, shared with the failover dissector.
"""
from __future__ import annotations

from dissectors.text import decode_text, escape_text

__all__ = ["cstring", "decode_text", "escape_text", "format_mac"]


def cstring(raw: bytes) -> bytes:
    """A fixed-size BOOTP field (sname, file) up to its first NUL, as RFC 951 fills them."""
    nul = raw.find(b"\x00")
    return raw if nul < 0 else raw[:nul]


def format_mac(raw: bytes) -> str:
    """Colon-separated lower-case hex, as tshark and ISC print hardware addresses."""
    return raw.hex(":")
