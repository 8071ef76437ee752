"""Loading a session in batches, from any source of records and idle ticks.

A source is an iterable of `Record`s, `IdleTick(ts)` ticks (a live capture with nothing to read:
the engine may close what timed out), `Rereadable(bool)` marks (file sources: the records that
follow can be decoded again from the file) and one final `End(frames_read)`. `file_source` reads
capture files and notes where their frames are, so details can be decoded again on demand; a
live source (dhcpanalyze/sources/live.py) yields the same three kinds of items.
`load` feeds a session and yields after each batch, so the caller can redraw (~10 times a second).
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dhcpanalyze.decode import Decoder
from dhcpanalyze.model import Record
from dhcpanalyze.sources.live import IdleTick

from .session import Counts, Session

BATCH_S = 0.1              # the caller redraws after each batch: at most ~10 redraws a second
FIRST_BATCH = 512          # records before the first redraw (the first screen comes early)
FEED_EVERY = 256           # records fed to the session at once (and between looks at the clock)


@dataclass(frozen=True, slots=True)
class End:
    """The source is exhausted; it read `frames_read` frames in all."""

    frames_read: int


@dataclass(frozen=True, slots=True)
class Rereadable:
    """The records that follow can (or cannot) be decoded again from their frames in the file;
    a source that never says so (stdin, live) gives records the session keeps lines for."""

    value: bool


Item = Record | IdleTick | End | Rereadable


def file_source(session: Session, paths: list[str]) -> Iterator[Item]:
    """The records of capture files in turn (raises CaptureError for a file that is not one)."""
    decoder = Decoder(session.decode)
    for path in paths:
        span = session.store.begin(path, decoder.frames_read)
        note = span.note if span is not None else None
        yield Rereadable(span is not None)
        last = (0, 0)
        for record in decoder.read(path):
            if note is not None:
                position = decoder.capture.position
                if position != last:
                    last = position
                    note(*position)
            yield record
    yield Rereadable(False)              # what the TCP reassembler still held is tied to no one frame
    yield from decoder.finish()
    yield End(decoder.frames_read)


def load(session: Session, items: Iterable[Item], batch_s: float = BATCH_S) -> Iterator[Counts]:
    """Feed a session batch by batch; yields its counts after each batch and at the end.

    Records go to the session in small batches (FEED_EVERY): held in a long batch, a failover-heavy
    capture's records (each message with its option table) leave the CPU's caches before they are
    fed, and loading took a quarter longer. The caller hears of them every `batch_s` seconds."""
    batch: list[Record] = []
    rereadable = False
    limit, deadline = FIRST_BATCH, time.monotonic() + batch_s
    fed = 0
    for item in items:
        if isinstance(item, (IdleTick, End, Rereadable)):
            session.feed(batch, rereadable)
            batch = []
            if isinstance(item, Rereadable):
                rereadable = item.value
                continue
            if isinstance(item, End):
                session.finish(item.frames_read)
                break
            session.tick(item.ts)
            yield session.counts
            continue
        batch.append(item)
        if len(batch) == FEED_EVERY:
            session.feed(batch, rereadable)
            batch = []
            fed += FEED_EVERY
            if fed >= limit or time.monotonic() >= deadline:
                fed, limit, deadline = 0, 1 << 62, time.monotonic() + batch_s
                yield session.counts
    else:
        session.feed(batch, rereadable)
        session.finish(session.counts.frames_read)
    yield session.counts
