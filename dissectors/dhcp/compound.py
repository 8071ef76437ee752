"""Decoders for the structured DHCP option shapes: client-id, FQDN, routes, domain lists,
relay-agent and vendor sub-options.

Same contract as `shapes.py`: data bytes in, JSON-serialisable value out, `BadValue` when the
bytes do not fit the RFC layout (the caller then keeps the hex and records an issue).
"""
from __future__ import annotations

import struct
from collections.abc import Callable

from dissectors.addr import ip_text
from dissectors.dhcp.dnsname import read_name, read_name_list
from dissectors.dhcp.enums import RELAY_AGENT_SUBOPTIONS
from dissectors.dhcp.shapes import SIMPLE_SHAPES, BadValue, ip_list, need_length, split_counted, split_tlvs
from dissectors.dhcp.text import decode_text, format_mac

_ENTERPRISE = struct.Struct("!IB")


def client_id(data: bytes) -> dict[str, object]:
    """Option 61 (RFC 2132 §9.14): a hardware type and address, or RFC 4361 IAID + DUID (type 255)."""
    if len(data) < 2:
        raise BadValue(f"length {len(data)}, expected at least 2")
    kind, rest = data[0], data[1:]
    if kind == 1 and len(rest) == 6:
        return {"type": 1, "mac": format_mac(rest)}
    if kind == 255 and len(rest) >= 5:
        return {"type": 255, "iaid": int.from_bytes(rest[:4], "big"), "duid": rest[4:].hex()}
    return {"type": kind, "hex": rest.hex()}


def client_fqdn(data: bytes) -> dict[str, object]:
    """Option 81 (RFC 4702 §2): flags, two deprecated RCODEs, then the name (wire format if E set)."""
    if len(data) < 3:
        raise BadValue(f"length {len(data)}, expected at least 3")
    flags = data[0]
    if flags & 0x04:                # E: canonical wire encoding; a partial name has no root label
        name, end = read_name(data[3:], 0, partial_ok=True)
        if end != len(data) - 3:
            raise BadValue(f"{len(data) - 3 - end} bytes after the domain name")
    else:                           # deprecated ASCII encoding, still sent by Windows clients
        name = decode_text(data[3:])
    return {"flags": flags, "rcode1": data[1], "rcode2": data[2], "name": name}


def domain_list(data: bytes) -> list[str]:
    """Option 119 (RFC 3397): compressed names; pointers are offsets into the whole option."""
    return read_name_list(data)


def sip_servers(data: bytes) -> dict[str, object]:
    """Option 120 (RFC 3361 §3): encoding byte 0 then names, or 1 then IPv4 addresses."""
    if not data:
        raise BadValue("length 0, expected an encoding byte")
    if data[0] == 0:
        return {"encoding": 0, "names": read_name_list(data[1:])}
    if data[0] == 1:
        return {"encoding": 1, "addresses": ip_list(data[1:])}
    raise BadValue(f"encoding {data[0]} is not 0 (names) or 1 (addresses)")


def classless_routes(data: bytes) -> list[dict[str, str]]:
    """Options 121 / 249 (RFC 3442 §2): width, significant destination octets, router."""
    routes, pos = [], 0
    while pos < len(data):
        width = data[pos]
        if width > 32:
            raise BadValue(f"route {len(routes) + 1} mask width {width} > 32")
        size = (width + 7) // 8
        if pos + 1 + size + 4 > len(data):
            raise BadValue(f"route {len(routes) + 1} runs past end of option")
        dest = data[pos + 1:pos + 1 + size].ljust(4, b"\x00")
        router = data[pos + 1 + size:pos + 5 + size]
        routes.append({"destination": f"{ip_text(dest)}/{width}", "router": ip_text(router)})
        pos += 5 + size
    return routes


def user_class(data: bytes) -> list[str] | str:
    """Option 77: RFC 3004 length-prefixed classes (a list), else the pre-RFC plain text (a str)
    that Windows clients send."""
    try:
        return [decode_text(item) for item in split_counted(data, "user class")]
    except BadValue:
        return decode_text(data)


def _enterprise_blocks(data: bytes) -> list[tuple[int, bytes]]:
    """Enterprise number + length + data blocks (RFC 3925 §3/§4, RFC 4243 §2)."""
    blocks, pos = [], 0
    while pos < len(data):
        if pos + 5 > len(data):
            raise BadValue(f"enterprise block at offset {pos} is shorter than 5 bytes")
        number, length = _ENTERPRISE.unpack_from(data, pos)
        if pos + 5 + length > len(data):
            raise BadValue(f"enterprise {number} data length {length} runs past end of option")
        blocks.append((number, data[pos + 5:pos + 5 + length]))
        pos += 5 + length
    return blocks


def enterprise_data(data: bytes) -> list[dict[str, object]]:
    """Option 82 sub-option 9 (RFC 4243): opaque data per enterprise number."""
    return [{"enterprise": number, "data": body.hex()} for number, body in _enterprise_blocks(data)]


def vendor_classes(data: bytes) -> list[dict[str, object]]:
    """Option 124 V-I vendor class (RFC 3925 §3): per enterprise, length-prefixed class data."""
    return [{"enterprise": number, "data": [item.hex() for item in split_counted(body, "class data")]}
            for number, body in _enterprise_blocks(data)]


def vendor_options(data: bytes) -> list[dict[str, object]]:
    """Option 125 V-I vendor-specific (RFC 3925 §4): per enterprise, code/length sub-options."""
    return [{"enterprise": number,
             "suboptions": [{"code": code, "raw": raw.hex()} for code, raw in split_tlvs(body)]}
            for number, body in _enterprise_blocks(data)]


def vss(data: bytes) -> dict[str, object]:
    """Virtual subnet selection (RFC 6607 §3.1): type 0 VPN name, 1 RFC 2685 VPN-ID, 255 global."""
    if not data:
        raise BadValue("length 0, expected a type byte")
    body = data[1:]
    return {"type": data[0], "value": decode_text(body) if data[0] == 0 else body.hex()}


def relay_agent(data: bytes) -> list[dict[str, object]]:
    """Option 82 (RFC 3046): sub-options in wire order, each with code, name, raw hex and value."""
    return [_relay_suboption(code, raw) for code, raw in split_tlvs(data)]


def _relay_suboption(code: int, raw: bytes) -> dict[str, object]:
    name, _title, shape = RELAY_AGENT_SUBOPTIONS.get(code, (f"suboption-{code}", "", "bytes"))
    try:
        value = SUBOPTION_SHAPES[shape](raw)
    except BadValue as exc:
        raise BadValue(f"sub-option {code} ({name}) {exc}") from None
    return {"code": code, "name": name, "raw": raw.hex(), "value": value}


def authentication(data: bytes) -> dict[str, object]:
    """Option 90 (RFC 3118 §2): protocol, algorithm, RDM, 8-byte replay detection, information."""
    if len(data) < 11:
        raise BadValue(f"length {len(data)}, expected at least 11")
    return {"protocol": data[0], "algorithm": data[1], "rdm": data[2],
            "replay": data[3:11].hex(), "info": data[11:].hex()}


def client_ndi(data: bytes) -> dict[str, int]:
    """Option 94 (RFC 4578 §2.2): interface type (1 = UNDI) and its major/minor version."""
    need_length(data, 3)
    return {"type": data[0], "major": data[1], "minor": data[2]}


def machine_uuid(data: bytes) -> dict[str, object]:
    """Option 97 (RFC 4578 §2.3): type 0 then a 16-byte GUID."""
    need_length(data, 17)
    return {"type": data[0], "guid": data[1:].hex()}


def uri_list(data: bytes) -> list[str]:
    """Option 143 SZTP redirect (RFC 8572 §8.3): URIs each preceded by a 2-byte length."""
    uris, pos = [], 0
    while pos < len(data):
        size = int.from_bytes(data[pos:pos + 2], "big")
        if pos + 2 + size > len(data):
            raise BadValue(f"URI {len(uris) + 1} length {size} runs past end of option")
        uris.append(decode_text(data[pos + 2:pos + 2 + size]))
        pos += 2 + size
    return uris


def status_code(data: bytes) -> dict[str, object]:
    """Option 151 (RFC 6926 §6.2.2): a status code then a UTF-8 message."""
    if not data:
        raise BadValue("length 0, expected a status code")
    return {"code": data[0], "message": decode_text(data[1:])}


SUBOPTION_SHAPES: dict[str, Callable[[bytes], object]] = {
    **SIMPLE_SHAPES, "enterprise-data": enterprise_data, "vss": vss,
}

SHAPES: dict[str, Callable[[bytes], object]] = {
    **SUBOPTION_SHAPES,
    "client-id": client_id,
    "fqdn": client_fqdn,
    "domain-list": domain_list,
    "sip-servers": sip_servers,
    "routes": classless_routes,
    "user-class": user_class,
    "vivco": vendor_classes,
    "vivso": vendor_options,
    "relay-agent": relay_agent,
    "auth": authentication,
    "client-ndi": client_ndi,
    "uuid": machine_uuid,
    "uri-list": uri_list,
    "status-code": status_code,
}
