"""Driving the real app headless on the real samples, and reading what is on its screen."""
from __future__ import annotations

import asyncio
from pathlib import Path

from dhcpanalyze.browse.loader import file_source
from dhcpanalyze.browse.session import Session
from dhcpanalyze.tui.app import BrowseApp

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SIZE = (150, 45)


def make_app(*paths) -> BrowseApp:
    paths = [str(p) for p in paths]
    session = Session(paths)
    return BrowseApp(session, lambda: file_source(session, paths))


def screen_text(app) -> str:
    """The characters on the terminal now, line by line (what a user reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def drive(app: BrowseApp, script, size=SIZE):
    """Run `script(pilot)` (a coroutine function) against the app once its input is loaded."""
    async def main():
        async with app.run_test(headless=True, size=size) as pilot:
            for _ in range(200):
                if app.session.counts.done:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            return await script(pilot)
    return asyncio.run(main())


def text_after(app: BrowseApp, *keys: str, size=SIZE) -> str:
    """The screen after pressing `keys` once the input is loaded."""
    async def script(pilot):
        await pilot.press(*keys)
        await pilot.pause(0.2)
        return screen_text(app)
    return drive(app, script, size)
