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
from dissectors.wire import Reader


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
    """Split buf[start:end] into (code, data) fragments, stopping at END or a malformed TLV."""
    walk = FieldWalk(where)
    reader = Reader(buf, start, end)
    while reader.remaining:
        code_at = reader.pos
        code = reader.read_u8()
        if code == PAD:
            continue
        if code == END:
            walk.has_end, walk.after_end = True, reader.rest()
            return walk
        if not reader.remaining:
            walk.problem = f"option {code} has no length byte (cut at end of {where})"
        elif reader.buf[reader.pos] > reader.remaining - 1:
            length = reader.buf[reader.pos]
            walk.problem = (f"option {code} length {length} runs past end of {where} "
                            f"({reader.remaining - 1} bytes left)")
        else:
            walk.fragments.append((code, reader.read_bytes(reader.read_u8())))
            continue
        walk.rest = bytes(buf[code_at:reader.end])
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
    parts: dict[int, list[bytes]] = {}
    for walk in walks:
        for code, data in walk.fragments:
            parts.setdefault(code, []).append(data)
    merged = [(code, b"".join(chunks)) for code, chunks in parts.items()]
    return merged, {code: len(chunks) for code, chunks in parts.items() if len(chunks) > 1}
