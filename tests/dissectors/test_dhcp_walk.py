"""The option walk: RFC 3396 long options, option 52 overload, and malformed input kept as data."""
from __future__ import annotations

import pytest

from dissectors.dhcp import decode_dhcp
from tests.conftest import corpus_file
from tests.dissectors.conftest import build_bootp, udp_payloads

H = bytes.fromhex
DISCOVER_53 = H("350101")


def test_long_option_fragments_are_joined_where_the_first_was(bootp):
    # RFC 3396 §7: a 300-byte host name cannot fit one option, so it is sent as 255 + 45 bytes.
    name = b"h" * 300
    options = DISCOVER_53 + b"\x0c\xff" + name[:255] + H("3d0701000b8201fc42") + b"\x0c\x2d" + name[255:]
    msg = decode_dhcp(bootp(options=options + b"\xff"))
    assert [o.code for o in msg.options] == [53, 12, 61]
    assert msg.option(12).value == "h" * 300 and len(msg.option(12).raw) == 300
    assert msg.split_options == {12: 2}
    assert msg.issues == []


def test_fragments_join_across_options_file_then_sname(bootp):
    # RFC 3396 §5: the aggregate buffer is the options field, then file, then sname.
    options = DISCOVER_53 + H("340103") + H("3803") + b"opt" + b"\xff"
    msg = decode_dhcp(bootp(options=options, file=H("3804") + b"file" + b"\xff",
                            sname=H("3805") + b"sname" + b"\xff"))
    assert msg.option(56).value == "optfilesname"
    assert msg.split_options == {56: 3}
    assert (msg.overload, msg.sname, msg.file, msg.issues) == (3, b"", b"", [])


def test_overload_sname_only_leaves_file_as_text(bootp):
    msg = decode_dhcp(bootp(options=DISCOVER_53 + H("340102ff"), file=b"pxelinux.0",
                            sname=H("0f03") + b"lab" + b"\xff"))
    assert (msg.overload, msg.sname, msg.file) == (2, b"", b"pxelinux.0")
    assert msg.option(15).value == "lab"


def test_without_overload_sname_is_text_even_if_it_looks_like_options(bootp):
    msg = decode_dhcp(bootp(options=DISCOVER_53 + b"\xff", sname=H("0f03") + b"lab" + b"\xff"))
    assert msg.option(15) is None and msg.sname == H("0f03") + b"lab" + b"\xff"


def test_suricata_overload_sname_capture():
    # suricata-verify dhcp-option-52-overload: frames 4 and 7 carry DNS and router in sname
    # (value 2); frames 3 and 8 are the benign twins with a plain server name.
    msgs = dict(udp_payloads(corpus_file("suricata-verify/dhcp-option-52-overload/input.pcap")))
    for frame, server in ((4, "10.100.0.2"), (7, "10.100.0.2"), (3, "10.100.0.1"), (8, "10.100.0.1")):
        msg = decode_dhcp(msgs[frame])
        assert msg.option(6).value == [server] and msg.option(3).value == [server]
        assert msg.issues == []
    assert decode_dhcp(msgs[4]).overload == 2 and decode_dhcp(msgs[4]).sname == b""
    assert decode_dhcp(msgs[3]).sname == b"evil-pxe.attacker.local"


def test_wireshark_overload_both_capture():
    # Wireshark's PRIV_bootp-both_overload: option 56 in the options field, file and sname.
    (_, payload), = udp_payloads(corpus_file("suricata-verify/dhcp-option-52-overload-both/input.pcap"))
    msg = decode_dhcp(payload)
    assert msg.overload == 3 and msg.split_options == {56: 3}
    assert msg.option(56).value == "Padding" + "file name field overload" + "sname field overload"
    assert msg.msg_type == "DISCOVER" and msg.option(51).value == 3600


# id, payload, expected issues (exact), expected trailing bytes
MALFORMED = [
    ("empty-payload", b"", ["truncated BOOTP header (0 of 236 bytes)"], b""),
    ("header-cut-in-xid", build_bootp()[:6], ["truncated BOOTP header (6 of 236 bytes)"], b""),
    ("header-cut-in-sname", build_bootp(sname=b"srv")[:100],
     ["truncated BOOTP header (100 of 236 bytes)"], b""),
    ("code-without-length", build_bootp(options=DISCOVER_53 + b"\x0c"),
     ["option 12 has no length byte (cut at end of packet)"], b"\x0c"),
    ("length-past-end", build_bootp(options=DISCOVER_53 + b"\x0c\x28" + b"x" * 12),
     ["option 12 length 40 runs past end of packet (12 bytes left)"], b"\x0c\x28" + b"x" * 12),
    ("missing-end", build_bootp(options=DISCOVER_53), ["missing END option"], b""),
    ("bad-cookie", build_bootp(cookie=H("deadbeef"), options=DISCOVER_53 + b"\xff"),
     ["bad magic cookie 0xdeadbeef; vendor area of 8 bytes kept raw, not read as options"],
     H("deadbeef") + DISCOVER_53 + b"\xff"),
    ("truncated-cookie", build_bootp(cookie=H("6382")), ["truncated magic cookie (2 of 4 bytes)"], H("6382")),
    ("impossible-hlen", build_bootp(hlen=200, options=DISCOVER_53 + b"\xff"), ["hlen 200 > 16"], b""),
    ("overload-into-garbage", build_bootp(options=DISCOVER_53 + H("340101ff"), file=H("0c7f") + b"junk"),
     ["option 12 length 127 runs past end of file field (126 bytes left)"], H("0c7f") + b"junk" + bytes(122)),
    ("overload-file-without-end", build_bootp(options=DISCOVER_53 + H("340101ff"), file=H("0c03") + b"abc"),
     ["missing END option in file field"], b""),
    ("overload-bad-value", build_bootp(options=DISCOVER_53 + H("340107ff"), sname=b"srv"),
     ["option 52 (dhcp-option-overload) value 7 is not 1, 2 or 3; sname and file not read as options"], b""),
    ("message-type-wrong-length", build_bootp(options=H("35020101ff")),
     ["option 53 (dhcp-message-type) length 2, expected 1"], b""),
    ("data-after-end", build_bootp(options=DISCOVER_53 + H("ff010203")),
     ["3 bytes after the END option are not all zero padding"], H("010203")),
    ("relay-suboption-past-end", build_bootp(options=DISCOVER_53 + H("52050109616263ff")),
     ["option 82 (relay-agent-information) sub-option 1 length 9 runs past end of option (3 bytes left)"],
     b""),
    ("route-mask-too-wide", build_bootp(options=DISCOVER_53 + H("7909") + H("21") + bytes(8) + b"\xff"),
     ["option 121 (classless-static-routes) route 1 mask width 33 > 32"], b""),
    ("domain-pointer-loop", build_bootp(options=DISCOVER_53 + H("7702c000ff")),
     ["option 119 (domain-search) domain name pointer at offset 0 to 0 does not point backwards"], b""),
]


@pytest.mark.parametrize("payload, issues, trailing", [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])
def test_malformed_input_is_data(payload, issues, trailing):
    msg = decode_dhcp(payload)
    assert msg.issues == issues
    assert msg.trailing == trailing


def test_truncated_header_keeps_what_was_read():
    msg = decode_dhcp(build_bootp(xid=0xABCD, giaddr="10.0.0.1", sname=b"srv")[:100])
    assert (msg.xid, msg.giaddr, msg.chaddr, msg.sname) == (0xABCD, "10.0.0.1", H("000b8201fc42"), b"srv")
    assert (msg.file, msg.has_cookie, msg.options) == (b"", False, [])
    cut = decode_dhcp(build_bootp(xid=0xABCD)[:6])
    assert (cut.op, cut.hlen, cut.xid, cut.ciaddr, cut.chaddr) == (1, 6, 0, "0.0.0.0", b"")


def test_options_before_a_bad_one_survive():
    msg = decode_dhcp(build_bootp(options=DISCOVER_53 + H("3604c0a80001") + b"\x0c\x28abc"))
    assert [o.code for o in msg.options] == [53, 54]
    assert msg.msg_type == "DISCOVER" and msg.option(54).value == "192.168.0.1"


def test_malformed_value_keeps_hex_and_the_message():
    msg = decode_dhcp(build_bootp(options=DISCOVER_53 + H("3603c0a800") + b"\xff"))
    assert msg.option(54).value == "c0a800" and msg.option(54).raw == H("c0a800")
    assert msg.issues == ["option 54 (dhcp-server-identifier) length 3, expected 4"]


def test_impossible_hlen_keeps_the_whole_chaddr_field():
    msg = decode_dhcp(build_bootp(hlen=200, chaddr=bytes(range(16)), options=b"\xff"))
    assert msg.chaddr == bytes(range(16))


def test_bad_cookie_does_not_leak_options_into_the_next_message():
    # Zeek's baseline lists only the good-cookie messages, each with its one option; the three
    # bad-cookie packets (cookie 00000000, then a valid-looking option 53) must yield no options.
    capture = corpus_file("zeek/dhcp_bad_cookie_option_retention.pcap")
    baseline = capture.with_name(capture.name + ".zeek.bad-cookie-clears-options.out").read_text()
    expected = [line.split()[1:] for line in baseline.splitlines() if line.startswith("dhcp_message")]
    msgs = [decode_dhcp(p) for _, p in udp_payloads(capture)]
    good = [[f"xid=0x{m.xid:x}", f"option_count={len(m.options)}"] for m in msgs if m.has_cookie]
    assert good == expected
    bad = [m for m in msgs if not m.has_cookie]
    assert len(bad) == 3 and all(m.options == [] and m.trailing.endswith(H("350101ff")) for m in bad)
