"""The DHCP option walk: PAD/END, code-length-value fragments, RFC 3396 concatenation, option 52.

Written here rather than taken from dpkt: dpkt 1.9.8 raises IndexError on a code without a length
byte and silently truncates an option whose length runs past the end. Here both become a problem
string, and the bytes from the bad option on are kept raw.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dissectors.dhcp.enums import OVERLOAD_FILE, OVERLOAD_SNAME
from dissectors.dhcp.header import FILE_SPAN, SNAME_SPAN
from dissectors.dhcp.options import END, OVERLOAD, PAD


@dataclass(slots=True)
class FieldWalk:
    """The options found in one area (options field, file, sname) and how the area ended."""

    where: str                                      # "packet", "file field", "sname field"
    fragments: list[tuple[int, bytes]] = field(default_factory=list)
    has_end: bool = False                           # END (255) was reached
    problem: str | None = None                      # a TLV that could not be read
    rest: bytes = b""                               # the raw bytes from that TLV on
    after_end: bytes = b""                          # what followed END (normally zero padding)


def walk_area(buf: bytes, start: int, end: int, where: str) -> FieldWalk:
    """Split buf[start:end] into (code, data) fragments, stopping at END or a malformed TLV.

    Every index is checked against `end` before use: this loop runs once per option of every
    message, so it does its own bounds checks instead of a Reader call per byte."""
    walk = FieldWalk(where)
    end = min(end, len(buf))
    pos = start
    while pos < end:
        code = buf[pos]
        if code == PAD:
            pos += 1
            continue
        if code == END:
            walk.has_end, walk.after_end = True, buf[pos + 1:end]
            return walk
        if pos + 1 >= end:
            walk.problem = f"option {code} has no length byte (cut at end of {where})"
        elif pos + 2 + buf[pos + 1] > end:
            walk.problem = (f"option {code} length {buf[pos + 1]} runs past end of {where} "
                            f"({end - pos - 2} bytes left)")
        else:
            walk.fragments.append((code, buf[pos + 2:pos + 2 + buf[pos + 1]]))
            pos += 2 + buf[pos + 1]
            continue
        walk.rest = buf[pos:end]
        return walk
    return walk


def area_issues(walk: FieldWalk) -> list[str]:
    if walk.problem:
        return [walk.problem]
    if not walk.has_end:
        return ["missing END option" if walk.where == "packet" else f"missing END option in {walk.where}"]
    return []


def overload_of(fragments: list[tuple[int, bytes]]) -> tuple[int, list[str]]:
    """Option 52 from the options field: 1 file, 2 sname, 3 both (RFC 2132 §9.3); 0 if absent."""
    data = b"".join(chunk for code, chunk in fragments if code == OVERLOAD)
    if len(data) != 1:              # absent, or a wrong length the option decoder reports
        return 0, []
    if data[0] not in (1, 2, 3):
        return 0, [f"option 52 (dhcp-option-overload) value {data[0]} is not 1, 2 or 3; "
                   "sname and file not read as options"]
    return data[0], []


def overloaded_areas(buf: bytes, overload: int) -> list[FieldWalk]:
    """The areas option 52 hands over to options, in RFC 3396 §5 order: file, then sname."""
    walks = []
    if overload & OVERLOAD_FILE:
        walks.append(walk_area(buf, *FILE_SPAN, "file field"))
    if overload & OVERLOAD_SNAME:
        walks.append(walk_area(buf, *SNAME_SPAN, "sname field"))
    return walks


def concatenate(walks: list[FieldWalk]) -> tuple[list[tuple[int, bytes]], dict[int, int]]:
    """RFC 3396 §7: every fragment of a code, across all areas in order, joined into one value that
    sits where the first fragment was. Returns the options and, per split code, its fragment count."""
    fragments = [fragment for walk in walks for fragment in walk.fragments]
    if len({code for code, _data in fragments}) == len(fragments):    # the usual case: no repeats
        return fragments, {}
    parts: dict[int, list[bytes]] = {}
    for code, data in fragments:
        parts.setdefault(code, []).append(data)
    merged = [(code, b"".join(chunks)) for code, chunks in parts.items()]
    return merged, {code: len(chunks) for code, chunks in parts.items() if len(chunks) > 1}
