"""Fuzz target (issue 14): mutated captures through the decoder, the engine and every renderer.

Seeds are the samples and the shared corpus captures that hold DHCP or failover traffic. Hypothesis
picks a seed and mutates it: bytes flipped, set to edge values or to hostile text (ESC, bidi
controls, tag characters), 16-bit fields set (lengths, ports, types), bytes inserted or deleted,
frames cut, timestamps sent to the far future, and the file itself cut or gzipped. Each case is
written as pcapng (gzipped when the case says so) and run in-process through
`iter_records` -> the `packets` renderers (summary, -V tree, -x hex, jsonl) and `pipeline.events`
(decoder + engine) -> every report renderer (text, json, jsonl, each CSV table).

It asserts what a user would notice: no exception (a capture the reader rejects outright may raise
CaptureError, the one reported error), every JSON document and line parses, and no human-readable
line carries a raw Unicode control (Cc) or format (Cf) character.

Bounded for CI: 60 derandomised cases (same cases every run), a few seconds. Longer, random runs on
demand:

    DHCPANALYZE_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -s tests/hostile/test_fuzz.py

prints how many cases ran and what they exercised (records, issues, findings) at the end.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import struct
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhcpanalyze.decode import CaptureError, DecodeOptions, iter_records
from dhcpanalyze.engine import EngineSettings
from dhcpanalyze.model import CaptureIssue
from dhcpanalyze.reports import packets as packet_render
from dhcpanalyze.reports import pipeline
from dhcpanalyze.reports.csvout import TABLES, render_csv
from dhcpanalyze.reports.jsonout import render_json, render_jsonl
from dhcpanalyze.reports.style import TextOptions
from dhcpanalyze.reports.text import render_text
from dhcpanalyze.sources.capture import CaptureFile
from tests.conftest import corpus_captures, sample_captures
from tests.hostile.test_escaping import raw_characters

EXAMPLES = int(os.environ.get("DHCPANALYZE_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 60, derandomize=not EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
MAX_SEED_BYTES = 100_000
MAX_FRAMES = 300
EDGE_BYTES = (0x00, 0x01, 0x07, 0x0c, 0x1b, 0x35, 0x7f, 0x80, 0x9b, 0xfe, 0xff)
HOSTILE_TEXT = tuple(t.encode() for t in ("\x1b[2J", "\u061c", "\u202e", "\u180e", "\u00ad", "\ufff9",
                                          "\U000e0041", "=cmd|' /C calc'!A0", "\r\n", "\\x1b"))
STATS: Counter = Counter()

Frame = tuple[float, bytes, int]


@lru_cache(maxsize=1)
def seeds() -> tuple[tuple[str, tuple[Frame, ...], tuple[int, ...]], ...]:
    """(name, frames, indexes of frames that carry DHCP/failover/ICMP records) per usable capture."""
    out = []
    for path in sample_captures() + corpus_captures():
        if path.stat().st_size > MAX_SEED_BYTES:
            continue
        try:
            frames = tuple((ts, bytes(data), linktype) for _n, ts, data, linktype, _w in CaptureFile(str(path)))
            carrying = {r.frame - 1 for r in iter_records([str(path)]) if not isinstance(r, CaptureIssue)}
        except CaptureError:
            continue
        interesting = tuple(sorted(i for i in carrying if i < MAX_FRAMES))
        if interesting:
            out.append((path.name, frames[:MAX_FRAMES], interesting))
    return tuple(out)


def pcapng(frames: list[Frame]) -> bytes:
    """Little-endian pcapng: one interface per link type (µs), an enhanced packet block per frame.
    A timestamp beyond 64 bits of µs is clamped to the largest one."""
    def block(btype: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    links = list(dict.fromkeys(link for _, _, link in frames))
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += b"".join(block(1, struct.pack("<HHI", link, 0, 262144)) for link in links)
    for ts, data, link in frames:
        stamp = min(int(ts * 1e6), 2**64 - 1)
        out += block(6, struct.pack("<IIIII", links.index(link), stamp >> 32, stamp & 0xFFFFFFFF,
                                    len(data), len(data)) + data)
    return out


# --- mutations ---------------------------------------------------------------------------------

position = st.integers(0, 1500)
mutation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(0, 7)),
    st.tuples(st.just("set"), position, st.sampled_from(EDGE_BYTES)),
    st.tuples(st.just("u16"), position, st.sampled_from((0, 1, 3, 4, 12, 67, 68, 647, 2048, 2049, 0xFFFF))),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=40)),
    st.tuples(st.just("text"), position, st.sampled_from(HOSTILE_TEXT)),
    st.tuples(st.just("delete"), position, st.integers(1, 64)),
    st.tuples(st.just("cut"), position, st.just(0)),
    st.tuples(st.just("time"), st.just(0), st.sampled_from((0.0, -1.0, 2.0**32, 1.2e12, 1.8e13))),
)


def mutate(data: bytes, ts: float, op: tuple) -> tuple[bytes, float]:
    kind, at, value = op
    at = at % (len(data) + 1)
    buf = bytearray(data)
    if kind == "flip" and at < len(buf):
        buf[at] ^= 1 << value
    elif kind == "set" and at < len(buf):
        buf[at] = value
    elif kind == "u16" and at + 2 <= len(buf):
        buf[at:at + 2] = value.to_bytes(2, "big")
    elif kind in ("insert", "text"):
        buf[at:at] = value
    elif kind == "delete":
        del buf[at:at + value]
    elif kind == "cut":
        del buf[at:]
    elif kind == "time":
        ts = max(0.0, ts + value) if value >= 0 else 0.0
    return bytes(buf), ts


case = st.fixed_dictionaries({
    "seed": st.integers(0, 10_000),
    "edits": st.lists(st.tuples(st.integers(0, 10_000), st.booleans(), mutation), min_size=1, max_size=10),
    "file": st.sampled_from(("plain", "plain", "plain", "gzip", "cut", "gzip-cut")),
    "cut_at": st.floats(0.05, 0.999),
})


def build(c: dict) -> bytes:
    name, frames, interesting = seeds()[c["seed"] % len(seeds())]
    frames = list(frames)
    for pick, anywhere, op in c["edits"]:
        index = pick % len(frames) if anywhere else interesting[pick % len(interesting)]
        ts, data, link = frames[index]
        data, ts = mutate(data, ts, op)
        frames[index] = (ts, data, link)
    blob = pcapng(frames)
    if c["file"].startswith("gzip"):
        blob = gzip.compress(blob, compresslevel=1)
    if c["file"].endswith("cut"):
        blob = blob[:max(8, int(len(blob) * c["cut_at"]))]
    STATS["seed " + name] += 1
    return blob


# --- the oracle --------------------------------------------------------------------------------

def assert_readable(lines: list[str], what: str) -> None:
    bad = [line for line in lines if raw_characters(line)]
    assert bad == [], (what, bad[:3])


def run_packets(path: str) -> None:
    records = list(iter_records([path], DecodeOptions(keep_raw=True)))
    STATS["records"] += len(records)
    STATS["capture issues"] += sum(isinstance(r, CaptureIssue) for r in records)
    STATS["records with issues"] += sum(bool(getattr(getattr(r, "msg", None), "issues", None)) for r in records)
    t0 = records[0].ts if records else 0.0
    lines = []
    for record in records:
        lines += list(packet_render.tree_lines(record, t0)) + [packet_render.summary_line(record, t0)]
        lines += list(packet_render.hex_lines(getattr(record, "raw", b"") or b""))
    assert_readable(lines, "packets")
    for line in packet_render.jsonl_lines(records):
        json.loads(line)


def run_report(path: str) -> None:
    events = list(pipeline.events([path], DecodeOptions(), EngineSettings(), jobs=1))
    STATS["findings"] += sum(kind == "finding" for kind, _ in events)
    assert_readable(list(render_text(events, TextOptions(width=100))), "report text")
    json.loads("\n".join(render_json(events)))
    for line in render_jsonl(events):
        json.loads(line)
    for table in TABLES:
        lines = list(render_csv(events, table))
        assert_readable(lines, f"csv {table}")
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        assert all(len(row) == len(rows[0]) for row in rows), table


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="dhcpanalyze-fuzz-") as name:
        yield Path(name)
    if EXAMPLES:
        print(f"\nfuzz: {dict(sorted(STATS.items()))}")


@FUZZ
@given(c=case)
def test_mutated_captures_survive_every_renderer(workdir: Path, c: dict) -> None:
    if not seeds():
        pytest.skip("no seed captures (samples/ and the shared corpus are absent)")
    path = workdir / "case.pcapng"
    path.write_bytes(build(c))
    STATS["cases"] += 1
    try:
        run_packets(str(path))
        run_report(str(path))
    except CaptureError:                # the file as a whole is not a capture: reported, exit 3
        STATS["rejected as not a capture"] += 1
