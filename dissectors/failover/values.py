"""Value decoders for failover option data, one per option shape named in tables.py.

Each decoder gets the option's data bytes (already checked against the exact size ISC requires) and
the era, and returns a JSON-serialisable value; a ValueError means "undecodable", and the caller then
keeps the hex of the raw bytes and records an issue.
"""
from __future__ import annotations

from typing import Callable

from dissectors.addr import ip_text
from dissectors.failover import tables
from dissectors.failover.tables import Era
from dissectors.text import decode_text


def _uint(raw: bytes, era: Era) -> int:
    return int.from_bytes(raw, "big")


def _ipv4(raw: bytes, era: Era) -> str:
    return ip_text(raw)


def _hex(raw: bytes, era: Era) -> str:
    return raw.hex()


def _text(raw: bytes, era: Era) -> str:
    # Failover text options are not NUL-terminated (failover-wire.md §3, options 16/22/28).
    return decode_text(raw)


def colon_hex(raw: bytes) -> str:
    """aa:bb:cc... as hardware addresses are written."""
    return raw.hex(":")


def _enum(table: dict[int, str], prefix: str) -> Callable[[bytes, Era], str]:
    def decode(raw: bytes, era: Era) -> str:
        value = int.from_bytes(raw, "big")
        return table.get(value, f"{prefix}{value}")
    return decode


def _server_state(raw: bytes, era: Era) -> str:
    return era.server_states.get(raw[0], f"STATE{raw[0]}")


def _reject_reason(raw: bytes, era: Era) -> str:
    return era.reject_reasons.get(raw[0], f"reason-{raw[0]}")


def _flags(table: dict[int, str]) -> Callable[[bytes, Era], dict]:
    def decode(raw: bytes, era: Era) -> dict:
        value = int.from_bytes(raw, "big")
        return {"value": value, "names": flag_names(value, table)}
    return decode


def flag_names(value: int, table: dict[int, str]) -> list[str]:
    """Names of the set bits, lowest first; a bit without a name shows as its hex mask."""
    names, bit = [], 1
    while bit <= value:
        if value & bit:
            names.append(table.get(bit, f"0x{bit:04x}"))
        bit <<= 1
    return names


def _client_id(raw: bytes, era: Era) -> dict:
    # ISC sends DHCP option 61's value including its type byte; type 1 = Ethernet (RFC 2132 §9.14).
    value: dict = {"hex": raw.hex()}
    if len(raw) > 1 and raw[0] == 1:
        value["mac"] = colon_hex(raw[1:])
    return value


def _chaddr(raw: bytes, era: Era) -> dict:
    # htype (RFC 1700 ARP hardware type, 1 = Ethernet) followed by the hardware address.
    if not raw:
        raise ValueError("empty")
    return {"htype": raw[0], "mac": colon_hex(raw[1:])}


def _popcount(raw: bytes) -> int:
    return int.from_bytes(raw, "big").bit_count()


def hba_split(bitmap: bytes) -> int | None:
    """The N of `split N` when buckets 0..N-1 are set and the rest clear, else None.

    ISC numbers bucket b as byte b>>3, mask 1<<(b&7) (LSB first); failover-wire.md §6.2.
    """
    set_bits = _popcount(bitmap)
    full, rest = divmod(set_bits, 8)
    prefix = b"\xff" * full + (bytes([(1 << rest) - 1]) if rest else b"")
    expected = prefix + bytes(len(bitmap) - len(prefix))
    return set_bits if bitmap == expected else None


def _hba(raw: bytes, era: Era) -> dict:
    # In ISC a set bit means the primary serves the bucket (draft-12 says the secondary).
    return {"split": hba_split(raw), "primary_buckets": _popcount(raw), "hex": raw.hex()}


def dns_name(raw: bytes) -> str | None:
    """A name in DNS wire format (RFC 1035 §3.1 labels, no compression) as dotted text, else None."""
    labels, pos = [], 0
    while pos < len(raw) and raw[pos]:
        size = raw[pos]
        if size > 63 or pos + 1 + size > len(raw):
            return None
        labels.append(decode_text(raw[pos + 1:pos + 1 + size]))
        pos += 1 + size
    return ".".join(labels) if pos >= len(raw) - 1 and labels else None


def _ddns(raw: bytes, era: Era) -> dict:
    # 2-byte flags then the host name; peers send it as DNS labels or as plain text (draft-12 §12, option 9).
    if len(raw) < 2:
        raise ValueError("shorter than its 2-byte flags")
    flags, name = int.from_bytes(raw[:2], "big"), raw[2:]
    fqdn = dns_name(name)
    return {"flags": flags, "names": flag_names(flags, tables.DDNS_FLAGS),
            "fqdn": fqdn if fqdn is not None else decode_text(name)}


DECODERS: dict[str, Callable[[bytes, Era], object]] = {
    "u8": _uint, "u16": _uint, "u32": _uint, "time": _uint,
    "ipv4": _ipv4, "text": _text, "bytes": _hex,
    "binding-status": _enum(tables.BINDING_STATUS, "STATUS"),
    "server-state": _server_state,
    "reject-reason": _reject_reason,
    "tls-request": _enum(tables.TLS_REQUEST, "tls-"),
    "tls-reply": _enum(tables.TLS_REPLY, "tls-"),
    "ip-flags": _flags(tables.IP_FLAGS),
    "server-flags": _flags(tables.SERVER_FLAGS),
    "client-id": _client_id, "chaddr": _chaddr, "hba": _hba, "ddns": _ddns,
}


# Shapes whose decoder can raise ValueError on data of the right size, each with the check that
# says it will not (Hypothesis tests: the other shapes never fail, and these fail exactly when
# the check is false). The dissector decodes data failing the check at once, so that the problem
# is an issue, and defers the rest to the first read of the value.
FITS: dict[str, Callable[[bytes], bool]] = {
    "chaddr": lambda raw: len(raw) >= 1,        # the htype byte
    "ddns": lambda raw: len(raw) >= 2,          # the flags
}
