"""Text from the wire, made safe: bytes to text without loss, and terminal-safe escaping.

Strings in DHCP and failover (host-name, vendor-class, relationship-name, reject messages ...) are
whatever the peer put there: often ASCII, sometimes UTF-8 or a legacy code page, sometimes with a
trailing NUL or terminal escape sequences planted by a hostile client. Decoders keep the text as
sent; renderers call `escape_text` before anything reaches a terminal.
"""
from __future__ import annotations

# What a terminal may act on or hide is exactly what Python calls not printable: the Unicode
# "Other" categories (Cc controls, among them ESC, CR and the one-byte CSI 0x9b; Cf format characters
# such as bidi controls U+061C / U+202E, U+180E, the soft hyphen U+00AD, U+FFF9..FFFB and the tag
# characters U+E0000..; surrogates, private use, unassigned) and the separators but the ASCII space
# (U+2028 line separator, no-break spaces that look like a space). The backslash that starts our own
# escapes is escaped too, so every escape is read one way.
def _escape_char(char: str) -> str:
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape_text(text: str) -> str:
    """`text` with every non-printable character (controls, ANSI escapes, Unicode format characters
    such as bidi controls) shown as \\xNN / \\uNNNN / \\UNNNNNNNN, and a backslash as two."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(c if c.isprintable() and c != "\\" else _escape_char(c) for c in text)


def decode_text(raw: bytes) -> str:
    """Wire bytes as text: UTF-8 when valid, else Latin-1 (which maps every byte, losing nothing)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")

