"""Every option shape decoder: a good value from the RFC's layout, and what makes it malformed."""
from __future__ import annotations

import json
import re

import pytest

from dissectors.dhcp.compound import SHAPES
from dissectors.dhcp.options import OPTIONS, spec_for
from dissectors.dhcp.shapes import BadValue

H = bytes.fromhex

GOOD = [
    ("ip", H("c0a80001"), "192.168.0.1"),
    ("ip-list", H("0a0000010a000002"), ["10.0.0.1", "10.0.0.2"]),
    ("ip-list", b"", []),                                     # option 68 may be empty
    ("policy-filters", H("0a000000ff000000"), [{"address": "10.0.0.0", "mask": "255.0.0.0"}]),
    ("static-routes", H("0a0000000a000001"), [{"destination": "10.0.0.0", "router": "10.0.0.1"}]),
    ("u8", H("40"), 64),
    ("u16", H("024e"), 590),
    ("u32", H("00000e10"), 3600),
    ("i32", H("ffffb9b0"), -18000),                           # time-offset UTC-5
    ("time", H("ffffffff"), 0xFFFFFFFF),                      # infinite lease
    ("u8-list", H("01031c"), [1, 3, 28]),
    ("u16-list", H("00000007"), [0, 7]),
    ("bool", H("01"), True),
    ("bool", H("00"), False),
    ("string", b"host-1", "host-1"),
    ("bytes", H("00ff10"), "00ff10"),
    ("msg-type", H("08"), "INFORM"),
    ("msg-type", H("12"), "TLS"),
    ("msg-type", H("6a"), "TYPE106"),
    ("client-id", H("01000b8201fc42"), {"type": 1, "mac": "00:0b:82:01:fc:42"}),
    ("client-id", H("ff0000000100030001aabbccddeeff"),        # RFC 4361: IAID 1 + DUID-LL
     {"type": 255, "iaid": 1, "duid": "00030001aabbccddeeff"}),
    ("client-id", H("00") + b"zeek-host", {"type": 0, "hex": b"zeek-host".hex()}),
    ("fqdn", H("050000") + H("04686f7374076578616d706c6503636f6d00"),   # E and S flags, wire name
     {"flags": 5, "rcode1": 0, "rcode2": 0, "name": "host.example.com"}),
    ("fqdn", H("04ffff") + H("04686f7374"), {"flags": 4, "rcode1": 255, "rcode2": 255, "name": "host"}),
    ("fqdn", H("000000") + b"host.example.com", {"flags": 0, "rcode1": 0, "rcode2": 0,
                                                 "name": "host.example.com"}),
    # RFC 3397 §2 example: the second name points back to "apple.com" at offset 4.
    ("domain-list", H("03656e67056170706c6503636f6d00096d61726b6574696e67c004"),
     ["eng.apple.com", "marketing.apple.com"]),
    ("sip-servers", H("00") + H("03736970076578616d706c6503636f6d00"),
     {"encoding": 0, "names": ["sip.example.com"]}),
    ("sip-servers", H("01c0a80001"), {"encoding": 1, "addresses": ["192.168.0.1"]}),
    # RFC 3442 §2: default route, 10/8, 192.168.1/24 each with a router.
    ("routes", H("00c0a80001" "080ac0a80002" "18c0a801c0a80003"),
     [{"destination": "0.0.0.0/0", "router": "192.168.0.1"},
      {"destination": "10.0.0.0/8", "router": "192.168.0.2"},
      {"destination": "192.168.1.0/24", "router": "192.168.0.3"}]),
    ("user-class", H("0461626364" "027879"), ["abcd", "xy"]),   # RFC 3004 §2: counted instances
    ("user-class", H("0461626364" "0278"), "\x04abcd\x02x"),     # counts do not fit: plain text
    ("user-class", b"RRAS.Microsoft", "RRAS.Microsoft"),       # pre-RFC Windows form
    ("vivco", H("0000118b" "06" "05646f637369"), [{"enterprise": 4491, "data": ["646f637369"]}]),
    ("vivso", H("00000de9" "05" "0103616263"),
     [{"enterprise": 3561, "suboptions": [{"code": 1, "raw": "616263"}]}]),
    ("relay-agent", H("0103616263" "020113" "0504c0a80001"),
     [{"code": 1, "name": "circuit-id", "raw": "616263", "value": "616263"},
      {"code": 2, "name": "remote-id", "raw": "13", "value": "13"},
      {"code": 5, "name": "link-selection", "raw": "c0a80001", "value": "192.168.0.1"}]),
    ("relay-agent", H("0603") + b"sub" + H("0b040a000001") + H("09080000000903aabbcc"),
     [{"code": 6, "name": "subscriber-id", "raw": "737562", "value": "sub"},
      {"code": 11, "name": "server-id-override", "raw": "0a000001", "value": "10.0.0.1"},
      {"code": 9, "name": "vendor-specific", "raw": "0000000903aabbcc",
       "value": [{"enterprise": 9, "data": "aabbcc"}]}]),
    ("relay-agent", H("9704") + H("00") + b"vpn",
     [{"code": 151, "name": "virtual-subnet-selection", "raw": "0076706e",
       "value": {"type": 0, "value": "vpn"}}]),
    ("auth", H("010100" "0000000000000001" "abcd"),
     {"protocol": 1, "algorithm": 1, "rdm": 0, "replay": "0000000000000001", "info": "abcd"}),
    ("client-ndi", H("010201"), {"type": 1, "major": 2, "minor": 1}),
    ("uuid", H("00") + bytes(range(16)), {"type": 0, "guid": bytes(range(16)).hex()}),
    ("uri-list", H("0005") + b"a://b" + H("0001") + b"c", ["a://b", "c"]),
    ("status-code", H("00") + b"ok", {"code": 0, "message": "ok"}),
    ("enterprise-data", H("0000000902abcd"), [{"enterprise": 9, "data": "abcd"}]),
    ("vss", H("ff"), {"type": 255, "value": ""}),
]

BAD = [
    ("ip", H("c0a800"), "length 3, expected 4"),
    ("ip-list", H("0a000001aa"), "length 5, expected a multiple of 4"),
    ("static-routes", H("0a0000"), "length 3, expected a non-zero multiple of 8"),
    ("static-routes", b"", "length 0, expected a non-zero multiple of 8"),
    ("u16", H("01"), "length 1, expected 2"),
    ("time", H("0000"), "length 2, expected 4"),
    ("u8-list", b"", "length 0, expected a non-zero multiple of 1"),
    ("bool", H("02"), "value 2 is not 0 or 1"),
    ("msg-type", H("0101"), "length 2, expected 1"),
    ("client-id", H("01"), "length 1, expected at least 2"),
    ("fqdn", H("05"), "length 1, expected at least 3"),
    ("domain-list", H("03656e67"), "domain name runs past end of option at offset 4"),
    ("domain-list", H("c000"), "domain name pointer at offset 0 to 0 does not point backwards"),
    # A second name whose pointer loops back to its own start: rejected, not followed forever.
    ("domain-list", H("016100" "0162c003"), "domain name pointer at offset 5 to 3 does not point backwards"),
    ("domain-list", H("0561"), "domain name label of 5 bytes runs past end of option"),
    ("domain-list", H("40"), "domain name label type 0x40 at offset 0"),
    ("sip-servers", H("02"), "encoding 2 is not 0 (names) or 1 (addresses)"),
    ("routes", H("21") + bytes(8), "route 1 mask width 33 > 32"),
    ("routes", H("18c0a8"), "route 1 runs past end of option"),
    ("vivso", H("0000"), "enterprise block at offset 0 is shorter than 5 bytes"),
    ("vivso", H("00000de90a01"), "enterprise 3561 data length 10 runs past end of option"),
    ("relay-agent", H("0109616263"), "sub-option 1 length 9 runs past end of option (3 bytes left)"),
    ("relay-agent", H("020113" "05"), "sub-option 5 has no length byte"),
    ("relay-agent", H("050201ff"), "sub-option 5 (link-selection) length 2, expected 4"),
    ("auth", bytes(10), "length 10, expected at least 11"),
    ("uuid", bytes(16), "length 16, expected 17"),
    ("uri-list", H("0009") + b"ab", "URI 1 length 9 runs past end of option"),
    ("status-code", b"", "length 0, expected a status code"),
]


def _case_id(case: tuple) -> str:
    shape, raw = case[0], case[1]
    return f"{shape}-{raw.hex()[:16] or 'empty'}"


@pytest.mark.parametrize("shape, raw, expected", GOOD, ids=[_case_id(c) for c in GOOD])
def test_shape_decodes(shape, raw, expected):
    value = SHAPES[shape](raw)
    assert value == expected
    json.dumps(value)


@pytest.mark.parametrize("shape, raw, reason", BAD, ids=[_case_id(c) for c in BAD])
def test_shape_rejects(shape, raw, reason):
    with pytest.raises(BadValue) as err:
        SHAPES[shape](raw)
    assert str(err.value) == reason


def test_every_table_shape_has_a_decoder_and_a_test():
    shapes = {spec.shape for spec in OPTIONS.values()}
    assert shapes <= SHAPES.keys()
    assert shapes <= {shape for shape, _raw, _value in GOOD}


def test_table_names_are_unique_kebab_case():
    names = [spec.name for spec in OPTIONS.values()]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)
    assert all(code == spec.code and spec.ref for code, spec in OPTIONS.items())


def test_table_covers_rfc2132_and_the_field_options():
    rfc2132 = set(range(1, 77)) - {62, 63}
    field = {43, 52, 60, 61, 77, 81, 82, 90, 91, 92, 93, 94, 97, 116, 118, 119, 120, 121, 125, 249, 252}
    assert rfc2132 | field <= OPTIONS.keys()
    assert {OPTIONS[c].name for c in (53, 54, 51, 12, 61, 50)} == {
        "dhcp-message-type", "dhcp-server-identifier", "dhcp-lease-time", "host-name",
        "client-identifier", "requested-address"}


def test_unknown_code_spec():
    spec = spec_for(240)
    assert (spec.name, spec.shape) == ("option-240", "bytes")
