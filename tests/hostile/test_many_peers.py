"""Issue 14 item 9: many failover peers keep memory flat. Pairs beyond max_relationships share one
"(other relationships)" entry; it must not keep a clock offset per peer address (49,744 entries on
one line for 50k connections), and `frames_with_records` never exceeds the frames read."""
from __future__ import annotations

import json

from dhcpanalyze.engine import EngineSettings
from dissectors.failover.stream import StreamLimits
from tests.engine.helpers import run_files
from tests.hostile import craft

CONNECT = 5
OVERFLOW = "(other relationships)"


def _connections(count: int, tail: bytes = b"") -> bytes:
    """`count` failover connections from distinct addresses, each one CONNECT with its own clock;
    `tail` (the start of a next message that never completes) follows it in the same segment."""
    frames = []
    for i in range(count):
        src = f"10.{1 + (i >> 16)}.{i >> 8 & 0xff}.{i & 0xff}"
        msg = craft.failover_message(CONNECT, [(22, b"FO%d" % i), (15, (60).to_bytes(4, "big"))],
                                     time=1_795_860_000 + i % 50, xid=0)
        frames += craft.failover_stream([msg + tail], src=src, dst="10.2.0.1", sport=20000 + i)
    return craft.pcap(frames)


def test_shared_entry_keeps_no_per_peer_clock_offsets(tmp_path) -> None:
    settings = EngineSettings(max_relationships=4)
    run = run_files([craft.write(tmp_path, _connections(300))], settings)
    rels = run.summary["failover"]
    assert len(rels) == settings.max_relationships + 1
    shared = [r for r in rels if r["relationship"] == OVERFLOW]
    assert len(shared) == 1 and shared[0]["messages"]["CONNECT"] == 300 - settings.max_relationships
    assert len(shared[0]["clock_offsets_s"]) <= 2       # a pair's worth at most, not one per peer
    assert all(len(r["clock_offsets_s"]) <= 2 for r in rels)


def test_frames_with_records_never_exceeds_the_packets(capsys, tmp_path) -> None:
    # more connections than the stream table holds; every data segment ends with 4 bytes of a next
    # message, so each connection the bound drops reports its cut message, tagged with its own
    # (earlier) frame, between the records of later frames
    count = StreamLimits().max_connections + 200
    path = craft.write(tmp_path, _connections(count, tail=b"\x00\x20\x0b\x0c"))
    code, out, err = craft.run_cli(capsys, "report", "--format", "json", "--jobs", "1", path)
    capture = json.loads(out)["capture"]
    assert capture["packets"] == 3 * count
    assert capture["frames_with_records"] <= capture["packets"]
