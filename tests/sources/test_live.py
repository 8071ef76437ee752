"""Live capture on a veth pair in a namespace of the test's own (root; skipped otherwise): what the
filter lets through, idle ticks, saving, the end of the capture, an interface that disappears."""
from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from dhcpanalyze.commands.live import interrupts
from dhcpanalyze.decode import Decoder, DecodeOptions
from dhcpanalyze.engine import EngineSettings
from dhcpanalyze.model import DhcpRecord, TcpEvent
from dhcpanalyze.reports import pipeline
from dhcpanalyze.reports.livepipeline import live_events
from dhcpanalyze.sources.live import IdleTick, LiveOptions, live_records, open_live
from dhcpanalyze.sources.save import PcapSaver
from tests.conftest import SAMPLES

from .frames import icmp_echo, ipv4, sample_frames, tcp_syn, udp
from .netns import inside, ip, sender, veth_namespace

BACKENDS = ["socket", "dumpcap", "tcpdump"]
WAIT_S = 10


def _need(backend: str) -> None:
    if backend != "socket" and not shutil.which(backend):
        pytest.skip(f"{backend} is not installed")


def _discover() -> bytes:
    """The UDP payload of the first DHCPDISCOVER of the seed capture."""
    for frame in sample_frames(SAMPLES / "seed.pcap"):
        if frame[23] == 17 and frame[36:38] == b"\x00\x43" and b"\x35\x01\x01" in frame:
            return frame[42:]
    raise AssertionError("no DISCOVER in seed.pcap")


def _open(ns: str, backend: str, saver: PcapSaver | None = None, count: int | None = None):
    with inside(ns):
        return open_live(LiveOptions("va", backend, count=count, idle_s=0.2, duration_s=WAIT_S * 3),
                         saver)


def _until(items, done, timeout: float = WAIT_S):
    """Items of a live iteration until done(seen) holds (then the capture is stopped) or timeout."""
    seen, deadline = [], time.monotonic() + timeout
    for item in items:
        seen.append(item)
        if done(seen) or time.monotonic() > deadline:
            break
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_filter_passes_dhcp_failover_icmp_fragments_only(backend):
    _need(backend)
    with veth_namespace(f"f{backend[:3]}") as ns:
        capture = _open(ns, backend)
        out = sender(ns)
        wanted = [udp(68, 67, _discover()), tcp_syn(40000, 647), icmp_echo(),
                  ipv4(17, b"\0" * 16, frag=0x0010, ident=7)]         # non-first fragment
        for frame in (udp(5000, 9999, b"not dhcp"), *wanted):
            out.send(frame)
        got = _until(iter(capture), lambda seen: len(_packets(seen)) >= len(wanted))
        capture.stop()
        got += list(capture)
        assert [p[2] for p in _packets(got)] == wanted
        assert [p[0] for p in _packets(got)] == [1, 2, 3, 4]          # frame numbers
        assert all(abs(p[1] - time.time()) < 60 for p in _packets(got))
        summary = capture.summary()
        assert summary["packets"] == 4 and summary["dropped"] == 0 and summary["issues"] == []


def _packets(items):
    return [item for item in items if type(item) is not IdleTick]


@pytest.mark.parametrize("backend", ["socket", "dumpcap"])
def test_records_decode_and_idle_ticks_follow_packet_time(backend):
    _need(backend)
    with veth_namespace(f"r{backend[:3]}") as ns:
        capture = _open(ns, backend)
        sender(ns).send(udp(68, 67, _discover()))
        items = _until(live_records(Decoder(DecodeOptions()), capture),
                       lambda seen: sum(type(i) is IdleTick for i in seen) >= 3)
        capture.close()
        record = next(i for i in items if isinstance(i, DhcpRecord))
        assert record.msg.msg_type == "DISCOVER" and record.dport == 67
        ticks = [i.ts for i in items[items.index(record):] if type(i) is IdleTick]
        assert ticks == sorted(ticks) and ticks[0] > record.ts
        assert ticks[-1] - record.ts < 5


def test_idle_line_turns_an_unanswered_discover_into_no_offer():
    """No second packet comes: only the idle clock can close the transaction."""
    with veth_namespace("idle") as ns:
        capture = _open(ns, "socket")
        sender(ns).send(udp(68, 67, _discover()))
        settings = EngineSettings(txn_idle_timeout_s=1.0)
        events = live_events(capture, DecodeOptions(), settings)
        seen = _until(events, lambda got: any(o.get("code") == "dhcp.no-offer" for _, o in got))
        assert seen[-1][1]["code"] == "dhcp.no-offer"
        assert capture.records == 1
        capture.stop()
        rest = list(events)                       # the run still ends normally, with its summary
        assert rest[0][0] == "capture" and rest[0][1]["live"]["packets"] == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_saved_capture_gives_the_same_report_offline(backend, tmp_path):
    _need(backend)
    frames = sample_frames(SAMPLES / "seed.pcap")
    ip_frames = [f for f in frames if f[12:14] == b"\x08\x00"]       # the filter keeps no ARP
    with veth_namespace(f"s{backend[:3]}") as ns:
        saved = tmp_path / "live.pcap"
        capture = _open(ns, backend, saver=PcapSaver(str(saved)), count=len(ip_frames))
        out = sender(ns)
        for frame in frames:
            out.send(frame)
        live = list(live_events(capture, DecodeOptions(), EngineSettings()))   # ends at the count
    assert capture.records == len(ip_frames)
    offline = list(pipeline.events([str(saved)], DecodeOptions(), EngineSettings()))
    assert _analysis(live) == _analysis(offline)
    assert any(kind == "transaction" for kind, _ in live)


def _analysis(events) -> list:
    """Everything but the capture object (file name and the live part differ by design)."""
    return [(kind, obj) for kind, obj in events if kind not in ("capture",)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_interface_removed_ends_the_capture_with_an_issue(backend):
    _need(backend)
    with veth_namespace(f"g{backend[:3]}") as ns:
        capture = _open(ns, backend)
        sender(ns).send(tcp_syn(40000, 647))
        records = live_records(Decoder(DecodeOptions()), capture)
        seen = _until(records, lambda got: isinstance(got[-1], TcpEvent))
        ip("-n", ns, "link", "del", "va")
        started = time.monotonic()
        seen += list(records)                                   # ends by itself
        assert time.monotonic() - started < WAIT_S
    assert any(isinstance(r, TcpEvent) for r in seen)
    issues = capture.summary()["issues"]
    assert len(issues) >= 1 and "va" in issues[-1]
    assert any(word in issues[-1] for word in ("no longer attached", "disappeared", "removed"))


def test_first_interrupt_stops_the_capture_second_raises():
    with veth_namespace("int") as ns:
        capture = _open(ns, "dumpcap" if shutil.which("dumpcap") else "socket")
        with pytest.raises(KeyboardInterrupt):
            with interrupts(capture):
                os.kill(os.getpid(), signal.SIGINT)
                assert capture.stopping
                list(capture)                     # drains to the end: the child has exited
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
        assert getattr(capture.source, "proc", None) is None or capture.source.proc.poll() is not None
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
