"""From decoded records to report events: run the engine and name what it returns.

The engine (dhcpanalyze.engine) is sans-I/O: `feed(record)` returns transactions and findings as
they complete, `finish()` flushes what is still open, `summary()` gives the capture, servers,
failover relationships and leases. Each output's `to_dict()` is the report contract's object;
this module only pairs it with its record kind.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator

from dhcpanalyze.decode import Decoder, DecodeOptions
from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.forked import ForkedDecoder
from dhcpanalyze.model import Record
from dhcpanalyze.reports.events import (
    CAPTURE, FAILOVER, KINDS, LEASE, SERVER, Event)
from dhcpanalyze.sources.capture import CaptureFile

Watch = Callable[[Iterable[Record]], Iterable[Record]]


def check_inputs(paths: list[str]) -> None:
    """Raise CaptureError now for a file that is missing or not a capture, before any output."""
    for path in paths:
        if path != "-":         # stdin cannot be peeked twice; it is checked when read
            CaptureFile(path).close()


def settings(args: argparse.Namespace) -> EngineSettings:
    """EngineSettings from the command line (only the options the user gave)."""
    given = {"lb_max_secs": args.lb_max_secs, "servers": args.servers}
    return EngineSettings(**{k: v for k, v in given.items() if v is not None})


def events(paths: list[str], decode: DecodeOptions, engine_settings: EngineSettings,
           watch: Watch = iter, jobs: int = 1) -> Iterator[Event]:
    """Decode the files, feed every record to a fresh engine, yield its outputs as events.

    `watch` sees the records on their way (progress, warnings). With jobs >= 2 the files are
    decoded in a second process (dhcpanalyze.forked) while this one runs the engine; the events
    are the same. The decoder tells how many frames the files held, for the capture summary.
    """
    decoder = ForkedDecoder(decode) if jobs >= 2 else Decoder(decode)
    engine = Engine(engine_settings)
    for record in watch(decoder.records(paths)):
        for out in engine.feed(record):
            yield kind_of(out), out.to_dict()
    for out in engine.finish():
        yield kind_of(out), out.to_dict()
    engine.note_input(list(paths), decoder.frames_read)
    yield from summary_events(engine.summary())


def summary_events(summary: dict) -> Iterator[Event]:
    """The end-of-capture objects: capture, then servers, failover relationships, leases."""
    yield CAPTURE, _as_dict(summary.get("capture", {}))
    for kind, key in ((SERVER, "servers"), (FAILOVER, "failover"), (LEASE, "leases")):
        for obj in summary.get(key, []):
            yield kind, _as_dict(obj)


def kind_of(out: object) -> str:
    """The record kind of an engine output: its `record` attribute, else its class name."""
    kind = getattr(out, "record", None) or type(out).__name__.lower()
    if kind not in KINDS:
        raise TypeError(f"engine output of unknown kind: {type(out).__name__}")
    return kind


def _as_dict(obj: object) -> dict:
    return obj if isinstance(obj, dict) else obj.to_dict()

