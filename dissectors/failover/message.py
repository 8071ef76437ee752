"""The decoded ISC DHCP failover message (draft-ietf-dhc-failover-12 §6, as ISC dhcpd 4.x sends it)."""
from __future__ import annotations

from dissectors.options import Option


class FailoverMessage:
    """One failover message cut from a TCP/647 byte stream by its 2-byte length prefix.

    length        total message length including the 2 length bytes
    type          1 POOLREQ .. 12 DISCONNECT
    type_name     ISC 4.x / draft-12 name: UPDREQALL is 7, UPDREQ is 9 (tshark swaps them)
    poffset       payload offset, ISC always 12
    time          sender's clock, epoch seconds
    xid
    extra_header  poffset-12 bytes, ISC never sends any
    options       wire order
    issues
    legacy        decoded with the ISC 3.0.x numbering
    by_name       raw option bytes by name (first occurrence, of the exact size ISC requires where
                  it requires one), as the engine reads them; set by the decoder's fast paths, None
                  when not made yet

    `options` may be made when first read: the decoder's shaped path (decode.py) gives the message
    its layout and the option data instead, since `report` reads only `by_name` (most messages of a
    large capture never have their option list made). A plain class with slots rather than a
    dataclass for that one lazy attribute; equality and repr are a dataclass's.
    """

    __slots__ = ("length", "type", "type_name", "poffset", "time", "xid", "extra_header", "_options",
                 "issues", "legacy", "by_name", "_layout", "_data")
    _FIELDS = ("length", "type", "type_name", "poffset", "time", "xid", "extra_header", "options",
               "issues", "legacy")

    def __init__(self, length: int, type: int, type_name: str, poffset: int, time: int, xid: int,
                 extra_header: bytes = b"", options: list[Option] | None = None,
                 issues: list[str] | None = None, legacy: bool = False,
                 by_name: dict[str, bytes] | None = None, layout=None, data: tuple | None = ()) -> None:
        # one statement per attribute: made a million times per large capture
        self.length = length
        self.type = type
        self.type_name = type_name
        self.poffset = poffset
        self.time = time
        self.xid = xid
        self.extra_header = extra_header
        # a layout (with its options' data) makes the options when first read
        self._options = options if options is not None or layout is not None else []
        self.issues = issues if issues is not None else []
        self.legacy = legacy
        self.by_name = by_name
        self._layout = layout
        self._data = data

    @property
    def options(self) -> list[Option]:
        options = self._options
        if options is None:     # the data in wire order: by_name holds every option of a layout, in order
            data = self._data if self._data is not None else tuple(self.by_name.values())
            options = self._options = self._layout.options(data)
        return options

    @options.setter
    def options(self, options: list[Option]) -> None:
        self._options, self._layout, self._data = options, None, ()

    def layout_data(self) -> tuple[tuple[int, ...], dict[str, bytes]] | None:
        """(option codes, by_name) of a message whose options are not made yet (the decoder's
        shaped path: by_name then holds every option, in wire order), for handing it to another
        process cheaply; None otherwise."""
        if self._options is None:
            return self._layout.codes, self.by_name
        return None

    def get(self, name: str, default: object = None) -> object:
        """The decoded value of the first option with this draft-12 name (era-independent)."""
        for opt in self.options:
            if opt.name == name:
                return opt.value
        return default

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None     # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(self._FIELDS, self._fields()))
        return f"FailoverMessage({inner})"
