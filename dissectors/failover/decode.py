"""`decode_failover`: one failover message (12-byte header + TLV options) from bytes, never raising.

Layout per failover-wire.md §1.2-1.3 (as ISC dhcpd 4.x sends it): length(2, including itself),
type(1), payload offset(1), time(4), xid(4), (payload offset - 12) extra header bytes, then options
`code(2) length(2) data` up to `length`. Everything ISC would reject (length out of range, option past
the message, wrong fixed size, duplicate option) is decoded as far as possible and noted in `issues`.
"""
from __future__ import annotations

import struct
from functools import partial

from dissectors.failover import tables
from dissectors.failover.message import FailoverMessage
from dissectors.failover.tables import LEGACY, MODERN, Era
from dissectors.failover.values import DECODERS, FITS
from dissectors.memo import BoundedMemo
from dissectors.options import LATER, Option, SharedOptions
from dissectors.wire import Reader, Truncated

_HEADER = struct.Struct("!HBBII")     # length, type, payload offset, time, xid
_TLV = struct.Struct("!HH")           # option code, option length


def decode_failover(buf: bytes, legacy: bool | None = None) -> FailoverMessage:
    """Decode one message; `legacy` None = detect ISC 3.0.x from this message, True/False = force the era.

    A stream that has seen a 3.0.x CONNECT/CONNECTACK passes legacy=True for the rest of its messages
    (FailoverStreams does this), since only those two messages carry the vendor class.
    """
    buf = bytes(buf)
    return _decode_shaped(buf, legacy) or _decode_general(buf, legacy)


class _Layout:
    """One kind of message a capture repeats: its options' codes and sizes in wire order (and the
    type and length it was seen with). A message of that type and length is checked against the
    layout with one `struct` call that reads every option header and data at once (codes and sizes
    compared as a tuple): no per-option work in Python. Only layouts of messages the one-pass path
    took without an issue are made, so a message matching one is the message that path would give.
    Made from codes alone (sizes None), it only names options: for messages that crossed a pipe."""

    __slots__ = ("format", "heads", "codes", "names", "type_name", "legacy", "shared")

    def __init__(self, codes: tuple[int, ...], sizes: tuple[int, ...] | None, legacy: bool,
                 type_name: str | None = None) -> None:
        table = _CODES[legacy]
        self.codes = codes
        # the names _option gives (every option of a layout has the size ISC requires)
        self.names = tuple(table[code][0] if code in table else f"option-{code}" for code in codes)
        self.type_name, self.legacy, self.shared = type_name, legacy, _SHARED[legacy]
        if sizes is not None:
            self.heads = tuple((code << 16) | size for code, size in zip(codes, sizes))
            self.format = struct.Struct("!" + "".join(f"I{size}s" for size in sizes))

    def options(self, data: tuple[bytes, ...]) -> list[Option]:
        """The options of a message of this layout with this option data (as the one-pass path makes them)."""
        shared = self.shared
        return [shared[pair] for pair in zip(self.codes, data)]


def message_from_layout(length: int, mtype: int, type_name: str, time: int, xid: int, legacy: bool,
                        codes: tuple[int, ...], by_name: dict[str, bytes]) -> FailoverMessage:
    """The message FailoverMessage.layout_data() gave (codes, by_name) of: for records that crossed
    a pipe (dhcpanalyze.recordpack), its options made when read, from by_name, as the shaped path
    makes them."""
    return FailoverMessage(length, mtype, type_name, tables.HEADER_SIZE, time, xid, b"", None, [], legacy,
                           by_name, _NAMED[legacy][codes], None)


def _decode_shaped(buf: bytes, legacy: bool | None) -> FailoverMessage | None:
    """A message of a layout seen before, without a walk of its options; else the one-pass path
    (which then teaches the layout), or None for the general path."""
    if len(buf) < tables.HEADER_SIZE:
        return None
    length, mtype, poffset, time, xid = _HEADER.unpack_from(buf, 0)
    if length == len(buf):
        msg = _laid(buf, 0, length, mtype, poffset, time, xid, legacy)
        if msg is not None:
            return msg
    msg = _decode_usual(buf, legacy)
    if msg is not None and not msg.issues and (legacy is not None or mtype not in _ERA_SIGNALS):
        _learn(msg)
    return msg


def _laid(buf: bytes, pos: int, length: int, mtype: int, poffset: int, time: int, xid: int,
          legacy: bool | None) -> FailoverMessage | None:
    """The message of `length` bytes at buf[pos], whose header fields are given, if a layout seen
    before reads it (never a CONNECT/CONNECTACK of an era still unknown); else None. The stream
    cutter calls it on the segment in place."""
    if poffset != tables.HEADER_SIZE or (legacy is None and mtype in _ERA_SIGNALS):
        return None
    for layout in _LAYOUTS.get((length, mtype, legacy is True), ()):
        fields = layout.format.unpack_from(buf, pos + tables.HEADER_SIZE)
        if fields[0::2] == layout.heads:
            data = fields[1::2]
            return FailoverMessage(length, mtype, layout.type_name, poffset, time, xid, b"", None, [],
                                   layout.legacy, dict(zip(layout.names, data)), layout, data)
    return None


def _learn(msg: FailoverMessage) -> None:
    """Keep the message's layout once a second message of its type and length has it (a layout
    seen once costs a `struct` format to make: a stream of ever-new layouts makes none). Bounded:
    at most _LAYOUTS_PER_KEY layouts per type and length, both tables emptied when full."""
    if any(opt[3] is not LATER for opt in msg.options):     # a value decoded now: the general rule
        return
    key = (msg.length, msg.type, msg.legacy)
    heads = tuple((opt[0] << 16) | len(opt[2]) for opt in msg.options)
    if _SEEN_ONCE.pop((key, heads), None) is None:
        if len(_SEEN_ONCE) >= _MAX_LAYOUTS:
            _SEEN_ONCE.clear()
        _SEEN_ONCE[key, heads] = True
        return
    layouts = _LAYOUTS.get(key)
    if layouts is None:
        if len(_LAYOUTS) >= _MAX_LAYOUTS:
            _LAYOUTS.clear()
        layouts = _LAYOUTS[key] = []
    if len(layouts) < _LAYOUTS_PER_KEY:
        layouts.append(_Layout(tuple(opt[0] for opt in msg.options), tuple(len(opt[2]) for opt in msg.options),
                               msg.legacy, msg.type_name))


# (length, type, legacy) -> layouts of messages of that type and length; (key, heads) seen once
_LAYOUTS: dict[tuple[int, int, bool], list[_Layout]] = {}
_SEEN_ONCE: dict[tuple, bool] = {}
_MAX_LAYOUTS, _LAYOUTS_PER_KEY = 2048, 4


def _decode_usual(buf: bytes, legacy: bool | None) -> FailoverMessage | None:
    """The usual message in one pass, or None for the general path, which then finds the same
    message: a whole header with ISC's payload offset 12, a length of 12..2048 that is exactly the
    buffer, a type of its era, options that tile the payload, no option twice."""
    if len(buf) < tables.HEADER_SIZE:
        return None
    length, mtype, poffset, time, xid = _HEADER.unpack_from(buf, 0)
    if length != len(buf) or poffset != tables.HEADER_SIZE or length > tables.MAX_LENGTH:
        return None
    if legacy is None and mtype in _ERA_SIGNALS:     # CONNECT/CONNECTACK: the era from its options
        pairs = _tiling_pairs(buf, length)
        if pairs is None:
            return None
        legacy = _is_legacy_connect(mtype, pairs)
    era = LEGACY if legacy else MODERN
    type_name = era.types.get(mtype)
    if type_name is None:
        return None
    # one pass: each option's whole TLV (code, length, data) is looked up in the era's memo of
    # checked options (one bytes key: no (code, data) tuple to make and hash)
    checked, options, issues, seen, by_name = _CHECKED[era.legacy], [], [], set(), {}
    pos = tables.HEADER_SIZE
    while pos < length:
        if length - pos < 4:
            return None
        stop = pos + 4 + ((buf[pos + 2] << 8) | buf[pos + 3])
        if stop > length:
            return None
        opt, issue, name = checked[buf[pos:stop]]
        code = opt[0]
        if code in seen:
            return None
        seen.add(code)
        options.append(opt)
        if issue is not None:
            issues.append(issue)
        if name is not None:            # no code twice, and one name per code: no name twice
            by_name[name] = opt[2]
        pos = stop
    return FailoverMessage(length, mtype, type_name, poffset, time, xid, b"", options, issues, era.legacy,
                           by_name)


def _tiling_pairs(buf: bytes, length: int) -> list[tuple[int, bytes]] | None:
    """The (code, data) pairs when the options tile buf[12:length] without a repeated code."""
    pairs, seen, pos = [], set(), tables.HEADER_SIZE
    while pos < length:
        if length - pos < 4:
            return None
        code, size = _TLV.unpack_from(buf, pos)
        stop = pos + 4 + size
        if stop > length or code in seen:
            return None
        seen.add(code)
        pairs.append((code, buf[pos + 4:stop]))
        pos = stop
    return pairs


def _decode_general(buf: bytes, legacy: bool | None) -> FailoverMessage:
    msg = _read_header(buf)
    if msg.issues:
        return msg
    start, end = _payload_bounds(buf, msg)
    tlvs = _walk_tlvs(buf, start, end, msg.issues)
    era = LEGACY if (legacy or (legacy is None and _is_legacy_connect(msg.type, tlvs))) else MODERN
    msg.legacy = era.legacy
    msg.type_name = era.types.get(msg.type, f"TYPE{msg.type}")
    if msg.type not in era.types:
        msg.issues.append(f"unknown message type {msg.type}")
    msg.options = [_decode_option(pair, era, msg.issues) for pair in tlvs]
    _note_duplicates(msg)
    return msg


def _read_header(buf: bytes) -> FailoverMessage:
    """The fixed header; a buffer shorter than 12 bytes gives what could be read and an issue."""
    if len(buf) >= tables.HEADER_SIZE:
        return _message(*_HEADER.unpack_from(buf, 0))
    fields = [0, 0, 0, 0, 0]
    reader = Reader(buf)
    try:
        for i, read in enumerate((reader.read_u16, reader.read_u8, reader.read_u8, reader.read_u32)):
            fields[i] = read()
    except Truncated:
        pass
    msg = _message(*fields)
    msg.issues.append(f"header truncated: {len(buf)} of {tables.HEADER_SIZE} bytes")
    return msg


def _message(length: int, mtype: int, poffset: int, time: int, xid: int) -> FailoverMessage:
    return FailoverMessage(length, mtype, MODERN.types.get(mtype, f"TYPE{mtype}"), poffset, time, xid)


def _payload_bounds(buf: bytes, msg: FailoverMessage) -> tuple[int, int]:
    """Where the options start and end; sets extra_header and notes framing issues."""
    end = _message_end(len(buf), msg.length, msg.issues)
    start = msg.poffset
    if start < tables.HEADER_SIZE:
        # draft-12 text says 8, Microsoft sends 8; ISC does not handle it. Options follow the 12 bytes.
        msg.issues.append(f"payload offset {start} is below the {tables.HEADER_SIZE}-byte header; "
                          f"options read from byte {tables.HEADER_SIZE}")
        start = tables.HEADER_SIZE
    elif start > end:
        msg.issues.append(f"payload offset {start} runs past the message end ({end})")
        start = end
    msg.extra_header = buf[tables.HEADER_SIZE:start]
    return start, end


def _message_end(available: int, length: int, issues: list[str]) -> int:
    if length < tables.MIN_LENGTH:
        issues.append(f"message length {length} is below the {tables.MIN_LENGTH}-byte header")
        return tables.HEADER_SIZE
    if length > tables.MAX_LENGTH:
        issues.append(f"message length {length} exceeds the {tables.MAX_LENGTH}-byte maximum")
    if length > available:
        issues.append(f"message length {length} runs past the end of the data ({available} bytes)")
        return available
    if length < available:
        issues.append(f"{available - length} bytes after the message end")
    return length


def _walk_tlvs(buf: bytes, start: int, end: int, issues: list[str]) -> list[tuple[int, bytes]]:
    """The raw (code, data) pairs in buf[start:end]; an option running past the end keeps what is there.

    The hot loop of the decoder: bounds are checked inline here instead of through wire.Reader.
    """
    tlvs = []
    pos = start
    while pos < end:
        if end - pos < 4:
            issues.append(f"option header truncated at offset {pos}: {end - pos} bytes left")
            break
        code, size = _TLV.unpack_from(buf, pos)
        data_end = pos + 4 + size
        if data_end > end:
            issues.append(f"option {code} at offset {pos}: length {size} runs past the message end "
                          f"({end - pos - 4} bytes left)")
            tlvs.append((code, buf[pos + 4:end]))
            break
        tlvs.append((code, buf[pos + 4:data_end]))
        pos = data_end
    return tlvs


_ERA_SIGNALS = (5, 6)        # CONNECT and CONNECTACK carry the vendor class


def _is_legacy_connect(mtype: int, tlvs: list[tuple[int, bytes]]) -> bool:
    # Only CONNECT/CONNECTACK carry the vendor class; ISC 4.x itself checks option 11 for "isc-V3.0."
    # (server/failover.c) since in 3.0.x numbering 11 is vendor-class, in 4.x it is the HBA.
    if mtype not in (5, 6):
        return False
    return any(code == tables.LEGACY_VENDOR_CODE and data.startswith(tables.LEGACY_VENDOR_PREFIX)
               for code, data in tlvs)


def failover_options(pairs: list[tuple[int, bytes]], legacy: bool) -> list[Option]:
    """Options for (code, data bytes) pairs in that era, each value decoded when read (no issues)."""
    shared = _SHARED[legacy]
    return [shared[pair] for pair in pairs]


def failover_options_by_name(pairs: list[tuple[int, bytes]], legacy: bool
                             ) -> tuple[list[Option], dict[str, bytes]]:
    """failover_options, and the message's `by_name` table (first occurrence of each name among
    options of the size ISC requires) made in the same pass."""
    shared, sizes = _SHARED[legacy], _SIZES[legacy]
    options, by_name = [], {}
    for pair in pairs:
        opt = shared[pair]
        options.append(opt)
        size = sizes.get(pair[0])
        if (size is None or len(pair[1]) == size) and opt[1] not in by_name:
            by_name[opt[1]] = pair[1]
    return options, by_name


def _option(code: int, data: bytes, entry: tuple | None) -> Option:
    """The option with its value deferred: hex for an unknown code or a wrong size."""
    if entry is None:
        return tuple.__new__(Option, (code, f"option-{code}", data, LATER, bytes.hex))
    name, size, decode, _fits = entry
    if size is not None and len(data) != size:
        decode = bytes.hex
    return tuple.__new__(Option, (code, name, data, LATER, decode))


def _decode_option(pair: tuple[int, bytes], era: Era, issues: list[str]) -> Option:
    """The option for a (code, data) pair; a wrong size, or data its shape cannot decode, is noted
    in `issues` now."""
    code, data = pair
    entry = _CODES[era.legacy].get(code)
    if entry is not None:
        name, size, decode, fits = entry
        if size is not None and len(data) != size:
            issues.append(f"option {code} {name}: length {len(data)}, expected {size}")
        elif fits is not None and not fits(data):   # else it cannot fail: decoded when read
            try:
                return Option(code, name, data, decode(data))
            except ValueError as exc:
                issues.append(f"option {code} {name}: undecodable ({exc})")
    return _SHARED[era.legacy][pair]            # deferred: hex for an unknown code or a wrong size


def _code_table(era: Era) -> dict[int, tuple]:
    """Per option code of an era: name, exact size, value decoder, and the check that it will not
    fail (None: it never does)."""
    return {code: (spec.name, spec.size, partial(DECODERS[spec.shape], era=era), FITS.get(spec.shape))
            for code, spec in era.options.items()}


_CODES = {False: _code_table(MODERN), True: _code_table(LEGACY)}
_SIZES = {legacy: {code: entry[1] for code, entry in codes.items() if entry[1] is not None}
          for legacy, codes in _CODES.items()}
_SHARED = {legacy: SharedOptions(lambda code, data, codes=codes: _option(code, data, codes.get(code)))
           for legacy, codes in _CODES.items()}


def _checked(tlv: bytes, era: Era) -> tuple[Option, str | None, str | None]:
    """The option for one whole TLV (code, length, data), the issue it has (None: none), as
    _decode_option finds them, and its name if its size is one ISC accepts (FailoverMessage.by_name
    keeps only those, else None); the same TLV always gives the same answer, so it is kept in a memo."""
    pair = ((tlv[0] << 8) | tlv[1], tlv[4:])
    issues: list[str] = []
    size = _SIZES[era.legacy].get(pair[0])
    opt = _decode_option(pair, era, issues)
    return opt, (issues[0] if issues else None), opt[1] if size is None or len(pair[1]) == size else None


# per era: whole TLV bytes -> (Option, issue, name). Bounded like _SHARED (options of up to 64 data bytes kept).
_CHECKED = {era.legacy: BoundedMemo(partial(_checked, era=era), 4096, lambda tlv: len(tlv) <= 68)
            for era in (MODERN, LEGACY)}
# per era: option codes -> a _Layout that names them (message_from_layout)
_NAMED = {legacy: BoundedMemo(partial(lambda codes, legacy: _Layout(codes, None, legacy), legacy=legacy), 1024)
          for legacy in (False, True)}


def _note_duplicates(msg: FailoverMessage) -> None:
    # ISC drops the connection on a repeated option ("FAILOVER: duplicate option"), so no batching.
    seen: set[int] = set()
    for opt in msg.options:
        if opt.code in seen:
            msg.issues.append(f"duplicate option {opt.code} {opt.name}")
        seen.add(opt.code)


def decode_candidate(buf: bytes, legacy: bool | None) -> FailoverMessage:
    """decode_failover for a header the stream cutter found while out of step: the same message,
    but bytes that may be no message at all teach no layout (and pay for no layout lookup)."""
    return _decode_usual(buf, legacy) or _decode_general(buf, legacy)


# for the stream cutter's hot loop (framing.py), which has bytes already: decode_failover's two paths,
# and the layout path that reads a message in place
decode_shaped, decode_general, decode_laid, HEADER = _decode_shaped, _decode_general, _laid, _HEADER


def is_plausible_header(buf: bytes, pos: int = 0) -> bool:
    """Could a message start at buf[pos]? Length 12-2048, a known type 1-12, payload offset 12..length."""
    if len(buf) - pos < 4:
        return False
    length = (buf[pos] << 8) | buf[pos + 1]
    return (tables.MIN_LENGTH <= length <= tables.MAX_LENGTH and buf[pos + 2] in tables.MESSAGE_TYPES
            and tables.HEADER_SIZE <= buf[pos + 3] <= length)
