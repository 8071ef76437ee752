"""Every failover message of the real ISC 4.4.3 captures (shared/corpus/isc-failover) against the
per-frame message lists recorded beside them, and against what the servers logged.

Also holds the small dpkt helpers the stream tests use to get real TCP/647 segments and byte streams.
"""
from __future__ import annotations

import socket
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import dpkt
import pytest

from dissectors.failover import FailoverStreams

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "isc-failover"
CAPTURES = ["fo-capture", "fo-capture2"]


class Segment(NamedTuple):
    frame: int
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    seq: int
    flags: int
    payload: bytes


def corpus_path(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"shared corpus file isc-failover/{name} not present at {CORPUS}")
    return path


def tcp_segments(path: Path, ports: tuple[int, ...] = (647,)) -> list[Segment]:
    """The TCP segments on failover ports of an Ethernet pcap, numbered as tshark numbers frames."""
    segments = []
    with path.open("rb") as fh:
        for frame, (ts, raw) in enumerate(dpkt.pcap.Reader(fh), 1):
            ip = dpkt.ethernet.Ethernet(raw).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
                tcp = ip.data
                if tcp.sport in ports or tcp.dport in ports:
                    segments.append(Segment(frame, ts, socket.inet_ntoa(ip.src), tcp.sport,
                                            socket.inet_ntoa(ip.dst), tcp.dport, tcp.seq, tcp.flags,
                                            bytes(tcp.data)))
    return segments


def feed_all(segments: list[Segment], streams: FailoverStreams | None = None) -> list[tuple[tuple, object]]:
    """(direction, StreamItem) for every item, then the items `finish()` flushes."""
    streams = streams or FailoverStreams()
    out = []
    for s in segments:
        key = (s.src, s.sport, s.dst, s.dport)
        out += [(key, item) for item in streams.feed(*s)]
    return out + streams.finish()


def direction_streams(segments: list[Segment]) -> list[tuple[tuple, bytes]]:
    """Each SYN-started direction's payload bytes in sequence order (first copy of a byte wins)."""
    current: dict[tuple, list] = {}
    ordered = []
    for s in segments:
        key = (s.src, s.sport, s.dst, s.dport)
        if s.flags & dpkt.tcp.TH_SYN:
            current[key] = [s.seq + 1, {}]
            ordered.append((key, current[key]))
        elif s.payload and key in current:
            isn, pieces = current[key]
            pieces.setdefault((s.seq - isn) % 2**32, s.payload)
    result = []
    for key, (_isn, pieces) in ordered:
        data = bytearray()
        for offset in sorted(pieces):
            assert offset <= len(data), "the corpus captures have no lost segments"
            data += pieces[offset][len(data) - offset:]
        if data:
            result.append((key, bytes(data)))
    return result


def read_tsv(path: Path) -> dict[int, dict]:
    """frame -> {ts, src, sport, dst, dport, messages: [(type, xid, length)]}"""
    frames = {}
    for line in path.read_text().splitlines():
        f = line.split("\t")
        messages = list(zip(map(int, f[6].split(",")), (int(x, 16) for x in f[7].split(",")),
                            map(int, f[8].split(","))))
        frames[int(f[0])] = {"ts": float(f[1]), "ends": (f[2], int(f[3]), f[4], int(f[5])), "messages": messages}
    return frames


@pytest.fixture(scope="module", params=CAPTURES)
def decoded(request):
    name = request.param
    items = feed_all(tcp_segments(corpus_path(f"{name}.pcap")))
    return name, items


def test_every_message_matches_the_recorded_list(decoded):
    name, items = decoded
    expected = read_tsv(corpus_path(f"{name}-messages.tsv"))
    got: dict[int, dict] = defaultdict(lambda: {"messages": []})
    for key, item in items:
        if item.kind == "message":
            entry = got[item.frame]
            entry.update(ts=item.ts, ends=key)
            entry["messages"].append((item.message.type, item.message.xid, item.message.length))
    assert sorted(got) == sorted(expected)
    for frame, want in expected.items():
        assert got[frame]["messages"] == want["messages"], f"frame {frame}"
        assert got[frame]["ends"] == want["ends"], f"frame {frame}"
        assert got[frame]["ts"] == pytest.approx(want["ts"], abs=1e-6), f"frame {frame}"


def test_no_gaps_and_only_the_deliberately_malformed_messages_have_issues(decoded):
    name, items = decoded
    assert [item for _, item in items if item.kind == "gap"] == []
    flagged = {item.frame: item.message.issues for _, item in items
               if item.kind == "message" and item.message.issues}
    # The scripted fake primary sent a 16-byte HBA (secondary log: "invalid HBA") and a type-200
    # message (secondary log: "FAILOVER: invalid message type: 200"); nothing else is malformed.
    expected = {"fo-capture": {235: ["option 11 hash-bucket-assignment: length 16, expected 32"],
                               266: ["unknown message type 200"]},
                "fo-capture2": {}}[name]
    assert flagged == expected
    log = (CORPUS / "secondary" / "dhcpd.log").read_text() if name == "fo-capture" else ""
    assert all(text in log for text in (["invalid HBA", "invalid message type: 200"] if expected else []))


def test_tcp_events_follow_the_handshakes(decoded):
    name, items = decoded
    segments = tcp_segments(corpus_path(f"{name}.pcap"))
    kinds = defaultdict(int)
    for _, item in items:
        kinds[item.kind] += 1
    syn, ack = dpkt.tcp.TH_SYN, dpkt.tcp.TH_ACK
    assert kinds["syn"] == sum(1 for s in segments if s.flags & (syn | ack) == syn)
    assert kinds["synack"] == sum(1 for s in segments if s.flags & (syn | ack) == syn | ack)
    assert kinds["rst"] == sum(1 for s in segments if s.flags & dpkt.tcp.TH_RST) > 0
    assert kinds["fin"] == sum(1 for s in segments if s.flags & dpkt.tcp.TH_FIN) > 0
    # every direction that carries messages was seen opening: its first item is a SYN or SYN-ACK
    first_kind: dict[tuple, str] = {}
    for key, item in items:
        first_kind.setdefault(key, item.kind)
        if item.kind == "message":
            assert first_kind[key] in ("syn", "synack"), key


def test_type_7_count_matches_isc_log_lines_for_update_request_all():
    # The decoded UPDREQALL/UPDREQ counts equal the "Sent update request all message" / "Sent update
    # request message" lines the real servers logged over both runs (tshark labels these the other way).
    names = defaultdict(int)
    for capture in CAPTURES:
        for _, item in feed_all(tcp_segments(corpus_path(f"{capture}.pcap"))):
            if item.kind == "message":
                names[(item.message.type, item.message.type_name)] += 1
    logs = "".join(p.read_text() for p in sorted(CORPUS.glob("*/dhcpd*.log")))
    assert names[(7, "UPDREQALL")] == logs.count("Sent update request all message") == 5
    assert names[(9, "UPDREQ")] == logs.count("Sent update request message") == 1


def test_direction_streams_reparse_exactly(decoded):
    # Sanity for the helpers the stream tests build on: each stream is whole messages end to end.
    name, _ = decoded
    for _, data in direction_streams(tcp_segments(corpus_path(f"{name}.pcap"))):
        pos = 0
        while pos < len(data):
            pos += int.from_bytes(data[pos:pos + 2], "big")
        assert pos == len(data)
