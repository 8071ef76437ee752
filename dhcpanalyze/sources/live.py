"""Live capture: the packets of an interface as they arrive, for the Decoder that reads files.

    with open_live(LiveOptions("br0")) as capture:       # LiveCaptureError: one line for the user
        for item in live_records(Decoder(opts), capture):
            if type(item) is IdleTick:
                engine.expire(item.ts)                    # a DISCOVER nobody answers times out
            else:
                engine.feed(item)
    capture.summary()                                     # backend, filter, received, dropped, issues

Iterating a LiveCapture gives `(frame, ts, data, linktype, wirelen)` like CaptureFile, plus an
IdleTick whenever nothing arrived for `idle_s`: its ts is the last packet's time plus the monotonic
time since it was read (packet time stays the clock, as offline; Zeek moves its network time on
the same way when a live source is idle). `stop()` may be called from a signal handler: the
source asks its capture program to end and the iteration drains what is left, then ends.

Backends (`backend`): dumpcap (the default), tcpdump (when dumpcap is absent), socket (pure-Python
AF_PACKET, when neither is installed) — see sources/pipe.py and sources/afpacket.py.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dhcpanalyze.model import CaptureIssue, Record
from dhcpanalyze.sources import bpf
from dhcpanalyze.sources.capture import CaptureError, Packet
from dhcpanalyze.sources.pipe import CaptureStartError, PipeSource, available
from dhcpanalyze.sources.save import PcapSaver

BACKENDS = ("auto", "dumpcap", "tcpdump", "socket")
IDLE_S = 1.0

PRIVILEGE_HELP = ("capturing needs CAP_NET_RAW: run as root, or join the 'wireshark' group "
                  "(sudo dpkg-reconfigure wireshark-common; sudo usermod -aG wireshark $USER), or "
                  "sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/dumpcap")


class LiveCaptureError(CaptureError):
    """The capture could not start (no privilege, no such interface, no way to capture)."""


@dataclass(frozen=True, slots=True)
class IdleTick:
    """Nothing arrived for a while; `ts` is the capture's time now (see the module doc)."""

    ts: float


@dataclass(frozen=True, slots=True)
class LiveOptions:
    interface: str
    backend: str = "auto"
    bpf: str | None = None                     # None: bpf.filter_text of the ports below
    dhcp_ports: frozenset[int] = frozenset((67, 68))
    failover_ports: frozenset[int] = frozenset((647,))
    count: int | None = None                   # stop after this many packets
    duration_s: float | None = None            # stop after this many seconds
    idle_s: float = IDLE_S
    drop_privileges: bool = False              # socket backend: give up root once it is open

    @property
    def filter(self) -> str:
        return self.bpf or bpf.filter_text(self.dhcp_ports, self.failover_ports)


def choose_backend(asked: str) -> str:
    if asked != "auto":
        return asked
    return next((p for p in ("dumpcap", "tcpdump") if available(p)), "socket")


def open_live(options: LiveOptions, saver: PcapSaver | None = None) -> LiveCapture:
    """Start capturing; LiveCaptureError with a one-line reason if it cannot."""
    backend = choose_backend(options.backend)
    if saver is not None:
        try:
            saver.open()
        except OSError as exc:
            raise LiveCaptureError(f"cannot save to {saver.path}: {exc.strerror or exc}") from None
    try:
        source = _start(backend, options)
    except CaptureStartError as exc:
        _discard(saver)
        raise LiveCaptureError(f"{exc}; {PRIVILEGE_HELP}" if exc.kind == "privilege" else str(exc)) \
            from None
    except FileNotFoundError:
        _discard(saver)
        raise LiveCaptureError(f"{backend} is not installed (--capture-backend picks another)") from None
    if saver is not None:
        saver.start(source.header)
    return LiveCapture(options, backend, source, saver)


def _discard(saver: PcapSaver | None) -> None:
    """The capture did not start: leave no empty file behind."""
    if saver is not None:
        saver.close()
        for path in saver.written:
            path.unlink(missing_ok=True)


def _start(backend: str, options: LiveOptions):
    if backend in ("dumpcap", "tcpdump"):
        return PipeSource(backend, options.interface, options.filter, options.count)
    if backend == "socket":
        from dhcpanalyze.sources.afpacket import SocketSource
        return SocketSource(options.interface, _socket_program(options), options.drop_privileges)
    raise LiveCaptureError(f"unknown capture backend {backend!r}")


def _socket_program(options: LiveOptions) -> list:
    """The kernel filter: our own assembly of the default, or tcpdump's compilation of -f."""
    if options.bpf is None:
        return bpf.ethernet_program(options.dhcp_ports, options.failover_ports)
    if not shutil.which("tcpdump"):
        raise CaptureStartError("-f with the socket backend needs tcpdump to compile the filter", "other")
    done = subprocess.run(["tcpdump", "-dd", "-y", "EN10MB", options.bpf], capture_output=True, text=True)
    if done.returncode:
        raise CaptureStartError(f"bad capture filter: {done.stderr.strip()}", "other")
    return bpf.parse_dd(done.stdout)


@dataclass
class LiveCapture:
    """A running capture; iterate it for packets and idle ticks (see the module doc)."""

    options: LiveOptions
    backend: str
    source: object
    saver: PcapSaver | None = None
    records: int = 0                        # packets read (frame numbers run 1..records)
    issues: list[str] = field(default_factory=list)
    stopping: bool = False
    _clock: tuple[float, float] = field(default_factory=lambda: (time.time(), time.monotonic()))

    def __iter__(self) -> Iterator[Packet | IdleTick]:
        """Packets and idle ticks until the capture ends; iterating again resumes (close() or a
        `with` block ends the capture however the iteration was left)."""
        source, opts, saver = self.source, self.options, self.saver
        count = opts.count or 0
        deadline = time.monotonic() + opts.duration_s if opts.duration_s else None
        self._clock = (time.time(), time.monotonic())
        while True:
            items = source.read(self._wait(deadline))
            if items is None:
                break
            if not items:
                if deadline is not None and time.monotonic() >= deadline:
                    self.stop()
                elif not self.stopping:
                    yield IdleTick(self.now())
                continue
            for ts, data, linktype, wirelen, record in items:
                if count and self.records >= count:
                    self.stop()
                    break
                self.records += 1
                if saver is not None:
                    saver.write(record)
                yield self.records, ts, data, linktype, wirelen
            self._clock = (ts, time.monotonic())
            if saver is not None:
                saver.flush()
            if deadline is not None and self._clock[1] >= deadline or count and self.records >= count:
                self.stop()
        self.close()

    def now(self) -> float:
        """The capture's time now: the last packet's time plus the monotonic time since it came."""
        ts, mono = self._clock
        return ts + time.monotonic() - mono

    def _wait(self, deadline: float | None) -> float:
        if self.stopping:
            return 1.0
        if deadline is None:
            return self.options.idle_s
        return max(0.0, min(self.options.idle_s, deadline - time.monotonic()))

    def stop(self) -> None:
        """End the capture; the iteration then drains what is on its way and ends. Signal-safe."""
        if not self.stopping:
            self.stopping = True
            self.source.stop()

    def close(self) -> None:
        """Stop the capture program or socket now and collect its statistics and issues."""
        self.source.close()
        if self.saver is not None:
            self.saver.close()

    def __enter__(self) -> LiveCapture:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return f"{self.options.interface} (live)"

    def all_issues(self) -> list[str]:
        return [*self.source.issues, *(self.saver.issues if self.saver else [])]

    def summary(self) -> dict:
        """The `live` object of the report's capture section."""
        stats = getattr(self.source, "stats_now", lambda: self.source.stats)()
        return {"interface": self.options.interface, "backend": self.backend,
                "filter": self.options.filter, "packets": self.records,
                "received": stats.get("received"), "dropped": stats.get("dropped"),
                "interface_dropped": stats.get("interface_dropped"),
                "saved": self.saver.kept() if self.saver else [], "issues": self.all_issues()}


def live_records(decoder, capture: LiveCapture) -> Iterator[Record | IdleTick]:
    """Decoded records of a live capture, with its idle ticks, then its issues and the flush."""
    for item in capture:
        if type(item) is IdleTick:
            yield item
        else:
            yield from decoder.frame_records(*item)
    decoder.frames_read = capture.records
    for issue in capture.all_issues():
        yield CaptureIssue(capture.records, capture.now(), issue)
    yield from decoder.finish()


def list_interfaces() -> list[str]:
    """`dumpcap -D` when installed (it names capture-only devices too), else the kernel's list."""
    if available("dumpcap"):
        done = subprocess.run(["dumpcap", "-D"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.splitlines()
    names = sorted(os.listdir("/sys/class/net")) if Path("/sys/class/net").is_dir() else []
    return [f"{n}. {name}" for n, name in enumerate(names, 1)]
