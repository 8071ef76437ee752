"""Display filters: what each form selects on samples/seed.pcap, and the column of each error.

The frame lists below are what tshark 4.0.17 printed for the same filter on the same file (the
differential test checks many more against the live tshark); seed.pcap holds one client's DORA
with the primary (frames 13-16), a RELEASE bounced by ICMP (28-29), a DORA with the secondary
(30-33), and failover traffic (6-21).
"""
from __future__ import annotations

import pytest

from dhcpanalyze.dfilter import FilterError, caret_lines, check, compile_filter, complete, field_names
from tests.dfilter.records import frames

DORA1, DORA2, DORA3 = [13, 14, 15, 16], [30, 31, 32, 33], [48, 49, 50, 51]
CLIENT = [13, 15, 28, 29, 30, 32, 46, 47, 48, 50]          # messages from the client (hostname c1)
ALL_DHCP = sorted(DORA1 + [28, 29] + DORA2 + [46, 47] + DORA3)


@pytest.mark.parametrize("text, expected", [
    ("dhcp", ALL_DHCP),
    ("bootp", ALL_DHCP),
    ("dhcp.option.dhcp == 5", [16, 33, 51]),
    ("dhcp.option.dhcp == ACK", [16, 33, 51]),
    ("dhcp.option.dhcp == ack", [16, 33, 51]),
    ('dhcp.option.dhcp == "ACK"', [16, 33, 51]),
    ("dhcp.option.dhcp eq Discover", [13, 30, 48]),
    ("bootp.option.dhcp == 5", [16, 33, 51]),
    ("dhcp.option.dhcp > 4", [16, 28, 29, 33, 46, 47, 51]),
    ("dhcp.option.dhcp ge 5 and dhcp.option.dhcp le 5", [16, 33, 51]),
    ("dhcp.option.dhcp in {1, 3}", [13, 15, 30, 32, 48, 50]),
    ("dhcp.option.dhcp in {1 3}", [13, 15, 30, 32, 48, 50]),
    ("dhcp.option.dhcp in {1..3}", [13, 14, 15, 30, 31, 32, 48, 49, 50]),
    ('dhcp.option.dhcp in {"Discover", Offer}', [13, 14, 30, 31, 48, 49]),
    ("dhcp.hw.mac_addr == 02:da:01:00:00:01", ALL_DHCP),
    ("dhcp.hw.mac_addr == 02-da-01-00-00-01", ALL_DHCP),
    ("dhcp.hw.mac_addr == 02da.0100.0001", ALL_DHCP),
    ("dhcp.option.hostname == c1", CLIENT),
    ('dhcp.option.hostname == "C1"', []),
    ('dhcp.option.hostname contains "c"', CLIENT),
    ('dhcp.option.hostname matches "^C1"', CLIENT),
    ('dhcp.option.hostname ~ "^c1$"', CLIENT),
    ('dhcp && dhcp.option.hostname != "c1"', []),
    ('dhcp && dhcp.option.hostname != "c2"', CLIENT),      # != needs the field present
    ('dhcp && !(dhcp.option.hostname == "c2")', ALL_DHCP),
    ("dhcp.ip.your != 0.0.0.0", [14, 16, 31, 33, 49, 51]),
    ("dhcp.ip.your == 192.168.100.125/32", [14, 16, 31, 33, 49, 51]),
    ("dhcp.option.dhcp_server_id == 192.168.100.3", [31, 32, 33, 46, 47]),
    ("icmp", [29, 47]),
    ("icmp.type == 3 && icmp.code == 3", [29, 47]),
    ("dhcpfo.type == BNDUPD", [17]),
    ("dhcpfo.type == 3 || dhcpfo.type == BNDACK", [17, 19]),
    ("dhcpfo.type in {CONNECT CONNECTACK}", [6, 8]),
    ('dhcpfo.type == "Binding update"', [17]),
    ("dhcpfo.assignedipaddress == 192.168.100.125", [17, 19]),
    ("dhcpfo.bindingstatus == ACTIVE", [17]),
    ("dhcpfo.serverstatus == NORMAL", [10, 11]),
    ('dhcpfo.relationshipname == "FAILOVER"', [6, 8]),
    ("dhcpfo.clienthardwareaddress == 02:da:01:00:00:01", [17]),
    ('dhcpfo.time >= "2026-11-28 00:00:00"', [6, 8, 10, 11, 17, 19, 21]),
    ("frame.number <= 8", [1, 2, 3, 4, 6, 8]),
    ("frame.number in {13..15 51}", [13, 14, 15, 51]),
    ("not tcp and frame.number < 20", [13, 14, 15, 16]),
    ("((dhcp)) && !!dhcp.option.dhcp == 1", [13, 30, 48]),
    ("dhcp.option.dhcp == 1 or dhcp.option.dhcp == 2 and ip.src == 192.168.100.3", [13, 30, 31, 48]),
    ("udp.srcport == 67 && eth.src == 02:da:00:00:00:03", [31, 33]),
    ("dhcp.flags.bc", ALL_DHCP),
    ("dhcp.flags.bc == 1", []),
    ("dhcp.option.request_list_item == 12", [13, 15, 30, 32, 48, 50]),
    ("dhcp.client_id", []),
    ("", sorted({1, 2, 3, 4, 6, 8, 10, 11, 17, 19, 21, 23, 24, 34, 35, 38, 39, 40, 41, 42, 43}
                | set(ALL_DHCP))),
])
def test_filter_selects(text, expected):
    assert frames(compile_filter(text)) == expected


@pytest.mark.parametrize("text, column, wording", [
    ("dhcp.foo == 1", 0, "not a valid protocol or protocol field"),
    ("dhcp.flgs", 0, 'did you mean "dhcp.flags"'),
    ("dhcp.id == zz", 11, '"zz" is not a valid number'),
    ("dhcp.id == 1 and", 16, "Unexpected end of filter expression"),
    ("dhcp.id ==", 10, "Unexpected end of filter expression"),
    ("(dhcp", 5, 'a ")" is missing'),
    ("dhcp)", 4, '")" was unexpected'),
    ("ip.src == 1.2.3.4/33", 18, "prefix length"),
    ("ip.src == 1.2.3", 10, "not a valid IPv4 address"),
    ("ip.src > 10.0.0.0/8", 7, "CIDR"),
    ('x == "abc', 5, "string is not closed"),
    ("dhcp $", 5, '"$" was unexpected'),
    ("dhcp.option.dhcp == Force", 20, "cannot be found among the possible values"),
    ("dhcp.hw.mac_addr == 02:da", 20, "not a valid Ethernet address"),
    ('dhcp.option.hostname matches "(a+)+"', 29, "nested repeats"),
    ('dhcp.option.hostname matches "(x"', 29, "invalid regular expression"),
    ("dhcp.option.hostname matches c1", 29, "must be quoted"),
    ("dhcp.id matches \"1\"", 8, "not a string or byte field"),
    ("dhcp.id contains 1", 17, "not a string or byte field"),
    ("dhcp == 1", 8, "has no value to compare"),
    ("dhcp.id in {}", 12, '"}" was unexpected'),
    ("dhcp.id in 1", 11, 'a "{" must follow "in"'),
    ("dhcp.id in {1..}", 15, '"}" was unexpected'),
    ("and dhcp", 0, '"and" was unexpected'),
    ("dhcp dhcp", 5, '"dhcp" was unexpected'),
    ("finding.severity >= bad", 20, "not a severity"),
    ("dhcpfo.time > 0x", 14, "not a valid absolute time"),
    ('x == "\\q"', 6, "not a valid escape"),
    ("!" * 100 + "dhcp", 64, "nested deeper than 64"),
])
def test_error_column(text, column, wording):
    with pytest.raises(FilterError) as caught:
        compile_filter(text)
    assert (caught.value.column, wording in caught.value.message) == (column, True), caught.value.message


def test_caret_lines_look_like_tsharks():
    with pytest.raises(FilterError) as caught:
        compile_filter("dhcp.id == zz")
    assert caret_lines("dhcp.id == zz", caught.value) == [
        '"zz" is not a valid number.', "    dhcp.id == zz", "               ^~"]


def test_caret_lines_escape_control_characters():
    text = "dhcp.id == \x1b[31m"
    lines = caret_lines(text, check(text))
    assert "\x1b" not in "".join(lines)
    assert lines[2].index("^") == lines[1].index("\\x1b")


def test_check_is_none_for_a_good_filter():
    assert check("dhcp.option.dhcp == ACK") is None
    assert check("dhcp.option.dhcp == ") is not None


def test_field_names_and_completion():
    names = field_names()
    assert {"dhcp.option.dhcp", "dhcpfo.type", "txn.outcome", "lease.replicated", "finding.code",
            "frame.number", "ip.addr", "eth.src"} <= set(names)
    assert field_names("bootp.option.dh")[:2] == ["bootp.option.dhcp", "bootp.option.dhcp_max_message_size"]
    start, words = complete("dhcp.option.dhcp == Ac")
    assert (start, words[0]) == (20, "ack")
    start, words = complete("ip.src == 1.2.3.4 && dhcpfo.ty")
    assert (start, words) == (21, ["dhcpfo.type"])


def test_time_relative_counts_from_the_first_record():
    assert frames(compile_filter("frame.time_relative > 20")) == [42, 43, 46, 47, 48, 49, 50, 51]


def test_readme_examples_compile():
    import re
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"-Y '([^']+)'", readme)
    assert len(examples) >= 8
    for text in examples:
        assert check(text) is None, text


def test_isc_30_peers_are_filtered_by_isc_4_numbers():
    """A 3.0.x peer numbers server states, reject reasons and types 7/9 differently; filters
    use the ISC 4.x / draft-12 numbers and names whatever the peer's era."""
    from dhcpanalyze.model import FailoverRecord
    from dissectors.failover import decode_failover
    from tests.dissectors.test_failover_decode import message, opt

    def record(raw: bytes) -> FailoverRecord:
        return FailoverRecord(1, 0.0, "10.0.0.1", 647, "10.0.0.2", 5000, decode_failover(raw, legacy=True))

    state = record(message(10, opt(18, b"\x01") + opt(19, b"\x00")))        # 3.0.x: 1 is partner-down
    ack = record(message(4, opt(2, bytes(4)) + opt(8, b"\x11")))           # 3.0.x: 17 less-critical
    updreq = record(message(7))                                            # 3.0.x: 7 is UPDREQ
    assert compile_filter("dhcpfo.serverstatus == 4").matches(state)
    assert compile_filter('dhcpfo.serverstatus == "partner-down"').matches(state)
    assert not compile_filter("dhcpfo.serverstatus == 1").matches(state)
    assert compile_filter("dhcpfo.rejectreason == 16").matches(ack)
    assert compile_filter("dhcpfo.type == UPDREQ && dhcpfo.type == 9").matches(updreq)
