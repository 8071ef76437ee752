"""The `-V` tree lines of one DHCP option, worded like Wireshark's packet-dhcp.c.

Lines are (depth, text) with text not yet escaped: `tree.tree_lines` escapes every line once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from dissectors.dhcp.compound import SHAPES
from dissectors.dhcp.enums import (AUTO_CONFIGURE, CLIENT_ARCHITECTURES, HARDWARE_TYPES,
                                   NETBIOS_NODE_TYPES, OVERLOADS, RELAY_AGENT_SUBOPTIONS,
                                   message_type_display)
from dissectors.dhcp.options import OptionSpec, spec_for
from dissectors.dhcp.shapes import BadValue
from dissectors.options import Option

Lines = Iterator[tuple[int, str]]
_INFINITE = 0xFFFFFFFF              # RFC 2131 §3.3: a lease time of all ones means infinity
_ENUMS = {46: NETBIOS_NODE_TYPES, 52: OVERLOADS, 116: AUTO_CONFIGURE, 93: CLIENT_ARCHITECTURES}
_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def duration(seconds: int) -> str:
    """`(3118s) 51 minutes, 58 seconds`, as tshark shows lease times."""
    if seconds == _INFINITE:
        return f"({seconds}s) infinity"
    parts, left = [], seconds
    for unit, size in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return f"({seconds}s) {', '.join(parts) or '0 seconds'}"


def _is_malformed(spec: OptionSpec, raw: bytes) -> bool:
    try:
        SHAPES[spec.shape](raw)
    except BadValue:
        return True
    return False


def option_lines(opt: Option, depth: int, fragments: int = 1) -> Lines:
    """`Option: (54) DHCP Server Identifier (10.0.0.1)` and its children."""
    spec = spec_for(opt.code)
    malformed = _is_malformed(spec, opt.raw)
    yield depth, f"Option: ({opt.code}) {spec.title}{'' if malformed else _headline(spec, opt.value)}"
    length = f"Length: {len(opt.raw)}"
    if fragments > 1:
        length += f" ({fragments} fragments concatenated, RFC 3396)"
    yield depth + 1, length
    if malformed:
        yield depth + 1, f"Value (malformed, see issues): {opt.raw.hex()}"
        return
    render = _BY_SHAPE.get(spec.shape, _generic)
    yield from render(spec, opt, depth + 1)


def _headline(spec: OptionSpec, value: object) -> str:
    if spec.shape == "msg-type":
        return f" ({message_type_display(value)})"
    return f" ({value})" if spec.shape == "ip" else ""


def _message_type(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    yield depth, f"DHCP: {message_type_display(opt.value)} ({opt.raw[0]})"


def _time(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    yield depth, f"{spec.title}: {duration(opt.value)}"


def _flag(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    yield depth, f"{spec.title}: {'Enabled' if opt.value else 'Disabled'}"


def _numbers(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    value = opt.value
    names = _ENUMS.get(spec.code)
    for number in value if isinstance(value, list) else [value]:
        label = names.get(number, "Unknown") if names is not None else None
        yield depth, f"{spec.title}: {label} ({number})" if label else f"{spec.title}: {number}"


def _request_list(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    if spec.code != 55:
        yield from _numbers(spec, opt, depth)
        return
    for code in opt.value:
        yield depth, f"Parameter Request List Item: ({code}) {spec_for(code).title}"


def _client_id(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    value = opt.value
    kind = value["type"]
    yield depth, f"Hardware type: {HARDWARE_TYPES.get(kind, 'Unknown')} (0x{kind:02x})"
    if "mac" in value:
        yield depth, f"Client MAC address: {value['mac']}"
    elif "duid" in value:
        yield depth, f"IAID: {value['iaid']}"
        yield depth, f"DUID: {value['duid']}"
    else:
        yield depth, f"Client Identifier: {value['hex']}"


def _relay_agent(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    for sub in opt.value:
        title = RELAY_AGENT_SUBOPTIONS.get(sub["code"], ("", f"Unknown ({sub['code']})", ""))[1]
        yield depth, f"Option 82 Suboption: ({sub['code']}) {title}"
        yield depth + 1, f"Length: {len(sub['raw']) // 2}"
        yield from _generic_value(title, sub["value"], depth + 1)


def _generic(spec: OptionSpec, opt: Option, depth: int) -> Lines:
    yield from _generic_value(spec.title, opt.value, depth)


def _generic_value(title: str, value: object, depth: int) -> Lines:
    """Scalars as `Title: v`; list items one per line; dicts as `key: value` children."""
    if isinstance(value, list):
        for item in value:
            yield depth, f"{title}: {_inline(item)}"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield depth, f"{key}: {_inline(item)}"
    else:
        yield depth, f"{title}: {value}"


def _inline(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {_inline(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return str(value)


_BY_SHAPE: dict[str, Callable[[OptionSpec, Option, int], Lines]] = {
    "msg-type": _message_type, "time": _time, "bool": _flag, "u8": _numbers, "u16": _numbers,
    "u8-list": _request_list, "u16-list": _numbers, "client-id": _client_id,
    "relay-agent": _relay_agent,
}
