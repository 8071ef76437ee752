"""The decoded-option record shared by the DHCP and failover dissectors."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable

from dissectors.memo import BoundedMemo

LATER = object()        # stands for "decode the value from raw when it is read"

_Fields = namedtuple("_Fields", ("code", "name", "raw", "stored", "decoder"))


class Option(_Fields):
    """One TLV option as it was on the wire.

    code:  the option number (DHCP 0..255, failover 0..65535)
    name:  the RFC / draft name (`dhcp-message-type`, `assigned-ip-address`), or `option-N` if unknown
    raw:   the option's data bytes (for RFC 3396 long options: all fragments concatenated)
    value: the decoded value, JSON-serialisable (str, int, list, dict); the hex of raw when undecodable

    The value is either given (`stored`) or decoded from raw by `decoder` whenever it is read.
    The dissectors give it when decoding could fail, so that the failure is known at once as an
    issue, and defer it otherwise: the correlation engine reads raw bytes only, so `report` never
    pays for values, while the packet view and the TUI read them as before.

    A tuple underneath: the dissectors make hundreds of thousands of these per large capture and
    build them with `tuple.__new__(Option, (code, name, raw, LATER, decoder))`, one C call without
    a Python-level __init__.
    """

    __slots__ = ()

    def __new__(cls, code: int, name: str, raw: bytes, value: object = LATER,
                decoder: Callable[[bytes], object] | None = None) -> Option:
        if value is LATER and decoder is None:
            raise TypeError("Option needs a value or a decoder")
        return tuple.__new__(cls, (code, name, raw, value, decoder))

    @property
    def value(self) -> object:
        value = self[3]
        if value is not LATER:
            return value
        try:
            return self[4](self[2])
        except ValueError:      # the dissectors' fallback for bytes that do not fit the shape
            return self[2].hex()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Option):
            return NotImplemented
        return (self[0], self[1], self[2], self.value) == (other[0], other[1], other[2], other.value)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self[0], self[1], self[2]))

    def __repr__(self) -> str:
        return f"Option(code={self.code!r}, name={self.name!r}, raw={self.raw!r}, value={self.value!r})"

    def __reduce__(self):
        return (Option, (self[0], self[1], self[2], self.value))



class SharedOptions(BoundedMemo):
    """Deferred Options shared between messages: (code, raw) -> the one Option made for them.

    A capture's servers send the same server identifier, lease time, mask and router in every
    reply and each client repeats its own options in every message (83-90 % of the options in
    the lab captures had been seen before). An Option is immutable and decodes its value when
    read, so one object can stand for every occurrence; looking it up costs a fraction of making
    it. `make(code, raw)` makes a missing one. Bounded: only options of up to `max_bytes` are kept
    (the usual ones; a hostile stream of large distinct options keeps nothing big), and the table
    is emptied when it holds `limit`.
    """

    def __init__(self, make: Callable[[int, bytes], Option], limit: int = 4096, max_bytes: int = 64) -> None:
        super().__init__(lambda pair: make(*pair), limit, lambda pair: len(pair[1]) <= max_bytes)
