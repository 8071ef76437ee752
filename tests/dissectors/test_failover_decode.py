"""decode_failover on real ISC 4.4.3 bytes (failover-wire.md §1.2), the cases tshark 4.0 gets wrong,
the ISC 3.0.x numbering, malformed messages, and the summary / -V views."""
from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dissectors.failover import decode_failover, summary, tree_lines
from dissectors.failover.values import hba_split

T = "6b0a9dfe"          # sender time 1795857918 (2026-11-28 09:25:18 UTC), as in the lab capture


def hexb(*parts: str) -> bytes:
    return bytes.fromhex("".join(parts).replace(" ", ""))


def opt(code: int, data: bytes) -> bytes:
    """One TLV: code(2) length(2) data."""
    return struct.pack("!HH", code, len(data)) + data


def message(mtype: int, options: bytes = b"", xid: int = 0, poffset: int = 12, extra: bytes = b"",
            time: int = 0x6B0A9DFE) -> bytes:
    """A well-formed message: the length counts the whole message including its own 2 bytes."""
    body = struct.pack("!BBII", mtype, poffset, time, xid) + extra + options
    return struct.pack("!H", len(body) + 2) + body


# The CONNECT of failover-wire.md §1.2, byte for byte as the lab primary sent it (fo-capture frame 6).
CONNECT = hexb(
    "006c",                                # message length 108
    "05",                                  # type 5 CONNECT
    "0c",                                  # payload offset 12
    T,                                     # time
    "00000000",                            # xid 0: first message on the connection
    "0016 0006", b"fo-lab".hex(),          # 22 relationship-name "fo-lab"
    "000e 0004 0000000a",                  # 14 max-unacked-bndupd 10
    "0013 0004 0000000f",                  # 19 receive-timer 15
    "001c 000c", b"isc-4.4.3-P1".hex(),    # 28 vendor-class-identifier
    "0014 0001 01",                        # 20 protocol-version 1
    "001b 0001 00",                        # 27 tls-request 0
    "000f 0004 0000003c",                  # 15 MCLT 60
    "000b 0020", "ff" * 16, "00" * 16,     # 11 hash-bucket-assignment, split 128
)

STATE = hexb("001e 0a 0c", T, "00000000",  # length 30, STATE, poffset 12, time, xid 0
             "0018 0001 06",               # 24 server-state 6 RECOVER
             "0017 0001 01",               # 23 server-flags 1 STARTUP
             "0019 0004 6b0a9dfb")         # 25 start-time-of-state

BNDUPD_ACTIVE = hexb("004f 03 0c", T, "0000004b",   # length 79, BNDUPD, xid 0x4b
                     "0002 0004 0a630076",          # 2 assigned-ip-address 10.99.0.118
                     "0003 0001 02",                # 3 binding-status ACTIVE
                     "0004 0007 01020000000001",    # 4 client-identifier: type 1 + MAC (DHCP option 61)
                     "0005 0007 01020000000001",    # 5 client-hardware-address: htype 1 + MAC
                     "000d 0004 6b0a9ea0",          # 13 lease-expiration-time
                     "0012 0004 6b0aa0da",          # 18 potential-expiration-time
                     "0019 0004 6b0a9e64",          # 25 start-time-of-state (lease starts)
                     "0006 0004 6b0a9e64")          # 6 client-last-transaction-time

BNDACK_REJECT = hexb("0052 04 0c", T, "00000004",   # length 82, BNDACK, xid 4 (echoes the BNDUPD)
                     "0002 0004 0a630064",          # 2 assigned-ip-address 10.99.0.100
                     "0015 0001 10",                # 21 reject-reason 16 less critical
                     "0010 0035", b"incoming update is less critical than outgoing update".hex())

DISCONNECT = hexb("002a 0c 0c", T, "00000001",      # length 42, DISCONNECT, xid 1
                  "0015 0001 04",                   # 21 reject-reason 4 time mismatch
                  "0010 0015", b"time offset too large".hex())

POOLRESP = hexb("0014 02 0c 6b0a9fdf 0000000d",     # length 20, POOLRESP, xid echoes the POOLREQ
                "0001 0004 00000002")               # 1 addresses-transferred 2
CONTACT = hexb("000c 0b 0c 6b0a9e37 00000034")       # header only


def test_connect_header_and_every_option():
    msg = decode_failover(CONNECT)
    assert (msg.length, msg.type, msg.type_name, msg.poffset, msg.time, msg.xid) == (
        108, 5, "CONNECT", 12, 1795857918, 0)
    assert [(o.code, o.name) for o in msg.options] == [
        (22, "relationship-name"), (14, "max-unacked-bndupd"), (19, "receive-timer"),
        (28, "vendor-class-identifier"), (20, "protocol-version"), (27, "tls-request"), (15, "mclt"),
        (11, "hash-bucket-assignment")]
    assert msg.get("relationship-name") == "fo-lab"
    assert msg.get("max-unacked-bndupd") == 10 and msg.get("receive-timer") == 15 and msg.get("mclt") == 60
    assert msg.get("vendor-class-identifier") == "isc-4.4.3-P1"
    assert msg.get("protocol-version") == 1 and msg.get("tls-request") == "none"
    assert msg.get("hash-bucket-assignment") == {"split": 128, "primary_buckets": 128,
                                                 "hex": "ff" * 16 + "00" * 16}
    assert msg.issues == [] and msg.legacy is False and msg.extra_header == b""


def test_state_with_startup_flag():
    msg = decode_failover(STATE)
    assert msg.type_name == "STATE" and msg.get("server-state") == "RECOVER"
    assert msg.get("server-flags") == {"value": 1, "names": ["STARTUP"]}
    assert msg.get("start-time-of-state") == 0x6B0A9DFB
    assert summary(msg) == "STATE xid 0x0 RECOVER (STARTUP)"


def test_active_bndupd_times_and_client_identity():
    msg = decode_failover(BNDUPD_ACTIVE)
    assert msg.get("assigned-ip-address") == "10.99.0.118" and msg.get("binding-status") == "ACTIVE"
    assert msg.get("client-hardware-address") == {"htype": 1, "mac": "02:00:00:00:00:01"}
    assert msg.get("lease-expiration-time") == 0x6B0A9EA0
    assert msg.get("client-last-transaction-time") == 0x6B0A9E64
    assert summary(msg) == "BNDUPD xid 0x4b 10.99.0.118 ACTIVE 02:00:00:00:00:01"


def test_rejecting_bndack_and_disconnect():
    ack = decode_failover(BNDACK_REJECT)
    assert ack.get("reject-reason") == "less-critical-binding-information"
    assert summary(ack) == ('BNDACK xid 0x4 10.99.0.100 REJECT less-critical-binding-information '
                            '"incoming update is less critical than outgoing update"')
    bye = decode_failover(DISCONNECT)
    assert bye.get("reject-reason") == "time-mismatch-too-great"
    assert summary(bye) == 'DISCONNECT xid 0x1 reason time-mismatch-too-great "time offset too large"'


def test_poolresp_and_header_only_messages():
    assert decode_failover(POOLRESP).get("addresses-transferred") == 2
    contact = decode_failover(CONTACT)
    assert (contact.type_name, contact.length, contact.options, contact.issues) == ("CONTACT", 12, [], [])


def test_summary_examples_of_the_issue():
    upd = decode_failover(message(3, opt(2, bytes([192, 168, 100, 57])) + opt(3, b"\x02")
                                  + opt(5, hexb("01 96a3dce1f271")), xid=0x12))
    assert summary(upd) == "BNDUPD xid 0x12 192.168.100.57 ACTIVE 96:a3:dc:e1:f2:71"
    assert summary(decode_failover(message(10, opt(24, b"\x02"), xid=2))) == "STATE xid 0x2 NORMAL"
    ack = decode_failover(message(6, opt(21, b"\x04") + opt(16, b"time offset too large")))
    assert summary(ack) == 'CONNECTACK xid 0x0 REJECT time-mismatch-too-great "time offset too large"'
    assert summary(decode_failover(CONNECT)) == 'CONNECT xid 0x0 "fo-lab" mclt 60 split 128 isc-4.4.3-P1'


def test_option_values_are_json_serialisable():
    for raw in (CONNECT, STATE, BNDUPD_ACTIVE, BNDACK_REJECT, DISCONNECT, POOLRESP):
        json.dumps([[o.code, o.name, o.raw.hex(), o.value] for o in decode_failover(raw).options])


# --- where tshark 4.0.17 is wrong for ISC 4.x (failover-wire.md §8) ---------------------------------

def test_tshark_wrong_type_7_is_updreqall_and_9_is_updreq():
    # tshark labels 7 "Update request" and 9 "Update request all"; ISC logs "Sent update request all"
    # when it sends type 7.
    assert decode_failover(message(7, xid=3)).type_name == "UPDREQALL"
    assert decode_failover(message(9, xid=7)).type_name == "UPDREQ"


def test_tshark_wrong_ip_flags_reserved_is_bit_0x0001():
    # tshark masks 0x80/0x40 and shows an ISC reserved lease as "Reserved: False, MBZ: 0x01".
    reserved = decode_failover(message(3, opt(2, hexb("0a630065")) + opt(12, hexb("0001"))))
    assert reserved.get("ip-flags") == {"value": 1, "names": ["RESERVED"]}
    bootp = decode_failover(message(3, opt(2, hexb("0a630065")) + opt(12, hexb("0002"))))
    assert bootp.get("ip-flags") == {"value": 2, "names": ["BOOTP"]}
    assert "flags RESERVED" in summary(reserved)


def test_tshark_wrong_client_identifier_is_binary_not_text():
    # tshark shows it as an ASCII string with "Trailing stray characters"; it is option 61's bytes.
    msg = decode_failover(BNDUPD_ACTIVE)
    assert msg.get("client-identifier") == {"hex": "01020000000001", "mac": "02:00:00:00:00:01"}
    other = decode_failover(message(3, opt(4, b"\x00host-7")))       # type 0: not a MAC
    assert other.get("client-identifier") == {"hex": "00686f73742d37"}


def test_tshark_wrong_state_254_is_recover_wait():
    # ISC kept 3.0.x's value 254 for recover-wait; tshark's state table stops at 11.
    msg = decode_failover(message(10, opt(24, b"\xfe") + opt(23, b"\x00") + opt(25, hexb(T))))
    assert msg.get("server-state") == "RECOVER-WAIT" and msg.issues == []


# --- values --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bitmap, split", [
    ("ff" * 16 + "00" * 16, 128),          # split 128 [wire]
    ("ff" * 12 + "0f" + "00" * 19, 100),   # split 100 [wire]: the 0f shows LSB-first bucket order
    ("00" * 32, 0),
    ("ff" * 32, 256),
    ("f0" + "00" * 31, None),              # buckets 4..7 only: not a split
    ("aa" * 32, None),
], ids=["split128", "split100", "split0", "split256", "not-prefix", "alternate"])
def test_hba_split(bitmap, split):
    assert hba_split(bytes.fromhex(bitmap)) == split


def test_enumerations_and_unknown_values_keep_their_number():
    msg = decode_failover(message(4, opt(2, hexb("0a630064")) + opt(21, b"\x63") + opt(3, b"\x09")
                                  + opt(99, b"\x01\x02")))
    assert msg.get("reject-reason") == "reason-99" and msg.get("binding-status") == "STATUS9"
    assert (msg.options[-1].name, msg.options[-1].value) == ("option-99", "0102")
    assert decode_failover(message(10, opt(24, b"\x2a"))).get("server-state") == "STATE42"
    assert decode_failover(message(13)).type_name == "TYPE13"


def test_extra_header_bytes_are_skipped_like_isc_does():
    # poffset 16 with 4 extra bytes: ISC accepted it on the wire, tshark shows "deadbeef".
    msg = decode_failover(message(10, opt(24, b"\x02"), poffset=16, extra=hexb("deadbeef")))
    assert msg.extra_header == hexb("deadbeef") and msg.get("server-state") == "NORMAL" and msg.issues == []
    assert (1, "Additional header bytes: deadbeef") in list(tree_lines(msg))


def test_ddns_name_as_dns_labels_or_text():
    labels = decode_failover(message(3, opt(9, hexb("0001") + b"\x04host\x03lab\x00")))
    assert labels.get("ddns") == {"flags": 1, "names": ["C"], "fqdn": "host.lab"}
    text = decode_failover(message(3, opt(9, hexb("0003") + b"host.lab")))
    assert text.get("ddns") == {"flags": 3, "names": ["C", "A"], "fqdn": "host.lab"}


# --- ISC 3.0.x numbering -------------------------------------------------------------------------

LEGACY_CONNECT = message(5, b"".join((
    opt(3, hexb("0a630001")),              # 3 sending-server-ip-address (3.0.x only)
    opt(21, hexb("0000000a")),             # 21 max-unacked-bndupd (draft-12: 14)
    opt(23, hexb("0000000f")),             # 23 receive-timer (draft-12: 19)
    opt(11, b"isc-V3.0.7"),                # 11 vendor-class (draft-12: 11 is the HBA)
    opt(26, b"\x01"),                      # 26 protocol-version (draft-12: 20)
    opt(27, b"\x00\x00"),                  # 27 tls-request, two bytes in 3.0.x
    opt(10, hexb("0000003c")),             # 10 MCLT (draft-12: 15)
    opt(24, b"\xff" * 16 + b"\x00" * 16),  # 24 HBA (draft-12: 11)
)))


def test_legacy_connect_is_detected_and_mapped_to_draft12_names():
    msg = decode_failover(LEGACY_CONNECT)
    assert msg.legacy is True and msg.issues == []
    assert msg.get("vendor-class-identifier") == "isc-V3.0.7"
    assert (msg.get("mclt"), msg.get("max-unacked-bndupd"), msg.get("receive-timer")) == (60, 10, 15)
    assert msg.get("hash-bucket-assignment")["split"] == 128
    assert msg.get("sending-server-ip-address") == "10.99.0.1"
    assert "[ISC 3.0.x]" in summary(msg)


def test_legacy_tables_for_states_types_and_reasons():
    # 3.0.x: server-state is option 18 and 1 means partner-down; 7 is UPDREQ; reason 17 less-critical.
    state = decode_failover(message(10, opt(18, b"\x01") + opt(19, b"\x00")), legacy=True)
    assert state.get("server-state") == "PARTNER-DOWN" and state.issues == []
    assert decode_failover(message(7), legacy=True).type_name == "UPDREQ"
    assert decode_failover(message(9), legacy=True).type_name == "UPDREQALL"
    ack = decode_failover(message(4, opt(2, hexb("0a630064")) + opt(8, b"\x11")), legacy=True)
    assert ack.get("reject-reason") == "less-critical-binding-information"


def test_modern_connect_is_not_taken_for_legacy():
    assert decode_failover(CONNECT, legacy=None).legacy is False


# --- malformed input is data --------------------------------------------------------------------

MALFORMED = [
    ("empty", b"", "header truncated: 0 of 12", []),
    ("header-truncated", hexb("001e 0a 0c 6b0a9d"), "header truncated: 7 of 12", []),
    ("length-below-header", hexb("0008 0b 0c", T, "00000001"), "below the 12-byte header", []),
    ("length-past-buffer", STATE[:25], "runs past the end of the data (25 bytes)", ["server-state", "server-flags"]),
    ("length-over-2048", message(3, opt(16, b"x" * 2100)), "exceeds the 2048-byte maximum", ["message"]),
    ("trailing-bytes", STATE + b"\x00\x00", "2 bytes after the message end",
     ["server-state", "server-flags", "start-time-of-state"]),
    ("option-past-message", hexb("001a 04 0c", T, "00000004", "0002 0004 0a630064", "0010 0010 6869"),
     "option 16 at offset 20: length 16 runs past the message end", ["assigned-ip-address", "message"]),
    ("option-header-truncated", hexb("000e 0b 0c", T, "00000001", "0018"),
     "option header truncated at offset 12", []),
    ("wrong-fixed-length-state", message(10, opt(24, b"\x00\x02")), "option 24 server-state: length 2, expected 1",
     ["server-state"]),
    ("wrong-fixed-length-hba", message(5, opt(11, b"\xff" * 16)),
     "option 11 hash-bucket-assignment: length 16, expected 32", ["hash-bucket-assignment"]),
    ("ip-flags-one-byte", message(3, opt(12, b"\x01")), "option 12 ip-flags: length 1, expected 2", ["ip-flags"]),
    ("duplicate-option", message(3, opt(2, hexb("0a630064")) + opt(3, b"\x01") + opt(2, hexb("0a630065"))),
     "duplicate option 2 assigned-ip-address", ["assigned-ip-address", "binding-status", "assigned-ip-address"]),
    ("poffset-below-12", message(10, opt(24, b"\x02"), poffset=8), "payload offset 8 is below", ["server-state"]),
    ("poffset-past-end", message(11, poffset=40), "payload offset 40 runs past the message end", []),
    ("unknown-type", message(200, opt(24, b"\x02")), "unknown message type 200", ["server-state"]),
    ("type-zero", message(0), "unknown message type 0", []),
    ("chaddr-empty", message(3, opt(5, b"")), "option 5 client-hardware-address: undecodable", ["client-hardware-address"]),
    ("ddns-short", message(3, opt(9, b"\x01")), "option 9 ddns: undecodable", ["ddns"]),
]


@pytest.mark.parametrize("raw, issue, names", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_messages_carry_issues(raw, issue, names):
    msg = decode_failover(raw)
    assert any(issue in text for text in msg.issues), msg.issues
    assert [o.name for o in msg.options] == names
    for o in msg.options:
        json.dumps(o.value)
    summary(msg)
    list(tree_lines(msg))


def test_undecodable_option_keeps_raw_bytes_as_hex():
    msg = decode_failover(message(10, opt(24, b"\x00\x02")))
    assert (msg.options[0].raw, msg.options[0].value) == (b"\x00\x02", "0002")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([None, True, False]))
def test_random_bytes_never_raise(raw, legacy):
    msg = decode_failover(raw, legacy)
    json.dumps([o.value for o in msg.options])
    summary(msg)
    list(tree_lines(msg))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 255), st.lists(st.tuples(st.integers(0, 40), st.binary(max_size=40)), max_size=8))
def test_random_options_in_a_valid_frame_never_raise(mtype, options):
    raw = message(mtype, b"".join(opt(code, data) for code, data in options))
    msg = decode_failover(raw)
    assert len(msg.options) == len(options)
    json.dumps([o.value for o in msg.options])
    summary(msg)


# --- views ---------------------------------------------------------------------------------------

def test_wire_text_is_escaped_in_summary_and_tree():
    msg = decode_failover(message(6, opt(22, b"fo\x1b[2J\x07") + opt(21, b"\x08") + opt(16, b"bad\r\nname")))
    line = summary(msg)
    assert "\x1b" not in line and "\\x1b[2J\\x07" in line and "\\x0d\\x0a" in line
    assert all("\x1b" not in text and "\r" not in text for _, text in tree_lines(msg))


def test_tree_lines_show_header_options_and_issues():
    lines = list(tree_lines(decode_failover(STATE[:25])))
    assert lines[0] == (0, "ISC DHCP Failover, STATE")
    assert (1, "Message length: 30") in lines and (1, "Xid: 0x00000000") in lines
    assert (2, "server-state (24), 1 byte: RECOVER") in lines
    assert lines[-3:] == [(1, "Issues: 2"),
                          (2, "message length 30 runs past the end of the data (25 bytes)"),
                          (2, "option header truncated at offset 22: 3 bytes left")]
    tree = list(tree_lines(decode_failover(BNDUPD_ACTIVE)))
    assert (2, "lease-expiration-time (13), 4 bytes: 1795858080 (2026-11-28 09:28:00 UTC)") in tree


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 14), st.lists(st.tuples(st.integers(0, 30), st.binary(max_size=24)), max_size=8),
       st.sampled_from([None, True, False]), st.sampled_from([12, 12, 12, 8, 16]), st.binary(max_size=3),
       st.booleans())
def test_usual_messages_decode_as_the_general_path_does(mtype, options, legacy, poffset, tail, vendor):
    """The one-pass path (decode._decode_usual) gives exactly the general path's message, and leaves
    to the general path every message it does not handle (repeats, other offsets, ragged ends)."""
    from dhcpanalyze.engine.wireview import fo_options
    from dissectors.failover.decode import _decode_general, _decode_usual
    if vendor:                                      # an ISC 3.0.x CONNECT marks the legacy era
        options = [(11, b"isc-V3.0.7")] + options
    extra = bytes(max(poffset - 12, 0))
    raw = message(mtype, b"".join(opt(code, data) for code, data in options), poffset=poffset, extra=extra)
    raw = raw[:max(12, len(raw) - len(tail))] if tail and tail[0] & 1 else raw + tail
    usual, general = _decode_usual(raw, legacy), _decode_general(raw, legacy)
    if usual is not None:
        assert usual == general
        assert [o.value for o in usual.options] == [o.value for o in general.options]
        assert not any("length" in issue and "message" in issue for issue in usual.issues)
        # the options by name the one-pass path made are those the engine reads off the options
        assert general.by_name is None and usual.by_name == fo_options(general)
    elif not general.issues:
        # the one-pass path may refuse only what the general path has something to say about,
        # or the offsets it does not take
        assert poffset != 12
    assert decode_failover(raw, legacy) == general


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 14), st.lists(st.tuples(st.integers(0, 30), st.binary(max_size=12)), min_size=1,
                                    max_size=8),
       st.sampled_from([None, True, False]), st.integers(1, 30))
def test_messages_of_a_known_layout_decode_as_the_general_path_does(mtype, options, legacy, shift):
    """The shaped path (decode._decode_shaped) takes a message of a layout seen twice with one
    struct call: the message, its options (made when read) and by_name are the general path's.
    A message of the same type and length with other option codes is not read by that layout."""
    from dhcpanalyze.engine.wireview import fo_options
    from dissectors.failover import decode as fo
    raw = message(mtype, b"".join(opt(code, data) for code, data in options))
    for _ in range(3):                  # seen once, learnt at the second, taken by layout at the third
        shaped = fo._decode_shaped(raw, legacy)
    general = fo._decode_general(raw, legacy)
    if shaped is None:
        assert general.issues or mtype not in fo.tables.MESSAGE_TYPES
        return
    assert shaped == general
    assert [o.value for o in shaped.options] == [o.value for o in general.options]
    assert shaped.by_name == fo_options(general)
    # the first option under another code: same type and length, another layout
    code, data = options[0]
    twin = message(mtype, opt((code + shift) % 31, data) + b"".join(opt(c, d) for c, d in options[1:]))
    assert decode_failover(twin, legacy) == fo._decode_general(twin, legacy)


def test_layouts_stay_bounded_whatever_the_stream_sends():
    """A stream of ever-new layouts (some seen twice so that they are learnt, some once) keeps the
    tables bounded."""
    from dissectors.failover import decode as fo
    for n in range(3 * fo._MAX_LAYOUTS):
        raw = message(3, opt(2, bytes(4)) + opt(60 + n % 7, bytes(n % 300)))
        fo._decode_shaped(raw, None)
        fo._decode_shaped(raw, None)                                    # learnt
        fo._decode_shaped(message(4, opt(80 + n % 9, bytes(n % 400))), None)   # seen once
        assert len(fo._LAYOUTS) <= fo._MAX_LAYOUTS and len(fo._SEEN_ONCE) <= fo._MAX_LAYOUTS
        assert all(len(layouts) <= fo._LAYOUTS_PER_KEY for layouts in fo._LAYOUTS.values())
