"""`-i IFACE` for packets and report: the live-capture options, their checks, and Ctrl-C.

Ctrl-C is the normal end of a live run: the first one (or SIGTERM) stops the capture program, the
rest of its output is read and analysed, and the command finishes as it would at the end of a
file; a second Ctrl-C gives up at once (exit 130). The capture child never outlives the command.
"""
from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.output import write_lines
from dhcpanalyze.sources.live import BACKENDS, IdleTick, LiveCapture, LiveOptions, list_interfaces, open_live
from dhcpanalyze.sources.save import PcapSaver, parse_ring

LIVE_ONLY = ("capture_filter", "save", "ring", "duration", "count")


def add_live_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("live capture (instead of FILE)")
    g.add_argument("-i", "--interface", metavar="IFACE", help="capture on this interface")
    g.add_argument("-D", "--list-interfaces", action="store_true", help="list interfaces and exit")
    g.add_argument("-f", dest="capture_filter", metavar="BPF",
                   help="capture filter (default: DHCP and failover ports, ICMP, IPv4 fragments)")
    g.add_argument("--capture-backend", choices=BACKENDS, default="auto",
                   help="dumpcap (default when installed), tcpdump, or socket (AF_PACKET, no program)")
    g.add_argument("--save", metavar="FILE", help="also keep the raw packets in this pcap file")
    g.add_argument("--ring", type=_ring, metavar="files:N,filesize:MB",
                   help="with --save: a ring of N files of at most MB each (FILE_00001_<time>.pcap)")
    g.add_argument("--duration", type=_seconds, metavar="S", help="stop after S seconds")
    g.add_argument("--count", type=_count, metavar="N", help="stop after N packets")


def _ring(text: str):
    try:
        return parse_ring(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def preflight(args: argparse.Namespace, prog: str) -> int | None:
    """-D, and the checks argparse cannot make (FILE or -i, live-only options); None to go on."""
    if args.list_interfaces:
        for line in list_interfaces():
            print(line)
        return Exit.OK
    problem = _usage_problem(args)
    if problem:
        print(f"dhcpanalyze {prog}: {problem}", file=sys.stderr)
        return Exit.USAGE
    return None


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.interface and args.files:
        return "give FILE... or -i IFACE, not both"
    if not args.interface and not args.files:
        return "give FILE... (or - for stdin), or -i IFACE to capture live"
    if not args.interface:
        given = [name for name in LIVE_ONLY if getattr(args, name) is not None]
        if given:
            return f"--{given[0].replace('_', '-')} needs -i IFACE".replace("--capture-filter", "-f")
    if args.ring and not args.save:
        return "--ring needs --save FILE"
    return None


def open_capture(args: argparse.Namespace, decode) -> LiveCapture | None:
    """The capture -i asks for, started (LiveCaptureError if it cannot be); None without -i."""
    if not args.interface:
        return None
    options = LiveOptions(args.interface, args.capture_backend, args.capture_filter,
                          decode.dhcp_ports, decode.failover_ports, args.count, args.duration,
                          drop_privileges=True)
    saver = PcapSaver(args.save, args.ring) if args.save else None
    return open_live(options, saver)


@contextmanager
def interrupts(capture: LiveCapture | None) -> Iterator[None]:
    """First SIGINT/SIGTERM: stop the capture and let the run finish; second SIGINT: exit 130."""
    if capture is None:
        yield
        return
    def first(signum, frame) -> None:
        capture.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
    old = {sig: signal.signal(sig, first) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with capture:
            yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def write_flushed(lines: Iterable[str]) -> None:
    """One line at a time, each flushed: someone (or `grep --line-buffered`) is watching."""
    for line in lines:
        write_lines((line,))


def without_ticks(items: Iterable) -> Iterator:
    """Records only (packets has nothing to expire)."""
    return (item for item in items if type(item) is not IdleTick)
