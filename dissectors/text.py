"""Text from the wire, made safe: bytes to text without loss, and terminal-safe escaping.

Strings in DHCP and failover (host-name, vendor-class, relationship-name, reject messages ...) are
whatever the peer put there: often ASCII, sometimes UTF-8 or a legacy code page, sometimes with a
trailing NUL or terminal escape sequences planted by a hostile client. Decoders keep the text as
sent; renderers call `escape_text` before anything reaches a terminal.
"""
from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), the backslash that starts
# our own escapes, and Unicode format characters that reorder or hide text (bidi overrides, zero-width).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\\\\\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """`text` with control characters, ANSI escapes and bidi controls shown as \\xNN / \\uNNNN."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_char, text)


def decode_text(raw: bytes) -> str:
    """Wire bytes as text: UTF-8 when valid, else Latin-1 (which maps every byte, losing nothing)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")

