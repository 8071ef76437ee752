"""The report pipeline for a live capture: records and idle ticks in, report events out.

Like pipeline.events for files, in one process (the capture program is the second one), with two
differences: an idle tick makes the engine expire (a DISCOVER nobody answers becomes dhcp.no-offer
while the line is quiet), and the capture object carries a `live` part: interface, backend,
filter, packets received and dropped, saved files and capture issues.
"""
from __future__ import annotations

from collections.abc import Iterator

from dhcpanalyze.decode import Decoder, DecodeOptions
from dhcpanalyze.engine import Engine, EngineSettings
from dhcpanalyze.reports.events import Event
from dhcpanalyze.reports.pipeline import Watch, kind_of, summary_events
from dhcpanalyze.sources.live import IdleTick, LiveCapture, live_records


def live_events(capture: LiveCapture, decode: DecodeOptions, engine_settings: EngineSettings,
                watch: Watch = iter) -> Iterator[Event]:
    decoder = Decoder(decode)
    engine = Engine(engine_settings)
    for item in live_records(decoder, capture):
        if type(item) is IdleTick:
            outs = engine.expire(item.ts)
        else:       # `watch` sees records only (its stages know nothing of ticks), one at a time
            outs = [out for record in watch((item,)) for out in engine.feed(record)]
        for out in outs:
            yield kind_of(out), out.to_dict()
    for out in engine.finish():
        yield kind_of(out), out.to_dict()
    engine.note_input([capture.name], decoder.frames_read)
    summary = engine.summary()
    parts = {key: summary.get(key) for key in ("servers", "failover", "leases")}
    yield from summary_events({**parts, "capture": {**summary.capture.to_dict(), "live": capture.summary()}})
