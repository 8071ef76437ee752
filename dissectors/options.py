"""The decoded-option record shared by the DHCP and failover dissectors."""
from __future__ import annotations

from collections.abc import Callable

_LATER = object()       # the value has not been decoded yet


class Option:
    """One TLV option as it was on the wire.

    code:  the option number (DHCP 0..255, failover 0..65535)
    name:  the RFC / draft name (`dhcp-message-type`, `assigned-ip-address`), or `option-N` if unknown
    raw:   the option's data bytes (for RFC 3396 long options: all fragments concatenated)
    value: the decoded value, JSON-serialisable (str, int, list, dict); the hex of raw when undecodable

    The value is either given, or decoded from raw by `decode` the first time it is read. The
    dissectors give it when decoding could fail (so the failure is known, as an issue, at once) and
    defer it otherwise: the correlation engine reads raw bytes only, so `report` never pays for
    values, while the packet view and the TUI read them as before.
    """

    __slots__ = ("code", "name", "raw", "_value", "_decode")

    def __init__(self, code: int, name: str, raw: bytes, value: object = _LATER,
                 decode: Callable[[bytes], object] | None = None) -> None:
        if value is _LATER and decode is None:
            raise TypeError("Option needs a value or a decode function")
        self.code = code
        self.name = name
        self.raw = raw
        self._value = value
        self._decode = decode

    @property
    def value(self) -> object:
        value = self._value
        if value is _LATER:
            try:
                value = self._decode(self.raw)
            except ValueError:      # the dissectors' fallback for bytes that do not fit the shape
                value = self.raw.hex()
            self._value = value
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Option):
            return NotImplemented
        return (self.code, self.name, self.raw, self.value) == (other.code, other.name, other.raw, other.value)

    __hash__ = None         # mutable (the cached value), like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Option(code={self.code!r}, name={self.name!r}, raw={self.raw!r}, value={self.value!r})"
