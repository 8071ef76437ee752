"""Issue 14 items 4 and 6: text from the wire or a file name never reaches a terminal raw.

Every Unicode control (Cc) and format (Cf) character — bidi controls such as U+061C, U+180E,
the soft hyphen U+00AD, the interlinear annotations U+FFF9.., the tag characters U+E0000.. — is
shown escaped in every human-readable output, exactly once (no `\\\\x1b` for an ESC).
"""
from __future__ import annotations

import json
import unicodedata

import pytest

from dissectors.text import escape_text
from tests.engine.helpers import dhcp_bytes, ip4
from tests.hostile import craft

HOSTILE = "a\x1b[31mb\u061cc\u180ed\u00ade\ufff9f\U000e0041g\u202eh\x07i\r"
ESCAPED = "a\\x1b[31mb\\u061cc\\u180ed\\xade\\ufff9f\\U000e0041g\\u202eh\\x07i\\x0d"


def raw_characters(text: str) -> list[str]:
    """Characters a terminal would act on or hide: Unicode Cc (but the line feed) and Cf."""
    return [f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]


@pytest.mark.parametrize("char", [chr(c) for c in (0x00, 0x1b, 0x7f, 0x85, 0x9b, 0xad, 0x61c, 0x180e,
                                                   0x200b, 0x2066, 0xfeff, 0xfff9, 0xfffb, 0xe0001,
                                                   0xe007f, 0x1d173)],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_and_format_character_is_escaped(char: str) -> None:
    shown = escape_text(f"x{char}y")
    assert raw_characters(shown) == [] and shown.startswith("x\\") and shown.endswith("y")


def test_every_cc_and_cf_code_point_is_escaped() -> None:
    bad = "".join(chr(c) for c in range(0x110000)
                  if unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c) != "\n")
    assert raw_characters(escape_text(bad + "\n")) == []


def test_escaping_is_one_to_one() -> None:
    assert escape_text(HOSTILE) == ESCAPED
    assert escape_text("plain host-name.example") == "plain host-name.example"
    assert escape_text("b\\x1b") == "b\\\\x1b"        # a literal backslash stays distinguishable


def _hostile_capture() -> bytes:
    text = HOSTILE.encode()
    client, server = "0.0.0.0", "192.168.100.2"
    frames = [
        craft.udp(client, "255.255.255.255", 68, 67,
                  dhcp_bytes("REQUEST", 7, "02:00:00:00:00:0a", options={12: text, 50: ip4("192.168.100.60")})),
        craft.udp(server, "255.255.255.255", 67, 68,
                  dhcp_bytes("NAK", 7, "02:00:00:00:00:0a", options={54: ip4(server), 56: text})),
    ]
    connectack = craft.failover_message(6, [(22, text), (21, b"\x08"), (16, text), (28, text)], xid=0)
    connect = craft.failover_message(5, [(22, text), (15, (60).to_bytes(4, "big")), (28, text)], xid=0)
    return craft.pcap(frames + craft.failover_stream([connect])
                      + craft.failover_stream([connectack], src="10.0.0.3", dst="10.0.0.2", sport=647,
                                              dport=40000)[2:])


def test_hostile_strings_are_escaped_once_in_every_output(capsys, tmp_path) -> None:
    path = craft.write(tmp_path, _hostile_capture())
    for name, (code, out, err) in craft.every_output(capsys, path).items():
        assert code == 0 and "Traceback" not in err, (name, err)
        if "json" in name:                       # JSON carries the text as sent, \\u-escaped
            for line in out.splitlines() if "jsonl" in name else [out]:
                json.loads(line)
            assert raw_characters(out) == [], name
            continue
        assert raw_characters(out + err) == [], name
        assert "\\\\x1b" not in out, name        # escaped twice
        if "leases" not in name and "servers" not in name:       # tables without wire strings here
            assert "\\x1b[31m" in out, name


def test_hostile_file_names_are_escaped_by_packets(capsys, tmp_path) -> None:
    name = "evil\x1b]0;pwned\x07\r\u202e.pcap"
    path = craft.write(tmp_path, craft.pcap([craft.udp("0.0.0.0", "255.255.255.255", 68, 67,
                                                       dhcp_bytes("DISCOVER", 1, "02:00:00:00:00:0a"))])[:-3],
                       name)
    for argv in (("packets", path), ("packets", "--format", "jsonl", path),
                 ("packets", str(tmp_path / ("missing\x1b[2J" + name))), ("report", path)):
        code, out, err = craft.run_cli(capsys, *argv)
        assert raw_characters(out + err) == [], argv
        assert "evil\\x1b]0;pwned\\x07\\x0d\\u202e.pcap" in err, argv


def test_invalid_utf8_is_escaped_once_and_shown_as_packets_shows_it(capsys, tmp_path) -> None:
    # a NAK message and a relationship name with a byte that is not UTF-8 and an ESC
    text = b"no\xff\x1b[1m"
    server = "192.168.100.2"
    nak = craft.udp(server, "255.255.255.255", 67, 68,
                    dhcp_bytes("NAK", 7, "02:00:00:00:00:0a", options={54: ip4(server), 56: text}))
    connect = craft.failover_message(5, [(22, text), (15, (60).to_bytes(4, "big"))], xid=0)
    path = craft.write(tmp_path, craft.pcap([nak] + craft.failover_stream([connect])))
    _, tree, _ = craft.run_cli(capsys, "packets", "-V", path)
    _, report, _ = craft.run_cli(capsys, "report", "--jobs", "1", path)
    shown = escape_text(text.decode("latin-1"))          # how packets -V shows these bytes
    assert shown == "no\xff\\x1b[1m" and shown in tree
    assert f"'{shown}'" in report                        # the NAK finding quotes the message
    assert f'"{shown}"' in report                        # the relationship's name
    assert "\\\\" not in report
