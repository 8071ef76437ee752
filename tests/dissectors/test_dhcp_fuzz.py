"""Hypothesis: any bytes give a DhcpMessage (maybe with issues), never an exception, and the same
bytes always give the same message. Structured strategies reach the option decoders, which raw
random bytes almost never do (they rarely start the options area with the magic cookie)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dissectors.dhcp import DhcpMessage, decode_dhcp, escape_text, tree_lines
from dissectors.dhcp.options import OPTIONS
from tests.dissectors.conftest import MAGIC, build_bootp

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

header = st.binary(min_size=236, max_size=236)
known_codes = st.sampled_from(sorted(OPTIONS) + [0, 255])


def tlvs(codes: st.SearchStrategy[int]) -> st.SearchStrategy[bytes]:
    tlv = st.tuples(codes, st.binary(max_size=40)).map(lambda t: bytes([t[0], len(t[1])]) + t[1])
    return st.lists(tlv, max_size=12).map(b"".join)


option_area = tlvs(known_codes)
option_area_without_52 = tlvs(known_codes.filter(lambda code: code != 52))
# A TLV sequence cut anywhere, with an occasional stray byte: truncations and lengths past the end.
ragged_area = st.tuples(option_area, st.integers(0, 60), st.binary(max_size=3)).map(
    lambda t: t[0][:max(0, len(t[0]) - t[1])] + t[2])


def assert_sound(msg: DhcpMessage) -> None:
    """What every decoded message must satisfy, whatever the input."""
    assert isinstance(msg, DhcpMessage)
    assert not any(issue.startswith("decoder bug") for issue in msg.issues), msg.issues
    json.dumps([{"code": o.code, "name": o.name, "raw": o.raw.hex(), "value": o.value} for o in msg.options])
    assert all(isinstance(issue, str) and issue for issue in msg.issues)
    codes = [o.code for o in msg.options]
    assert len(codes) == len(set(codes))                 # RFC 3396: one entry per code
    assert 0 not in codes and 255 not in codes           # PAD and END are not options
    assert len(msg.chaddr) <= 16


def is_terminal_unsafe(char: str) -> bool:
    """C0/C1 controls, DEL (ESC starts ANSI sequences; 0x9b is a one-byte CSI) and bidi overrides."""
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or 0x202A <= ord(char) <= 0x202E


def assert_tree_is_safe(msg: DhcpMessage) -> None:
    for depth, text in tree_lines(msg):
        assert depth >= 0
        assert not any(is_terminal_unsafe(c) for c in text), text


@FUZZ
@given(st.binary(max_size=600))
def test_any_bytes_give_a_message(payload):
    msg = decode_dhcp(payload)
    assert_sound(msg)
    assert decode_dhcp(payload) == msg


@FUZZ
@given(header, ragged_area)
def test_any_options_area_gives_a_message(fixed, area):
    payload = fixed + MAGIC + area
    msg = decode_dhcp(payload)
    assert_sound(msg)
    assert msg.has_cookie
    assert decode_dhcp(payload) == msg
    assert_tree_is_safe(msg)


@FUZZ
@given(option_area_without_52, st.sampled_from([1, 2, 3]), ragged_area, ragged_area)
def test_any_overloaded_fields_give_a_message(area, overload, file, sname):
    payload = build_bootp(options=bytes([52, 1, overload]) + area, file=file, sname=sname)
    msg = decode_dhcp(payload)
    assert_sound(msg)
    assert msg.overload == overload
    assert_tree_is_safe(msg)


@FUZZ
@given(st.text(max_size=60))
def test_escape_text_leaves_nothing_a_terminal_would_act_on(text):
    escaped = escape_text(text)
    assert not any(is_terminal_unsafe(c) for c in escaped)
    if text.isprintable() and text.isascii() and "\\" not in text:
        assert escaped == text


# The one-pass path for the usual message (dissect._decode_usual) must give exactly what the general
# path gives: options areas of known codes without 52, each code at most once, ending in END with
# padding behind it take the one-pass path; the other draws (repeats, ragged ends, non-zero bytes
# after END, hlen > 16) must be left to the general path.
usual_area = st.lists(st.tuples(known_codes.filter(lambda code: code not in (0, 52, 255)), st.binary(max_size=40)),
                      max_size=12, unique_by=lambda t: t[0]).map(
    lambda items: b"".join(bytes([code, len(data)]) + data for code, data in items))
after_end = st.one_of(st.binary(max_size=80).map(lambda b: bytes(len(b))), st.binary(max_size=8))


@FUZZ
@given(header, st.lists(st.sampled_from([0]), max_size=3).map(bytes), usual_area, after_end,
       st.booleans(), st.booleans())
def test_usual_messages_decode_as_the_general_path_does(fixed, pads, area, tail, end, repeat):
    from dissectors.dhcp.dissect import _decode_general, _decode_usual
    if repeat and area:
        area += area[:2 + area[1]]                   # the first option again: RFC 3396 joins them
    payload = fixed + MAGIC + pads + area + (b"\xff" + tail if end else b"")
    usual = _decode_usual(payload)
    general = _decode_general(payload)
    takes_usual = end and not (repeat and area) and not tail.strip(b"\x00") and fixed[2] <= 16
    assert (usual is not None) == takes_usual
    if usual is not None:
        assert usual == general
        assert [o.value for o in usual.options] == [o.value for o in general.options]
    assert decode_dhcp(payload) == general
