"""Real DHCP messages, byte by byte: the DISCOVER, OFFER and ACK of Wireshark's dhcp.pcap sample.

The bytes are written out field by field so a reader can check each against RFC 2131 figure 1;
a test confirms they are exactly the UDP payloads of the capture in the shared corpus.
"""
from __future__ import annotations

import json

import pytest

from dissectors.dhcp import DhcpMessage, decode_dhcp
from tests.conftest import corpus_file
from tests.dissectors.conftest import udp_payloads

DISCOVER = b"".join([
    bytes([1]),                         # op: BOOTREQUEST
    bytes([1]),                         # htype: Ethernet
    bytes([6]),                         # hlen: 6-byte MAC
    bytes([0]),                         # hops
    bytes.fromhex("00003d1d"),          # xid
    bytes.fromhex("0000"),              # secs
    bytes.fromhex("0000"),              # flags: unicast
    bytes(4),                           # ciaddr 0.0.0.0
    bytes(4),                           # yiaddr 0.0.0.0
    bytes(4),                           # siaddr 0.0.0.0
    bytes(4),                           # giaddr 0.0.0.0
    bytes.fromhex("000b8201fc42") + bytes(10),  # chaddr: MAC + 10 bytes padding
    bytes(64),                          # sname: not given
    bytes(128),                         # file: not given
    bytes.fromhex("63825363"),          # magic cookie
    bytes.fromhex("350101"),            # 53 message type: DISCOVER
    bytes.fromhex("3d0701000b8201fc42"),  # 61 client-id: htype 1 + MAC
    bytes.fromhex("320400000000"),      # 50 requested address 0.0.0.0
    bytes.fromhex("37040103062a"),       # 55 PRL: 1 subnet, 3 routers, 6 DNS, 42 NTP
    bytes.fromhex("ff"),                # END
    bytes(7),                           # padding
])

OFFER = b"".join([
    bytes([2, 1, 6, 0]),                # op BOOTREPLY, htype Ethernet, hlen 6, hops 0
    bytes.fromhex("00003d1d"),          # xid, echoed from the DISCOVER
    bytes(2), bytes(2),                 # secs 0, flags 0
    bytes(4),                           # ciaddr 0.0.0.0
    bytes([192, 168, 0, 10]),           # yiaddr: the offered address
    bytes([192, 168, 0, 1]),            # siaddr: next server
    bytes(4),                           # giaddr: no relay
    bytes.fromhex("000b8201fc42") + bytes(10),  # chaddr
    bytes(64), bytes(128),              # sname, file
    bytes.fromhex("63825363"),          # magic cookie
    bytes.fromhex("350102"),            # 53: OFFER
    bytes.fromhex("0104ffffff00"),      # 1 subnet mask 255.255.255.0
    bytes.fromhex("3a0400000708"),      # 58 T1 1800 s
    bytes.fromhex("3b0400000c4e"),      # 59 T2 3150 s
    bytes.fromhex("330400000e10"),      # 51 lease 3600 s
    bytes.fromhex("3604c0a80001"),      # 54 server identifier 192.168.0.1
    bytes.fromhex("ff"), bytes(26),     # END, padding to the 300-byte BOOTP minimum
])

ACK = b"".join([
    bytes([2, 1, 6, 0]),                # BOOTREPLY, Ethernet, hlen 6, hops 0
    bytes.fromhex("00003d1e"),          # xid of the REQUEST
    bytes(2), bytes(2),                 # secs, flags
    bytes(4),                           # ciaddr
    bytes([192, 168, 0, 10]),           # yiaddr
    bytes(4), bytes(4),                 # siaddr, giaddr
    bytes.fromhex("000b8201fc42") + bytes(10),
    bytes(64), bytes(128),
    bytes.fromhex("63825363"),
    bytes.fromhex("350105"),            # 53: ACK
    bytes.fromhex("3a0400000708"),      # 58 T1
    bytes.fromhex("3b0400000c4e"),      # 59 T2
    bytes.fromhex("330400000e10"),      # 51 lease
    bytes.fromhex("3604c0a80001"),      # 54 server identifier
    bytes.fromhex("0104ffffff00"),      # 1 subnet mask
    bytes.fromhex("ff"), bytes(26),
])


def test_bytes_are_the_corpus_payloads():
    frames = dict(udp_payloads(corpus_file("wireshark/dhcp.pcap")))
    assert (frames[1], frames[2], frames[4]) == (DISCOVER, OFFER, ACK)


def test_discover_header_and_options():
    msg = decode_dhcp(DISCOVER)
    assert (msg.op, msg.htype, msg.hlen, msg.hops, msg.xid, msg.secs, msg.flags) == (1, 1, 6, 0, 0x3D1D, 0, 0)
    assert (msg.ciaddr, msg.yiaddr, msg.siaddr, msg.giaddr) == ("0.0.0.0",) * 4
    assert msg.chaddr == bytes.fromhex("000b8201fc42")
    assert (msg.sname, msg.file, msg.has_cookie) == (b"", b"", True)
    assert msg.msg_type == "DISCOVER"
    assert [(o.code, o.name, o.raw.hex(), o.value) for o in msg.options] == [
        (53, "dhcp-message-type", "01", "DISCOVER"),
        (61, "client-identifier", "01000b8201fc42", {"type": 1, "mac": "00:0b:82:01:fc:42"}),
        (50, "requested-address", "00000000", "0.0.0.0"),
        (55, "dhcp-parameter-request-list", "0103062a", [1, 3, 6, 42]),
    ]
    assert (msg.issues, msg.trailing) == ([], b"")


def test_offer_values():
    msg = decode_dhcp(OFFER)
    assert (msg.op, msg.yiaddr, msg.siaddr, msg.msg_type) == (2, "192.168.0.10", "192.168.0.1", "OFFER")
    values = {o.name: o.value for o in msg.options}
    assert values == {"dhcp-message-type": "OFFER", "subnet-mask": "255.255.255.0",
                      "dhcp-renewal-time": 1800, "dhcp-rebinding-time": 3150,
                      "dhcp-lease-time": 3600, "dhcp-server-identifier": "192.168.0.1"}
    assert msg.issues == []


def test_ack_keeps_wire_order():
    msg = decode_dhcp(ACK)
    assert [o.code for o in msg.options] == [53, 58, 59, 51, 54, 1]
    assert msg.option(54).value == "192.168.0.1" and msg.option(3) is None


def test_values_are_json_serialisable():
    for payload in (DISCOVER, OFFER, ACK):
        json.dumps([o.value for o in decode_dhcp(payload).options])


@pytest.mark.parametrize("secs, looks_le, swapped", [
    (0, False, 0), (3, False, 0x0300), (255, False, 0xFF00),
    (0x0300, True, 3), (0x0400, True, 4), (0x0301, False, 0x0103),
], ids=["zero", "3-big-endian", "255", "3-sent-little-endian", "4-sent-little-endian", "769-ambiguous"])
def test_secs_byte_order(bootp, secs, looks_le, swapped):
    msg = decode_dhcp(bootp(secs=secs, options=bytes.fromhex("350101ff")))
    assert msg.secs == secs                 # always ntohs, as ISC reads it
    assert msg.is_secs_little_endian is looks_le
    assert msg.secs_swapped == swapped


def test_secs_swapped_values_from_the_lab_capture():
    # fo-dhcp.pcap has clients that send secs byte-swapped (see the corpus MANIFEST).
    msgs = [decode_dhcp(p) for _, p in udp_payloads(corpus_file("isc-failover/fo-dhcp.pcap"))]
    swapped = [m for m in msgs if m.is_secs_little_endian]
    assert swapped, "fo-dhcp.pcap should hold byte-swapped secs"
    assert all(m.secs >= 0x100 and m.secs_swapped < 0x100 for m in swapped)


def test_broadcast_flag(bootp):
    assert decode_dhcp(bootp(flags=0x8000, options=b"\xff")).is_broadcast
    assert not decode_dhcp(bootp(flags=0x0001, options=b"\xff")).is_broadcast


def test_plain_bootp_without_cookie(bootp):
    msg = decode_dhcp(bootp(cookie=b"", options=bytes(64), sname=b"boot-host", file=b"/tftpboot/x"))
    assert isinstance(msg, DhcpMessage)
    assert (msg.has_cookie, msg.options, msg.issues, msg.trailing) == (False, [], [], b"")
    assert (msg.sname, msg.file, msg.msg_type) == (b"boot-host", b"/tftpboot/x", None)


def test_header_only_bootp_has_no_issue(bootp):
    msg = decode_dhcp(bootp(cookie=b""))
    assert (msg.has_cookie, msg.issues) == (False, [])


def test_unknown_message_type_keeps_its_number(bootp):
    msg = decode_dhcp(bootp(options=bytes.fromhex("35016aff")))
    assert msg.msg_type == "TYPE106" and msg.option(53).value == "TYPE106"


def test_unknown_option_survives_as_hex(bootp):
    msg = decode_dhcp(bootp(options=bytes.fromhex("350101") + bytes.fromhex("e603010203") + b"\xff"))
    opt = msg.option(230)
    assert (opt.name, opt.raw, opt.value) == ("option-230", b"\x01\x02\x03", "010203")


def test_text_is_kept_as_sent(bootp):
    # Suricata logs this host name as "nas1\u0000": the NUL a client sent is data, not a terminator.
    msg = decode_dhcp(bootp(options=bytes.fromhex("0c056e61733100") + b"\xff"))
    assert msg.option(12).value == "nas1\x00"
    latin = decode_dhcp(bootp(options=bytes.fromhex("0c03e9e0ff") + b"\xff")).option(12).value
    assert latin == "\xe9\xe0\xff"          # not UTF-8: every byte kept via Latin-1
