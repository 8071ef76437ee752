"""Make text from the wire safe for a terminal: control characters (C0, DEL, C1) and escape
sequences become visible \\xNN / \\uNNNN escapes, so a hostile hostname cannot move the cursor."""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """Escape C0/C1 controls, DEL and bidi overrides; the backslash itself is doubled first."""
    return _UNSAFE.sub(_escape_char, text.replace("\\", "\\\\"))


def bytes_to_text(raw: bytes) -> str:
    """Wire bytes as text: UTF-8 when valid, else Latin-1 (every byte maps to one character)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
