"""A capture whose strings are hostile: Rich markup, terminal escapes and bidi controls in the host
name, the server's message and the failover relationship name. On every view they are shown as
text: nothing styles, links, moves the cursor or reorders the line."""
from __future__ import annotations

import struct

import dpkt

from dhcpanalyze.browse import flow, render
from tests.browse.conftest import loaded
from tests.engine.helpers import dhcp_bytes, fo_option, hba_split, ip4, u32

from .conftest import drive, make_app, screen_text

HOSTILE = "[bold red]X[/][link=https://evil.example]click[/link]\x1b[2J\x1b]8;;https://e\x07\u202eevil\u200b"
SHOWN = "[bold red]X[/][link=https://evil.example]click[/link]\\x1b[2J\\x1b]8;;https://e\\x07\\u202eevil\\u200b"
MAC, SERVER, PEER, ADDR = "02:66:00:00:00:01", "10.9.0.2", "10.9.0.3", "10.9.0.77"


def _eth(ip: dpkt.ip.IP) -> bytes:
    return bytes(dpkt.ethernet.Ethernet(src=b"\x02\x66\0\0\0\x01", dst=b"\xff" * 6, type=0x0800, data=ip))


def _udp(src, dst, sport, dport, payload) -> bytes:
    udp = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    udp.ulen = len(udp)
    return _eth(dpkt.ip.IP(src=ip4(src), dst=ip4(dst), p=17, ttl=64, data=udp))


def _tcp(src, dst, sport, dport, seq, flags, payload=b"") -> bytes:
    tcp = dpkt.tcp.TCP(sport=sport, dport=dport, seq=seq, ack=1, flags=flags, off=5, win=512, data=payload)
    return _eth(dpkt.ip.IP(src=ip4(src), dst=ip4(dst), p=6, ttl=64, data=tcp))


def _failover(mtype: int, options: bytes, clock: int) -> bytes:
    return struct.pack("!HBBII", 12 + len(options), mtype, 12, clock, 0) + options


def hostile_capture(path) -> None:
    name = HOSTILE.encode()
    opts = {12: name}
    frames = [
        _udp("0.0.0.0", "255.255.255.255", 68, 67, dhcp_bytes("DISCOVER", 0x1234, MAC, options=opts)),
        _udp(SERVER, ADDR, 67, 68, dhcp_bytes("OFFER", 0x1234, MAC, yiaddr=ADDR,
                                              options={54: ip4(SERVER), 51: u32(600), 56: name})),
        _udp("0.0.0.0", "255.255.255.255", 68, 67, dhcp_bytes(
            "REQUEST", 0x1234, MAC, options={54: ip4(SERVER), 50: ip4(ADDR), 12: name})),
        _udp(SERVER, ADDR, 67, 68, dhcp_bytes("NAK", 0x1234, MAC, options={54: ip4(SERVER), 56: name})),
        _tcp(SERVER, PEER, 40000, 647, 100, dpkt.tcp.TH_SYN),
        _tcp(PEER, SERVER, 647, 40000, 500, dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK),
        _tcp(SERVER, PEER, 40000, 647, 101, dpkt.tcp.TH_ACK | dpkt.tcp.TH_PUSH, _failover(
            5, fo_option(22, name) + fo_option(15, u32(60)) + fo_option(11, hba_split(128))
            + fo_option(28, name), 1000)),
        _tcp(PEER, SERVER, 647, 40000, 501, dpkt.tcp.TH_ACK | dpkt.tcp.TH_PUSH, _failover(
            6, fo_option(22, name) + fo_option(21, b"\x04") + fo_option(16, name), 1000)),
    ]
    with open(path, "wb") as fh:
        writer = dpkt.pcap.Writer(fh)
        for i, frame in enumerate(frames):
            writer.writepkt(frame, 1000.0 + i * 0.01)


def assert_inert(text: str) -> None:
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text and "\u200b" not in text


def test_every_view_shows_hostile_strings_as_text(tmp_path):
    path = tmp_path / "hostile.pcap"
    hostile_capture(path)
    app = make_app(path)
    seen = []

    async def script(pilot):
        for keys in (("j", "j", "j"), ("2",), ("enter",), ("escape", "3"), ("4",), ("5",)):
            await pilot.press(*keys)
            await pilot.pause(0.15)
            text = screen_text(app)
            links = [seg.style.link for strip in app.screen._compositor.render_strips()
                     for seg in strip if seg.style is not None and seg.style.link]
            seen.append((keys, text, links))

    drive(app, script, size=(220, 50))
    everything = "\n".join(text for _, text, _ in seen)
    assert_inert(everything)
    assert all(not links for _, _, links in seen)
    packets, txns, ladder, failover = (seen[i][1] for i in range(4))
    assert "[bold red]X[/][link=https://evil.example]click[/link]" in packets   # the details' host name
    assert "\\x1b[2J" in packets and "\\u202e" in packets
    assert "[bold red]X[/…" in txns                                               # the hostname column, cut
    assert "NAK" in ladder and SHOWN[:40] in ladder                              # the server's message
    assert f'Relationship "{SHOWN[:40]}' in failover


def test_renderers_keep_hostile_strings_plain(tmp_path):
    path = tmp_path / "hostile.pcap"
    hostile_capture(path)
    s = loaded(path)
    ladder = s.ladder(s.transactions_sorted())
    texts = [*flow.ladder_header(ladder), *flow.ladder_lines(ladder),
             *(line for rel in s.relationships() for line in flow.failover_view(s.timeline(rel))),
             *map(render.transaction_row, s.transactions_sorted()),
             *render.findings_view(s.findings_grouped()),
             render.detail_text(s.record(0), s.rows_.t0)]
    for text in texts:
        assert_inert(text.plain)
        assert all(not str(span.style).startswith("link") for span in text.spans)
    assert any(SHOWN in t.plain for t in texts)
