"""Text views of a failover message: the one-line `summary` and the `-V` tree (`tree_lines`).

Every string that came from the wire goes through `escape_text`, so a relationship name or reject
message cannot move the terminal's cursor.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Iterator

from dissectors.failover.message import FailoverMessage
from dissectors.options import Option
from dissectors.text import escape_text

TIME_OPTIONS = {"client-last-transaction-time", "lease-expiration-time", "potential-expiration-time",
                "start-time-of-state", "grace-expiration-time"}
TEXT_OPTIONS = {"message", "relationship-name", "vendor-class-identifier"}


def _quoted(value: object) -> str:
    return f'"{escape_text(str(value))}"'


def _reject(msg: FailoverMessage, word: str) -> list[str]:
    reason = msg.get("reject-reason")
    if reason is None:
        return []
    text = msg.get("message")
    return [word, escape_text(str(reason))] + ([_quoted(text)] if text is not None else [])


def _connect(msg: FailoverMessage) -> list[str]:
    # A rejected CONNECTACK is what the operator is looking for: the reason comes first.
    parts = _reject(msg, "REJECT")
    if (name := msg.get("relationship-name")) is not None:
        parts.append(_quoted(name))
    if (mclt := msg.get("mclt")) is not None:      # a wrong size leaves hex: noted in the issues
        parts.append(f"mclt {mclt}" if isinstance(mclt, int) else "mclt malformed")
    hba = msg.get("hash-bucket-assignment")
    if isinstance(hba, dict):
        parts.append(f"split {hba['split']}" if hba["split"] is not None else f"hba {hba['primary_buckets']} buckets")
    if (vendor := msg.get("vendor-class-identifier")) is not None:
        parts.append(escape_text(str(vendor)))
    return parts


def _binding(msg: FailoverMessage) -> list[str]:
    parts = [str(v) for v in (msg.get("assigned-ip-address"), msg.get("binding-status")) if v is not None]
    hw = msg.get("client-hardware-address")
    if isinstance(hw, dict):
        parts.append(hw["mac"])
    flags = msg.get("ip-flags")
    if isinstance(flags, dict) and flags["names"]:
        parts.append("flags " + ",".join(flags["names"]))
    return parts + _reject(msg, "REJECT")


def _state(msg: FailoverMessage) -> list[str]:
    parts = [str(msg.get("server-state", "?"))]
    flags = msg.get("server-flags")
    if isinstance(flags, dict) and flags["names"]:
        parts.append("(" + ",".join(flags["names"]) + ")")
    return parts


def _poolresp(msg: FailoverMessage) -> list[str]:
    count = msg.get("addresses-transferred")
    if count is None:
        return []
    return [f"{count} addresses" if isinstance(count, int) else "addresses-transferred malformed"]


_DETAILS: dict[str, Callable[[FailoverMessage], list[str]]] = {
    "CONNECT": _connect, "CONNECTACK": _connect, "BNDUPD": _binding, "BNDACK": _binding,
    "STATE": _state, "POOLRESP": _poolresp, "DISCONNECT": lambda m: _reject(m, "reason"),
}


def summary(msg: FailoverMessage) -> str:
    """One line: `BNDUPD xid 0x12 192.168.100.57 ACTIVE 96:a3:dc:e1:f2:71`, `STATE xid 0x2 NORMAL`, ..."""
    parts = [msg.type_name, f"xid 0x{msg.xid:x}"] + _DETAILS.get(msg.type_name, lambda m: [])(msg)
    if msg.legacy:
        parts.append("[ISC 3.0.x]")
    if msg.issues:
        parts.append(f"[{len(msg.issues)} issue{'s' if len(msg.issues) > 1 else ''}]")
    return " ".join(parts)


def _utc(seconds: int) -> str:
    try:
        return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return "out of range"


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ",".join(escape_text(str(v)) for v in value) or "-"
    return escape_text(str(value))


def _option_value(opt: Option) -> str:
    value = opt.value
    if opt.name in TIME_OPTIONS and isinstance(value, int):
        return f"{value} ({_utc(value)})" if value else "0 (never)"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    if opt.name in TEXT_OPTIONS:
        return _quoted(value)
    return escape_text(str(value))


def tree_lines(msg: FailoverMessage) -> Iterator[tuple[int, str]]:
    """(depth, text) lines for the `-V` view, header fields first, then options in wire order."""
    yield 0, f"ISC DHCP Failover, {msg.type_name}" + (" (ISC 3.0.x numbering)" if msg.legacy else "")
    yield 1, f"Message length: {msg.length}"
    yield 1, f"Message type: {msg.type_name} ({msg.type})"
    yield 1, f"Payload offset: {msg.poffset}"
    yield 1, f"Time: {msg.time} ({_utc(msg.time)})"
    yield 1, f"Xid: 0x{msg.xid:08x}"
    if msg.extra_header:
        yield 1, f"Additional header bytes: {msg.extra_header.hex()}"
    yield 1, f"Options: {len(msg.options)}"
    for opt in msg.options:
        size = len(opt.raw)
        yield 2, f"{opt.name} ({opt.code}), {size} byte{'' if size == 1 else 's'}: {_option_value(opt)}"
    if msg.issues:
        yield 1, f"Issues: {len(msg.issues)}"
        for issue in msg.issues:
            yield 2, escape_text(issue)
