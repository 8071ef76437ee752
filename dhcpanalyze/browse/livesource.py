"""A live capture as a browsing source: its records, its idle ticks, then `End`.

    capture = open_live(LiveOptions("br0"))                 # dhcpanalyze.sources.live
    session = Session([capture.name])
    app = BrowseApp(session, lambda: live_source(session, capture), capture=capture)

Nothing of a live capture can be read again from a file, so the session keeps each row's line.
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.decode import Decoder
from dhcpanalyze.sources.live import LiveCapture, live_records

from .loader import End, Item, Rereadable
from .session import Session


def live_source(session: Session, capture: LiveCapture) -> Iterator[Item]:
    decoder = Decoder(session.decode)
    yield Rereadable(False)
    yield from live_records(decoder, capture)        # records and IdleTicks, as the loader takes them
    yield End(decoder.frames_read)
