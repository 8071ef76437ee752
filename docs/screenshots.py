"""Make the README's screenshots with the app itself (`App.save_screenshot`), headless, on the seed sample.

    .venv/bin/python docs/screenshots.py        # writes docs/tui-packets.svg and docs/tui-ladder.svg
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dhcpanalyze.browse.loader import file_source  # noqa: E402
from dhcpanalyze.browse.session import Session  # noqa: E402
from dhcpanalyze.tui.app import BrowseApp  # noqa: E402


async def shoot() -> None:
    path = str(ROOT / "samples" / "seed.pcap")
    session = Session([path])
    app = BrowseApp(session, lambda: file_source(session, [path]))
    async with app.run_test(headless=True, size=(150, 42)) as pilot:
        while not session.counts.done:
            await pilot.pause(0.02)
        app.screen.select_row(session.row_of_frame(31))     # the secondary's OFFER in the takeover
        await pilot.pause(0.3)
        app.save_screenshot("tui-packets.svg", str(ROOT / "docs"))
        await pilot.press("2", "c")                          # the client's every exchange, as a ladder
        await pilot.pause(0.3)
        app.save_screenshot("tui-ladder.svg", str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(shoot())
