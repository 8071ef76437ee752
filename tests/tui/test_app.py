"""The TUI driven by real keys on the real samples; assertions are on what the screen shows."""
from __future__ import annotations

import re

from dhcpanalyze.decode import iter_records
from dhcpanalyze.reports.packets import summary_line
from dhcpanalyze.tui.screens.packets import PacketsScreen
from dhcpanalyze.tui.screens.transactions import LadderScreen, TransactionsScreen
from dhcpanalyze.tui.widgets.bars import CommandBar

from .conftest import SAMPLES, drive, make_app, screen_text, text_after


def packet_cursor_line(app) -> str:
    lst = app.screen.query_one("#packet-list")
    return app.session.rows(lst.cursor, 1)[0][2]


def test_packets_three_panes_show_the_list_the_tree_and_the_hex():
    text = text_after(make_app(SAMPLES / "seed.pcap"), *"jjjjj")
    assert "No.        Time  Source" in text
    assert 'FAILOVER CONNECT xid 0x0 "FAILOVER" mclt 60 split 128' in text
    assert "ISC DHCP Failover, CONNECTACK" in text                 # the -V tree of row 6
    assert "relationship-name (22), 8 bytes: \"FAILOVER\"" in text
    assert "0000  02 da 00 00 00 02 02 da 00 00 00 03 08 00 45 00" in text      # -x of frame 8
    assert "seed.pcap" in text and "40 packets · 5 transactions · 10 findings" in text


def test_takeover_ladder_shows_the_secondary_serving_and_the_release_unreachable():
    app = make_app(SAMPLES / "seed.pcap")

    async def script(pilot):
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("j", "j", "enter")            # the third transaction: the takeover DORA
        await pilot.pause(0.2)
        takeover = screen_text(app)
        await pilot.press("escape", "c")                 # every exchange of that client
        await pilot.pause(0.2)
        client = screen_text(app)
        return takeover, client, type(app.screen)

    takeover, client, screen = drive(app, script)
    assert screen is LadderScreen
    assert "DORA xid 0x185e6751" in takeover and "served by 192.168.100.3 (secondary)" in takeover
    assert "◀────────────── OFFER ──────────────│" in takeover     # from Server B, across Server A
    roles = takeover.splitlines()[4]
    assert roles.index("primary") < roles.index("secondary")
    assert "port unreachable from 192.168.100.2 (quoting the RELEASE)" in client
    assert "BNDUPD" in client and "lag 2.003 s" in client


def enter_on(app, keys: tuple[str, ...], widget: str, text: str):
    """Press `keys`, put `widget`'s cursor on the first line holding `text`, press Enter: the
    screen that leads to and the packet list's cursor line."""
    async def script(pilot):
        await pilot.press(*keys)
        await pilot.pause(0.2)
        lines = app.screen.lines
        app.screen.query_one(widget).go(next(i for i, line in enumerate(lines) if text in line.plain))
        await pilot.press("enter")
        await pilot.pause(0.2)
        return type(app.screen), packet_cursor_line(app)

    return drive(app, script)


def test_enter_on_a_ladder_row_jumps_to_its_packet():
    # the client's ladder from its first exchange, on the ICMP error's row
    screen, line = enter_on(make_app(SAMPLES / "seed.pcap"), ("2", "c"), "#ladder", "ICMP")
    assert screen is PacketsScreen
    assert line.split()[0] == "29" and "ICMP" in line


def test_failover_screen_shows_the_states_the_link_and_the_updates():
    text = text_after(make_app(SAMPLES / "seed.pcap"), "3")
    assert 'Relationship "FAILOVER"  primary 192.168.100.2  secondary 192.168.100.3' in text
    assert "C communications-interrupted  N normal" in text
    # bands: a letter where a stay begins (the secondary: communications-interrupted, then normal);
    # link up, then down
    assert re.search(r"192\.168\.100\.3 +secondary +CN +", text) and "━━━" in text and "╌╌╌" in text
    assert "BNDUPD→BNDACK lag mean 2.0 s, max 2.003 s" in text
    assert "TCP FIN 192.168.100.2:48673 → 192.168.100.3:647" in text


def test_failover_screen_shows_rejected_connects_and_the_skew():
    text = text_after(make_app(SAMPLES / "skew.pcap"), "3")
    assert "REJECT:" in text and "time offset too large" in text
    assert "clock skew secondary 90.0 s ahead of primary" in text      # the sign in words, as report says it


def test_lease_enter_lists_the_transactions_of_the_address():
    app = make_app(SAMPLES / "seed.pcap")

    async def script(pilot):
        await pilot.press("4")
        await pilot.pause()
        leases = screen_text(app)
        await pilot.press("enter")
        await pilot.pause(0.2)
        return leases, screen_text(app), type(app.screen)

    leases, txns, screen = drive(app, script)
    assert "192.168.100.125 02:da:01:00:00:01 c1" in leases and "REPLICATED" in leases
    assert screen is TransactionsScreen and "Transactions of address 192.168.100.125" in txns
    assert txns.count("dora ") == 3


def test_finding_enter_jumps_to_its_frame_and_back_returns():
    app = make_app(SAMPLES / "seed.pcap")

    async def script(pilot):
        await pilot.press("5")
        await pilot.pause()
        findings = screen_text(app)
        await pilot.press("j", "j", "enter")             # the first dhcp.server-unreachable finding
        await pilot.pause(0.2)
        return findings, packet_cursor_line(app)

    findings, line = drive(app, script)
    assert "WARNING dhcp.server-unreachable  (2)" in findings
    assert line.split()[0] == "29"


def test_cross_navigation_from_a_packet_and_back():
    app = make_app(SAMPLES / "seed.pcap")

    async def script(pilot):
        app.screen.select_row(app.session.row_of_frame(31))     # the secondary's OFFER
        await pilot.press("t")
        await pilot.pause(0.2)
        ladder = screen_text(app)
        await pilot.press("backspace", "c")
        await pilot.pause(0.2)
        client = screen_text(app)
        await pilot.press("backspace", "s")
        await pilot.pause(0.2)
        rel = screen_text(app)
        await pilot.press("q")
        return ladder, client, rel, type(app.screen)

    ladder, client, rel, last = drive(app, script)
    assert "DORA xid 0x185e6751" in ladder
    assert "Transactions of client 02:da:01:00:00:01" in client and len(re.findall(r"\d\d:\d\d:\d\d\.\d+ +\w+ +[\w-]+ +02:da:01:00:00:01 ", client)) == 5
    assert 'Relationship "FAILOVER"' in rel
    assert last is PacketsScreen


def test_filter_bar_validates_as_typed_filters_and_writes_a_pcap(tmp_path):
    app = make_app(SAMPLES / "seed.pcap")
    out = tmp_path / "c1.pcap"

    async def script(pilot):
        await pilot.press("slash", *"02:da:01")
        bad = app.screen.query_one(CommandBar).has_class("invalid")
        await pilot.press(*":00:00:01")
        good = app.screen.query_one(CommandBar).has_class("valid")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        text = screen_text(app)
        await pilot.press("colon", *f"w {out}", "enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if out.exists() and out.stat().st_size > 24:
                break
        await pilot.pause(0.1)
        return bad, good, text

    bad, good, text = drive(app, script)
    assert bad and good
    assert "(17 shown)" in text and "filter: 02:da:01:00:00:01" in text
    assert "TCP      SYN" not in text
    written = list(iter_records([str(out)]))
    assert len(written) == 17                           # one frame each, renumbered in the new file
    assert all("02:da:01:00:00:01" in summary_line(r, 0.0) for r in written)


def test_help_lists_the_keys():
    text = text_after(make_app(SAMPLES / "seed.pcap"), "question_mark")
    assert "t transaction ladder, c client's transactions, s failover relationship" in text


def test_help_says_the_filter_bar_takes_display_filters():
    text = text_after(make_app(SAMPLES / "seed.pcap"), "question_mark")
    assert "display filter" in text and "dhcp.option.dhcp == NAK" in text


def test_transactions_search_and_tab_clicks():
    app = make_app(SAMPLES / "relay.pcap")

    async def script(pilot):
        await pilot.click("#tabs", offset=(14, 0))          # " 2 Transactions "
        await pilot.pause()
        on_click = type(app.screen)
        await pilot.press("slash", *"02:da:03:00:00:04", "enter")
        await pilot.pause(0.1)
        return on_click, screen_text(app)

    screen, text = drive(app, script)
    assert screen is TransactionsScreen
    assert "02:da:03:00:00:04" in text and "02:da:03:00:00:03" not in text
    assert "filter: 02:da:03:00:00:04" in text


def test_enter_on_a_failover_event_jumps_to_its_packet():
    screen, line = enter_on(make_app(SAMPLES / "skew.pcap"), ("3",), "#failover", "REJECT:")
    assert screen is PacketsScreen
    assert "CONNECTACK" in line and "REJECT" in line and line.split()[0] == "8"


def test_a_source_of_records_and_idle_ticks_drives_the_app():
    """What a live capture will hand over (issue 12): decoded records, idle ticks, no file behind them."""
    from dhcpanalyze.browse.loader import End
    from dhcpanalyze.sources.live import IdleTick
    from dhcpanalyze.browse.session import Session
    from dhcpanalyze.decode import DecodeOptions
    from dhcpanalyze.tui.app import BrowseApp

    records = list(iter_records([str(SAMPLES / "seed.pcap")], DecodeOptions(keep_raw=True)))

    def live():
        yield from records[:20]
        yield IdleTick(records[19].ts + 1)
        yield from records[20:]
        yield End(51)

    session = Session(["eth0"])
    app = BrowseApp(session, live)

    async def script(pilot):
        app.screen.select_row(session.row_of_frame(29))
        await pilot.pause(0.2)
        return screen_text(app)

    text = drive(app, script)
    assert "eth0" in text and "40 packets · 5 transactions" in text
    assert "ICMP from 192.168.100.2: type 3 code 3 (port unreachable)" in text       # details, kept
    assert "0000  02 da 01 00 00 01 02 da 00 00 00 02" in text                        # and hex


def test_packets_decode_tree_is_visible_on_an_80_column_terminal():
    text = text_after(make_app(SAMPLES / "seed.pcap"), *"jjjjj", size=(80, 24))
    assert "ISC DHCP Failover, CONNECTACK" in text                 # the -V tree of row 6
    assert "0000  02 da 00 00 00 02" in text                        # and the start of the hex


def test_failover_view_and_report_say_the_binding_update_lag_alike(capsys):
    from dhcpanalyze.cli import main
    for name, lag in (("interrupt", "BNDUPD→BNDACK lag mean 2.0 s, max 2.012 s"),
                      ("skew", "BNDUPD→BNDACK lag - (no BNDACK)")):
        tui = text_after(make_app(SAMPLES / f"{name}.pcap"), "3")
        assert main(["report", "--no-color", str(SAMPLES / f"{name}.pcap")]) == 0
        report = capsys.readouterr().out
        assert lag in tui and lag in report, name
        assert "latency_max_s" not in report


def test_status_line_counts_one_in_the_singular():
    text = text_after(make_app(SAMPLES / "skew.pcap"), "2")
    assert "· 1 transaction · 5 findings" in text and "1 transactions" not in text
