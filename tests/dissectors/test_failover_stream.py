"""FailoverStreams: TCP/647 segments -> messages, on synthetic segments with known bytes and on the
real lab byte streams cut, reordered, retransmitted and started mid-way by Hypothesis."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dissectors.failover import FailoverStreams, StreamLimits, decode_failover
from tests.dissectors.test_failover_corpus import CAPTURES, corpus_path, direction_streams, tcp_segments
from tests.dissectors.test_failover_decode import (BNDACK_REJECT, BNDUPD_ACTIVE, CONNECT, CONTACT, LEGACY_CONNECT,
                                                   STATE, message, opt)

SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
A, B = ("10.99.0.1", 44077), ("10.99.0.2", 647)


class Wire:
    """One TCP connection A->B fed to a FailoverStreams, with auto-numbered frames."""

    def __init__(self, streams: FailoverStreams | None = None, isn_a: int = 1000, isn_b: int = 5000,
                 a=A, b=B) -> None:
        self.streams = streams or FailoverStreams()
        self.frame = 0
        self.isn = {True: isn_a, False: isn_b}
        self.next = {True: isn_a + 1, False: isn_b + 1}
        self.a, self.b = a, b

    def feed(self, forward: bool, seq: int, flags: int, payload: bytes = b""):
        self.frame += 1
        src, dst = (self.a, self.b) if forward else (self.b, self.a)
        return self.streams.feed(self.frame, 100.0 + self.frame, *src, *dst, seq % 2**32, flags, payload)

    def handshake(self):
        return self.feed(True, self.isn[True], SYN) + self.feed(False, self.isn[False], SYN | ACK)

    def send(self, payload: bytes, forward: bool = True, offset: int | None = None):
        """Send at the next sequence number (or at `offset` bytes into the stream)."""
        seq = self.isn[forward] + 1 + offset if offset is not None else self.next[forward]
        self.next[forward] = max(self.next[forward], seq + len(payload))
        return self.feed(forward, seq, ACK | PSH, payload)


def kinds(items):
    return [i.kind for i in items]


def messages(items):
    return [i.message for i in items if i.kind == "message"]


def test_several_messages_in_one_segment_come_in_stream_order_from_that_frame():
    wire = Wire()
    wire.handshake()
    ack = message(6, opt(22, b"fo-lab"))
    items = wire.send(ack + STATE + CONTACT, forward=False)
    assert [(i.kind, i.message.type_name, i.frame) for i in items] == [
        ("message", "CONNECTACK", 3), ("message", "STATE", 3), ("message", "CONTACT", 3)]


def test_message_spanning_segments_belongs_to_the_frame_of_its_last_byte():
    wire = Wire()
    wire.handshake()
    assert wire.send(CONNECT[:5]) == [] and wire.send(CONNECT[5:60]) == []
    items = wire.send(CONNECT[60:] + STATE[:3])
    assert [(i.message.type_name, i.frame, i.ts) for i in items] == [("CONNECT", 5, 105.0)]
    assert messages(wire.send(STATE[3:]))[0].get("server-state") == "RECOVER"


def test_retransmission_adds_nothing_and_the_first_copy_wins_on_overlap():
    wire = Wire()
    wire.handshake()
    assert wire.send(BNDUPD_ACTIVE[:40]) == []
    assert wire.send(BNDUPD_ACTIVE[:40], offset=0) == []          # exact retransmission
    # overlapping resend: bytes 30..40 differ (already assembled, so ignored), 40.. are new
    items = wire.send(b"\xee" * 10 + BNDUPD_ACTIVE[40:], offset=30)
    assert [m.get("client-hardware-address")["mac"] for m in messages(items)] == ["02:00:00:00:00:01"]
    assert messages(items)[0].issues == []


def test_out_of_order_segments_wait_for_the_hole_and_keep_their_frames():
    wire = Wire()
    wire.handshake()
    assert wire.send(STATE[10:], offset=10) == []                 # frame 3: arrives first
    assert wire.send(CONTACT, offset=len(STATE)) == []            # frame 4
    items = wire.send(STATE[:10], offset=0)                       # frame 5 fills the hole
    assert [(i.message.type_name, i.frame) for i in items] == [("STATE", 3), ("CONTACT", 4)]


def test_lost_segment_is_given_up_after_the_window_and_reported_as_a_gap():
    wire = Wire(FailoverStreams(StreamLimits(max_out_of_order=2)))
    wire.handshake()
    stream = STATE + BNDUPD_ACTIVE + CONTACT + BNDACK_REJECT + STATE
    wire.send(stream[:40])                                        # STATE + 10 bytes of the BNDUPD
    lost = (40, 60)                                               # 20 bytes of the BNDUPD never captured
    first = wire.send(stream[60:100], offset=60)
    second = wire.send(stream[100:140], offset=100)
    third = wire.send(stream[140:], offset=140)                   # third held segment: over the bound
    assert first == second == []
    gap, *rest = third
    assert gap.kind == "gap" and gap.frame == 6
    # the BNDUPD (bytes 30..109) is unusable: 10 bytes before the hole and 49 after it are skipped
    assert gap.detail == f"{lost[1] - lost[0]} bytes missing from the capture; skipped 59 bytes to the next message header"
    assert [m.type_name for m in messages(rest)] == ["CONTACT", "BNDACK", "STATE"]


def test_mid_stream_start_resynchronises_on_the_next_real_header():
    wire = Wire()
    tail = BNDUPD_ACTIVE[33:]                                     # 46 bytes from inside a BNDUPD
    items = wire.feed(True, 77777, ACK, tail + STATE + CONTACT)
    assert kinds(items) == ["gap", "message", "message"]
    assert items[0].detail == "no SYN seen (capture started mid-stream); skipped 46 bytes to the next message header"
    assert [m.type_name for m in messages(items)] == ["STATE", "CONTACT"]


def test_mid_stream_start_on_a_boundary_reports_no_gap():
    wire = Wire()
    assert kinds(wire.feed(True, 77777, ACK, STATE + CONTACT)) == ["message", "message"]


def test_implausible_length_in_step_loses_step_and_resyncs():
    wire = Wire()
    wire.handshake()
    junk = b"\x13\x88" + bytes(range(30))                          # "length 5000": ISC drops such a link
    items = wire.send(STATE + junk + CONTACT)
    assert kinds(items) == ["message", "gap", "message"]
    assert items[1].detail.startswith("implausible message length 5000 at stream offset 30; skipped 32 bytes")


def test_ports_reused_with_a_new_isn_start_a_new_stream():
    wire = Wire()
    wire.handshake()
    wire.send(STATE[:20])                                         # a partial message, then the link dies
    assert kinds(wire.feed(True, wire.next[True], FIN | ACK)) == ["fin"]
    wire.isn[True], wire.next[True] = 90000, 90001
    items = wire.feed(True, 90000, SYN)
    assert kinds(items) == ["gap", "syn"] and items[1].detail == "ports reused by a new connection"
    assert items[0].detail == "stream ended inside a message: 20 bytes undecoded"
    assert [m.type_name for m in messages(wire.send(CONNECT))] == ["CONNECT"]


def test_closed_connections_are_forgotten_after_the_close_delay():
    """ISC retries a partner that is down every 5 s, each try a new connection (refused: SYN, RST),
    and a pair that flaps opens and closes connections all day: the ended ones leave the table
    close_delay_s after closing, so a long capture does not fill it to max_connections. Nothing
    is lost: what they carried was reported as it came; one still holding bytes is kept."""
    streams, a, b = FailoverStreams(), A[0], B[0]
    decoded, events = [], []
    for i in range(200):
        ts, port = 100.0 + 2 * i, 40000 + i
        if i % 2:                                            # refused: SYN, RST
            segments = [(a, port, b, 647, 1000, SYN, b""), (b, 647, a, port, 0, RST | ACK, b"")]
        else:                                                # one CONTACT, then FIN both ways
            segments = [(a, port, b, 647, 1000, SYN, b""), (b, 647, a, port, 5000, SYN | ACK, b""),
                        (a, port, b, 647, 1001, ACK | PSH, CONTACT),
                        (a, port, b, 647, 1001 + len(CONTACT), FIN | ACK, b""),
                        (b, 647, a, port, 5001, FIN | ACK, b"")]
        for n, seg in enumerate(segments):
            items = streams.feed(10 * i + n, ts + 0.001 * n, *seg)
            decoded += messages(items)
            events += [it.kind for it in items if it.kind != "message"]
    assert len(streams._conns) <= 4      # those of the last 5 s (2 s apart); it held all 200
    assert len(decoded) == 100 and "gap" not in events and streams.finish() == []

    streams = FailoverStreams()
    kept = Wire(streams)
    kept.handshake()
    kept.send(STATE[:20])                                    # half a message when it closed
    kept.feed(True, kept.next[True], FIN | ACK)
    kept.feed(False, kept.next[False], FIN | ACK)
    later = Wire(streams, a=(a, 50000))
    later.frame = 100                                        # a new connection 100 s later
    later.handshake()
    gaps = [(ends[1], item.detail) for ends, item in streams.finish() if item.kind == "gap"]
    assert gaps == [(A[1], "stream ended inside a message: 20 bytes undecoded")]


def test_data_on_closed_ports_without_a_syn_is_a_new_mid_stream_stream():
    wire = Wire()
    wire.handshake()
    wire.send(CONTACT)
    wire.feed(True, wire.next[True], FIN | ACK)
    items = wire.feed(True, 123456789, ACK | PSH, STATE)
    assert [m.type_name for m in messages(items)] == ["STATE"]


def test_retransmitted_syn_and_rst_are_events():
    wire = Wire()
    assert kinds(wire.feed(True, 1000, SYN)) == ["syn"]
    assert [(i.kind, i.detail) for i in wire.feed(True, 1000, SYN)] == [("syn", "retransmission")]
    assert kinds(wire.feed(False, 0, RST | ACK)) == ["rst"]


def test_legacy_era_is_kept_for_the_connection_and_reset_by_a_new_one():
    wire = Wire()
    wire.handshake()
    assert messages(wire.send(LEGACY_CONNECT))[0].legacy
    legacy_state = message(10, opt(18, b"\x01") + opt(19, b"\x00"))   # 3.0.x: 18 server-state, 1 partner-down
    reply = messages(wire.send(legacy_state, forward=False))[0]
    assert reply.legacy and reply.get("server-state") == "PARTNER-DOWN" and reply.issues == []
    # a new connection on the same ports from a 4.x peer decodes with the draft-12 tables again
    wire.isn[True], wire.next[True] = 70000, 70001
    wire.feed(True, 70000, SYN)
    assert messages(wire.send(STATE))[0].legacy is False


def test_sequence_numbers_wrap():
    wire = Wire(isn_a=2**32 - 20)
    wire.handshake()
    items = wire.send(CONNECT[:50]) + wire.send(CONNECT[50:] + STATE)
    assert [m.type_name for m in messages(items)] == ["CONNECT", "STATE"]


def test_finish_flushes_segments_held_behind_a_hole_that_never_filled():
    streams = FailoverStreams()
    wire = Wire(streams)
    wire.handshake()
    wire.send(CONTACT)
    wire.send(STATE + CONTACT, offset=len(CONTACT) + 7)           # 7 bytes lost, then two messages
    flushed = streams.finish()
    assert [(key, item.kind) for key, item in flushed] == [
        ((*A, *B), "gap"), ((*A, *B), "message"), ((*A, *B), "message")]
    assert flushed[0][1].detail == "7 bytes missing from the capture; skipped 0 bytes to the next message header"
    assert streams.finish() == []


def test_memory_stays_bounded_and_the_oldest_connection_is_evicted():
    streams = FailoverStreams(StreamLimits(max_buffered_bytes=1000, max_out_of_order=8, max_connections=2))
    wire = Wire(streams)
    wire.handshake()
    for i in range(200):                                          # a hole that is never filled
        wire.send(bytes(100), offset=50 + 100 * i)
        assert streams.buffered_bytes() <= 1000 + 100
    for port in (50001, 50002):                                   # two more connections evict the first
        other = Wire(streams, a=("10.99.0.9", port))
        other.handshake()
        other.send(STATE[:10])
    assert streams.evictions == 1
    evicted = streams.take_evicted()
    assert evicted and {key for key, _ in evicted} == {(*A, *B)}
    assert all(item.kind == "gap" for _, item in evicted)


# --- real lab streams under Hypothesis -----------------------------------------------------------

@pytest.fixture(scope="module")
def real_streams():
    """Each clean direction stream of the lab captures with its messages' (start, end, fingerprint)."""
    found = []
    for name in CAPTURES:
        for key, data in direction_streams(tcp_segments(corpus_path(f"{name}.pcap"))):
            spans, pos = [], 0
            while pos < len(data):
                end = pos + int.from_bytes(data[pos:pos + 2], "big")
                spans.append((pos, end, fingerprint(decode_failover(data[pos:end]))))
                pos = end
            if all(not decode_failover(data[s:e]).issues for s, e, _ in spans):
                found.append((data, spans))
    return found


def fingerprint(msg):
    return (msg.type, msg.xid, msg.length, msg.time, tuple((o.code, o.raw) for o in msg.options))


def cut(data: bytes, points: list[int]) -> list[tuple[int, bytes]]:
    edges = [0] + sorted(set(p for p in points if 0 < p < len(data))) + [len(data)]
    return [(a, data[a:b]) for a, b in zip(edges, edges[1:])]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_segmentation_reordering_and_retransmission_gives_the_same_messages(real_streams, data):
    stream, spans = data.draw(st.sampled_from(real_streams))
    segments = cut(stream, data.draw(st.lists(st.integers(1, len(stream) - 1), max_size=80)))
    jitter = data.draw(st.lists(st.integers(0, 6), min_size=len(segments), max_size=len(segments)))
    order = [seg for _, seg in sorted(zip((i + j for i, j in enumerate(jitter)), segments), key=lambda p: p[0])]
    for start, end, at in data.draw(st.lists(st.tuples(st.integers(0, len(stream) - 1), st.integers(1, 600),
                                                       st.integers(0, len(order))), max_size=10)):
        order.insert(at, (start, stream[start:start + end]))      # a retransmission, any alignment
    isn = data.draw(st.sampled_from([0, 1000, 2**32 - 300, 2**31]))
    streams = FailoverStreams()
    items = streams.feed(1, 0.0, *A, *B, isn, SYN, b"")
    carried = {}
    for frame, (offset, payload) in enumerate(order, 2):
        carried[frame] = (offset, offset + len(payload))
        items += streams.feed(frame, float(frame), *A, *B, (isn + 1 + offset) % 2**32, ACK, payload)
    items += [item for _, item in streams.finish()]
    got = [i for i in items if i.kind == "message"]
    assert [fingerprint(i.message) for i in got] == [fp for _, _, fp in spans]
    assert [i for i in items if i.kind == "gap"] == []
    for item, (_, end, _) in zip(got, spans):                     # the frame carried the last byte
        first, last = carried[item.frame]
        assert first <= end - 1 < last


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_capture_started_mid_stream_resynchronises_with_a_reported_gap(real_streams, data):
    stream, spans = data.draw(st.sampled_from(real_streams))
    segments = cut(stream, data.draw(st.lists(st.integers(1, len(stream) - 1), min_size=1, max_size=60)))
    dropped = data.draw(st.integers(1, len(segments) - 1)) if len(segments) > 1 else 0
    kept = segments[dropped:]
    start = kept[0][0]
    streams = FailoverStreams()
    items = []
    for frame, (offset, payload) in enumerate(kept, 1):
        items += streams.feed(frame, float(frame), *A, *B, 424242 + offset, ACK, payload)
    items += [item for _, item in streams.finish()]
    expected = [(s, fp) for s, _, fp in spans if s >= start]
    assert [fingerprint(i.message) for i in items if i.kind == "message"] == [fp for _, fp in expected]
    gaps = [i.detail for i in items if i.kind == "gap"]
    if not expected:
        assert len(gaps) == 1 and gaps[0].startswith("stream ended without a plausible message header")
    elif expected[0][0] == start:
        assert gaps == []
    else:
        assert gaps == [f"no SYN seen (capture started mid-stream); skipped {expected[0][0] - start} "
                        "bytes to the next message header"]
        assert items[0].kind == "gap"


def test_resync_finds_the_true_next_boundary_from_every_start_offset(real_streams):
    # No false header anywhere in the lab streams: from each byte offset, the first message found
    # is the one starting at the next real boundary.
    total = 0
    for stream, spans in real_streams:
        starts = [s for s, _, _ in spans]
        for offset in range(len(stream)):
            boundary = next((s for s in starts if s >= offset), None)
            # up to 200 bytes past the end of the first real message, then the end of the stream
            upto = boundary + int.from_bytes(stream[boundary:boundary + 2], "big") + 200 if boundary is not None else None
            streams = FailoverStreams()
            items = streams.feed(1, 0.0, *A, *B, 1000, ACK, stream[offset:upto])
            items += [item for _, item in streams.finish()]
            first = next((i for i in items if i.kind == "message"), None)
            if boundary is None:
                assert first is None
                continue
            total += 1
            assert first is not None and first.message.length == int.from_bytes(stream[boundary:boundary + 2], "big")
            gaps = [i for i in items[:items.index(first)] if i.kind == "gap"]
            skipped = [int(re.search(r"skipped (\d+)", i.detail).group(1)) for i in gaps]
            assert skipped == ([boundary - offset] if boundary != offset else [])
    assert total > 10000


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2**32 - 1), st.sampled_from([0, SYN, SYN | ACK, ACK, FIN, RST]),
                          st.binary(max_size=300)), max_size=40))
def test_random_segments_never_raise_and_stay_bounded(segments):
    limits = StreamLimits(max_buffered_bytes=2000, max_out_of_order=4, max_connections=8)
    streams = FailoverStreams(limits)
    for frame, (forward, seq, flags, payload) in enumerate(segments, 1):
        src, dst = (A, B) if forward else (B, A)
        for item in streams.feed(frame, float(frame), *src, *dst, seq, flags, payload):
            assert item.kind in ("message", "syn", "synack", "fin", "rst", "gap")
            assert (item.message is not None) == (item.kind == "message")
        # held bytes stay under the bound (+ one segment); a partial message under 2048 + one segment
        assert streams.buffered_bytes() <= 2 * (2000 + 300 + 2048 + 300)
    for _, item in streams.finish():
        assert item.kind in ("message", "gap")
