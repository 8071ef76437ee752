"""Literal values read against a field's type: numbers, value names, addresses, CIDR, MACs,
hex bytes, strings, times. Each reader returns the value in the form the field's getter yields,
so a comparison is one Python operator; a literal that does not fit raises FilterError at its
column, with tshark's wording where tshark has one.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from dhcpanalyze.dfilter import fields as F
from dhcpanalyze.dfilter.lexer import FilterError, Token

_HEX_BYTES = re.compile(r"[0-9a-fA-F]{2}(?:[:.\-]?[0-9a-fA-F]{2})*")
_MAC_PARTS = (re.compile(r"([0-9a-fA-F]{1,2})([:\-])" + r"([0-9a-fA-F]{1,2})\2" * 4 + r"([0-9a-fA-F]{1,2})"),
              re.compile(r"([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})"),
              re.compile(r"([0-9a-fA-F]{12})"))
_ABS_TIME_FORMATS = ("%b %d, %Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
MAX_LITERAL = 4096      # longer literals cannot equal any field value dhcpanalyze decodes


class Cidr(tuple):
    """An IPv4 network literal: (network as int, mask as int)."""


def read(field: F.Field, tok: Token) -> object:
    """The value of literal `tok` for `field` (FilterError if it does not fit the type)."""
    if tok.kind not in ("word", "string"):
        raise FilterError(f'"{tok.text}" was unexpected in this context', tok.column, tok.width)
    if len(tok.text) > MAX_LITERAL:
        raise FilterError(f"literal longer than {MAX_LITERAL} characters", tok.column, tok.width)
    reader = READERS[field.ftype]
    return reader(field, tok)


def _fail(tok: Token, what: str) -> FilterError:
    return FilterError(f'"{tok.text}" is not a valid {what}', tok.column, tok.width)


def _uint(field: F.Field, tok: Token) -> int:
    text = tok.text.strip() if tok.kind == "string" else tok.text
    value = _number(text)
    if value is None and field.names:
        value = field.names.get(text.lower())
        if value is None:
            raise FilterError(f'"{tok.text}" cannot be found among the possible values for {field.name}',
                              tok.column, tok.width)
    if value is None:
        raise _fail(tok, "number")
    if field.ftype == F.UINT and value < 0:
        raise FilterError(f'"{tok.text}" too small for this field, minimum 0', tok.column, tok.width)
    return value


def _number(text: str) -> int | None:
    """Decimal, 0x hex, 0 octal (as C and tshark read them), optionally negative."""
    sign, body = (-1, text[1:]) if text.startswith("-") else (1, text)
    try:
        if body[:2].lower() == "0x" and len(body) > 2:
            return sign * int(body[2:], 16)
        if len(body) > 1 and body.startswith("0") and body.isdigit():
            return sign * int(body, 8)
        return sign * int(body, 10) if body.isdigit() else None
    except ValueError:
        return None


def _bool(field: F.Field, tok: Token) -> int:
    text = tok.text.lower()
    if text in ("true", "1"):
        return 1
    if text in ("false", "0"):
        return 0
    value = _number(tok.text)
    if value is None:
        raise FilterError(f'"{tok.text}" cannot be found among the possible values for {field.name}',
                          tok.column, tok.width)
    return 1 if value else 0


def ip_int(text: str) -> int:
    """Dotted IPv4 text -> int (ValueError when it is not four decimal octets)."""
    parts = text.split(".")
    if len(parts) != 4:
        raise ValueError(text)
    value = 0
    for part in parts:
        if not part.isdigit() or len(part) > 3 or int(part) > 255:
            raise ValueError(text)
        value = value << 8 | int(part)
    return value


def _ipv4(field: F.Field, tok: Token) -> str | Cidr:
    """`a.b.c.d` (compared as text, the form the records hold) or `a.b.c.d/len` (a network)."""
    addr, _, bits = tok.text.partition("/")
    try:
        value = ip_int(addr)
    except ValueError:
        raise _fail(tok, "IPv4 address") from None
    if not bits:
        return _dotted(value)
    if not bits.isdigit() or int(bits) > 32:
        raise FilterError(f'"{bits}" is not a valid prefix length (0-32)',
                          tok.column + len(addr) + 1, len(bits))
    mask = (0xFFFFFFFF << (32 - int(bits))) & 0xFFFFFFFF
    return Cidr((value & mask, mask))


def _dotted(value: int) -> str:
    return ".".join(str(value >> shift & 0xFF) for shift in (24, 16, 8, 0))


def _ether(field: F.Field, tok: Token) -> str:
    """aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff or 12 hex digits -> aa:bb:cc:dd:ee:ff."""
    for pattern in _MAC_PARTS:
        match = pattern.fullmatch(tok.text)
        if match:
            groups = [g for g in match.groups() if g not in (":", "-")]
            digits = "".join(g.zfill(2) if len(groups) == 6 else g for g in groups).lower()
            return ":".join(digits[i:i + 2] for i in range(0, 12, 2))
    raise _fail(tok, "Ethernet address")


def _bytes(field: F.Field, tok: Token) -> bytes:
    """A quoted string is its own bytes (UTF-8); a word is hex bytes: 01:02:03, 01-02, 0102."""
    if tok.kind == "string":
        return tok.text.encode("utf-8")
    if len(tok.text) == 1 and tok.text in "0123456789abcdefABCDEF":
        return bytes((int(tok.text, 16),))
    if not _HEX_BYTES.fullmatch(tok.text):
        raise _fail(tok, "byte string")
    return bytes.fromhex(re.sub(r"[:.\-]", "", tok.text))


def _string(field: F.Field, tok: Token) -> str:
    return tok.text


def _time(field: F.Field, tok: Token) -> float:
    """Epoch seconds, or a UTC date: "Nov 12, 1999 08:55:44.123", "2011-07-04 12:34:56"."""
    try:
        return float(tok.text)
    except ValueError:
        pass
    text, _, fraction = tok.text.strip().partition(".")
    for fmt in _ABS_TIME_FORMATS:
        try:
            moment = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        extra = float("0." + fraction) if fraction.isdigit() else 0.0
        if fraction and not fraction.isdigit():
            break
        return moment.timestamp() + extra
    raise FilterError(f'"{tok.text}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" '
                      f'or "2011-07-04 12:34:56"', tok.column, tok.width)


def _reltime(field: F.Field, tok: Token) -> float:
    try:
        value = float(tok.text)
    except ValueError:
        raise _fail(tok, "time in seconds") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _fail(tok, "time in seconds")
    return value


def _severity(field: F.Field, tok: Token) -> int:
    rank = F.SEVERITY_ORDER.get(tok.text.lower())
    if rank is None:
        raise FilterError(f'"{tok.text}" is not a severity (info, warning, error)', tok.column, tok.width)
    return rank


def _none(field: F.Field, tok: Token) -> object:
    raise FilterError(f"{field.name} is a protocol or label and has no value to compare",
                      tok.column, tok.width)


READERS = {F.UINT: _uint, F.INT: _uint, F.BOOL: _bool, F.IPV4: _ipv4, F.ETHER: _ether,
           F.BYTES: _bytes, F.STRING: _string, F.TIME: _time, F.RELTIME: _reltime,
           F.SEVERITY: _severity, F.NONE: _none}
