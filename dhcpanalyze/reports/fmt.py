"""Cell formatting shared by the human-readable renderers: safe strings, times, durations, lists.

Everything a renderer puts on a terminal goes through `safe()`: hostnames, vendor strings and
failover messages are chosen by whoever sends the packet, and a raw ESC, CR or NUL in them could
rewrite the operator's screen or hide a line. They are shown as `\\xNN` / `\\uNNNN` instead, exactly
as `dhcpanalyze packets` shows them (dissectors.text.escape_text).
"""
from __future__ import annotations

from datetime import datetime, timezone

from dissectors.text import escape_text

EMPTY = "-"                 # what an absent value looks like in a table (Zeek's unset field)


def safe(value: object) -> str:
    """`value` as text with control characters escaped (dissectors.text); None becomes '-'."""
    if value is None:
        return EMPTY
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable() and "\\" not in text:
        return text                 # the common case: nothing to escape
    return escape_text(text)


def utc(ts: float) -> datetime | None:
    """Epoch seconds as a UTC datetime; None when no calendar can show them (after year 9999, as a
    corrupt or hostile pcapng timestamp or failover time option can say)."""
    try:
        return datetime.fromtimestamp(ts, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def out_of_range(ts: float) -> str:
    """A time no calendar can show, as its raw epoch seconds with a flag."""
    return f"{ts:.0f} (out of range)"


def iso_time(ts: float | None) -> str:
    """Epoch seconds as ISO-8601 UTC with milliseconds ('' when absent), for CSV and summaries."""
    if ts is None:
        return ""
    moment = utc(ts)
    if moment is None:
        return out_of_range(ts)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def date_time(ts: float) -> str:
    """Epoch seconds as 'YYYY-MM-DD HH:MM:SS' UTC (lease times, which outlive the capture)."""
    moment = utc(ts)
    return out_of_range(ts) if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


def clock(ts: float | None, with_date: bool = False) -> str:
    """Epoch seconds as a UTC time of day (HH:MM:SS.mmm), optionally preceded by the date."""
    if ts is None:
        return EMPTY
    moment = utc(ts)
    if moment is None:
        return out_of_range(ts)
    text = moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    return f"{moment:%Y-%m-%d} {text}" if with_date else text


def seconds(value: float | None) -> str:
    """A duration for people: '250 ms', '3.2 s', '1800 s'."""
    if value is None:
        return EMPTY
    if abs(value) < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if abs(value) < 100 else f"{value:.0f} s"


def joined(values: object, sep: str = ",") -> str:
    """A list shown as one cell ('-' when empty); non-lists are shown as they are."""
    if values is None:
        return EMPTY
    if isinstance(values, (list, tuple)):
        return sep.join(safe(v) for v in values) if values else EMPTY
    return safe(values)


def hex_xid(xid: object) -> str:
    """Transaction id as Wireshark shows it (0x85c53210)."""
    return f"0x{xid:08x}" if isinstance(xid, int) else safe(xid)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
