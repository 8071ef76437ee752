"""`tui -i`: the packet list follows a live capture until the user scrolls, G follows again, and
ctrl+c stops the capture (root and a namespace of the test's own; skipped otherwise)."""
from __future__ import annotations

import asyncio

from dhcpanalyze.browse.livesource import live_source
from dhcpanalyze.browse.session import Session
from dhcpanalyze.sources.live import LiveOptions, open_live
from dhcpanalyze.tui.app import BrowseApp
from dhcpanalyze.tui.widgets.linelist import LineList
from tests.conftest import SAMPLES
from tests.sources.frames import sample_frames
from tests.sources.netns import inside, sender, veth_namespace

from .conftest import SIZE, screen_text


async def _wait(pilot, condition, tries: int = 250) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.04)
    raise AssertionError("timed out")


def test_live_list_follows_until_scrolled_and_ctrl_c_stops_the_capture():
    frames = [f for f in sample_frames(SAMPLES / "seed.pcap") if f[12:14] == b"\x08\x00"]
    first, rest = frames[:20], frames[20:]
    with veth_namespace("tui") as ns:
        with inside(ns):
            capture = open_live(LiveOptions("va", "socket", idle_s=0.1))
        out = sender(ns)
        session = Session([capture.name])
        app = BrowseApp(session, lambda: live_source(session, capture), capture=capture)

        async def main():
            async with app.run_test(headless=True, size=SIZE) as pilot:
                lst = app.screen.query_one("#packet-list", LineList)
                assert "live, ctrl+c stops" in screen_text(app)
                for frame in first:
                    out.send(frame)
                await _wait(pilot, lambda: lst._total >= 15 and lst.cursor == lst._total - 1)
                await pilot.press("k", "k")                 # the user scrolls: no more following
                held = lst.cursor
                for frame in rest:
                    out.send(frame)
                await _wait(pilot, lambda: len(session.rows_) >= 30)
                await pilot.pause(0.3)
                assert lst.cursor == held
                await pilot.press("G")
                assert lst.cursor == lst._total - 1
                await pilot.press("ctrl+c")
                await _wait(pilot, lambda: session.counts.done)
                await pilot.pause(0.2)
                return screen_text(app)

        text = asyncio.run(main())
        capture.close()
    assert capture.stopping
    assert "frames read" in text and "0 dropped" in text
