"""The `-V` tree and terminal escaping: what a user reads, line by line."""
from __future__ import annotations

import pytest

from dissectors.dhcp import decode_dhcp, escape_text, tree_lines
from dissectors.dhcp.treeopts import duration
from tests.dissectors.test_dhcp_message import ACK

H = bytes.fromhex


def render(msg) -> list[str]:
    return ["    " * depth + text for depth, text in tree_lines(msg)]


def test_ack_tree_reads_like_tshark():
    assert render(decode_dhcp(ACK)) == [
        "Bootstrap Protocol (ACK)",
        "    Message type: Boot Reply (2)",
        "    Hardware type: Ethernet (0x01)",
        "    Hardware address length: 6",
        "    Hops: 0",
        "    Transaction ID: 0x00003d1e",
        "    Seconds elapsed: 0",
        "    Bootp flags: 0x0000 (Unicast)",
        "        0... .... .... .... = Broadcast flag: Unicast",
        "        .000 0000 0000 0000 = Reserved flags: 0x0000",
        "    Client IP address: 0.0.0.0",
        "    Your (client) IP address: 192.168.0.10",
        "    Next server IP address: 0.0.0.0",
        "    Relay agent IP address: 0.0.0.0",
        "    Client MAC address: 00:0b:82:01:fc:42",
        "    Server host name not given",
        "    Boot file name not given",
        "    Magic cookie: DHCP",
        "    Option: (53) DHCP Message Type (ACK)",
        "        Length: 1",
        "        DHCP: ACK (5)",
        "    Option: (58) Renewal Time Value",
        "        Length: 4",
        "        Renewal Time Value: (1800s) 30 minutes",
        "    Option: (59) Rebinding Time Value",
        "        Length: 4",
        "        Rebinding Time Value: (3150s) 52 minutes, 30 seconds",
        "    Option: (51) IP Address Lease Time",
        "        Length: 4",
        "        IP Address Lease Time: (3600s) 1 hour",
        "    Option: (54) DHCP Server Identifier (192.168.0.1)",
        "        Length: 4",
        "        DHCP Server Identifier: 192.168.0.1",
        "    Option: (1) Subnet Mask (255.255.255.0)",
        "        Length: 4",
        "        Subnet Mask: 255.255.255.0",
    ]


def test_hostile_host_name_is_escaped(bootp):
    # A client can name itself with an ANSI sequence that clears the operator's screen.
    msg = decode_dhcp(bootp(flags=0x8000, options=H("350101") + H("0c09") + b"\x1b[2Jevil\x07" + b"\xff"))
    assert msg.option(12).value == "\x1b[2Jevil\x07"          # the value stays as sent
    lines = render(msg)
    assert "        Host Name: \\x1b[2Jevil\\x07" in lines
    assert "    Bootp flags: 0x8000 (Broadcast)" in lines
    assert "        1... .... .... .... = Broadcast flag: Broadcast" in lines


def test_structured_options_and_overload_lines(bootp):
    options = (H("350102") + H("340102") + H("3d0701000b8201fc42") + H("3704010379ff")
               + H("790b" "00c0a80001" "080ac0a80002") + H("5203010161") + b"\xff")
    msg = decode_dhcp(bootp(op=2, options=options, sname=H("0f03") + b"lab" + b"\xff", file=b"pxelinux.0"))
    lines = render(msg)
    for expected in (
            "    Server host name option overloaded by DHCP",
            "    Boot file name: pxelinux.0",
            "    Option: (52) Option Overload",
            "        Option Overload: Server host name holds options (2)",
            "        Client MAC address: 00:0b:82:01:fc:42",
            "        Parameter Request List Item: (121) Classless Static Route",
            "        Parameter Request List Item: (255) End",
            "        Classless Static Route: destination 0.0.0.0/0, router 192.168.0.1",
            "        Classless Static Route: destination 10.0.0.0/8, router 192.168.0.2",
            "    Option: (82) Agent Information Option",
            "        Option 82 Suboption: (1) Agent Circuit ID",
            "            Agent Circuit ID: 61",
            "    Option: (15) Domain Name",
            "        Domain Name: lab"):
        assert expected in lines


def test_issues_split_options_and_trailing_are_shown(bootp):
    options = H("350101") + H("3802") + b"ab" + H("3603c0a800") + H("3801") + b"c" + b"\x0c\x28abc"
    lines = render(decode_dhcp(bootp(secs=0x0300, options=options)))
    for expected in (
            "    Seconds elapsed: 768",
            "        [Looks little-endian: 3 if read as the client probably meant]",
            "        Length: 3 (2 fragments concatenated, RFC 3396)",
            "        Message: abc",
            "    Option: (54) DHCP Server Identifier",
            "        Value (malformed, see issues): c0a800",
            "    Undecoded data (5 bytes): 0c28616263",
            "    [Malformed: option 12 length 40 runs past end of packet (3 bytes left)]",
            "    [Malformed: option 54 (dhcp-server-identifier) length 3, expected 4]"):
        assert expected in lines


def test_plain_bootp_title(bootp):
    assert render(decode_dhcp(bootp(op=2, cookie=b"")))[0] == "Bootstrap Protocol (Boot Reply)"


@pytest.mark.parametrize("text, shown", [
    ("plain-host", "plain-host"),
    ("nas1\x00", "nas1\\x00"),
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
    ("a\\x41", "a\\\\x41"),                     # a literal backslash cannot pose as an escape
    ("\x9b31m", "\\x9b31m"),                    # C1 CSI
    ("abc\u202egnp.exe", "abc\\u202egnp.exe"),   # right-to-left override
    ("café", "café"),
], ids=["plain", "nul", "osc-title", "backslash", "c1-csi", "bidi-override", "accented"])
def test_escape_text(text, shown):
    assert escape_text(text) == shown


@pytest.mark.parametrize("seconds, shown", [
    (0, "(0s) 0 seconds"), (1, "(1s) 1 second"), (3600, "(3600s) 1 hour"),
    (90061, "(90061s) 1 day, 1 hour, 1 minute, 1 second"), (0xFFFFFFFF, "(4294967295s) infinity"),
])
def test_duration(seconds, shown):
    assert duration(seconds) == shown
