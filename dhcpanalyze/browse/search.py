"""The filter bar's language, behind one function: `compile_text(text) -> RowFilter`.

The bar takes the display-filter language (dhcpanalyze.dfilter); a bare client MAC, IPv4 address or
xid is a search for it in each packet's line.
A filter either judges rows by their summary line (cheap: the list is refiltered at once) or
judges whole records (display filters: the file is read again).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

try:                                    # issue 13; swap-in point for the display-filter language
    from dhcpanalyze.dfilter import FilterError, compile_filter
except ImportError:                     # not landed yet: MAC / IP / xid search only
    compile_filter = None
    FilterError = None

_MAC = re.compile(r"^([0-9a-f]{1,2})([:-][0-9a-f]{1,2}){5}$", re.I)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_XID = re.compile(r"^(?:xid\s*)?0x([0-9a-f]{1,8})$", re.I)


class BadFilter(ValueError):
    """The text is not a filter; `column` (0-based) is where it goes wrong."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message, self.column = message, column


@dataclass(frozen=True, slots=True)
class RowFilter:
    text: str
    matches_line: Callable[[str], bool] | None = None     # judges a row by its summary line
    matches_record: Callable[[object], bool] | None = None  # judges a decoded record


def compile_text(text: str) -> RowFilter | None:
    """The filter of the bar's text (None for an empty bar); raises BadFilter."""
    text = text.strip()
    if not text:
        return None
    if compile_filter is not None and not _is_search(text):
        try:
            return RowFilter(text, matches_record=compile_filter(text).matches)
        except FilterError as exc:
            raise BadFilter(exc.message, exc.column) from None
    return compile_search(text)


def _is_search(text: str) -> bool:
    """A bare MAC, IPv4 address or xid is a search even where display filters exist: the quickest
    way to find a client (a filter for it is `dhcp.hw.mac_addr == …`)."""
    return bool(_MAC.match(text) or _IPV4.match(text) or _XID.match(text))


def compile_search(text: str) -> RowFilter | None:
    """The MAC / IP / xid search over lines of text, whatever the bar's language (the views whose
    rows are not packets: transactions)."""
    text = text.strip()
    return RowFilter(text, matches_line=_search(text)) if text else None


def _search(text: str) -> Callable[[str], bool]:
    if _MAC.match(text):
        mac = ":".join(f"{int(p, 16):02x}" for p in re.split("[:-]", text))
        return _token(mac, "0-9a-f:")
    if _IPV4.match(text):
        if any(int(p) > 255 for p in text.split(".")):
            raise BadFilter(f"not an IPv4 address: {text}")
        return _token(text, r"\d.")
    m = _XID.match(text)
    if m:
        return _token(f"xid 0x{int(m.group(1), 16):08x}", "0-9a-f")
    raise BadFilter("search for a client MAC (02:da:01:00:00:01), an IPv4 address or an xid (0x1234abcd)")


def _token(needle: str, part: str) -> Callable[[str], bool]:
    """A match of the whole address: 10.0.0.1 does not match 10.0.0.10; `part` are the characters
    that would continue it."""
    pattern = re.compile(f"(?<![{part}])" + re.escape(needle) + f"(?![{part}])", re.I)
    return lambda line: pattern.search(line) is not None
