"""`dhcpanalyze packets FILE...`: list every DHCP and failover message, like tshark for these protocols."""
from __future__ import annotations

import argparse
import sys
from typing import Iterator

from dhcpanalyze import dfilter
from dhcpanalyze.commands import live
from dhcpanalyze.decode import CaptureError, Decoder, DecodeOptions, iter_records
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.model import CaptureIssue, Record
from dhcpanalyze.output import write_lines
from dhcpanalyze.reports import packets as render
from dhcpanalyze.sources.live import live_records


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("packets", help="list decoded DHCP and failover messages",
                       description="List every DHCP and ISC failover message in the captures.")
    p.add_argument("files", nargs="*", metavar="FILE", help="pcap / pcapng (optionally gzipped); - for stdin")
    p.add_argument("--format", choices=("text", "jsonl"), default="text")
    p.add_argument("-V", dest="verbose", action="store_true", help="full decode tree of each message")
    p.add_argument("-x", dest="hex", action="store_true", help="hex dump of the frame")
    add_display_filter_argument(p, "only the messages that match this display filter "
                                   "(Wireshark syntax and field names, e.g. 'dhcp.option.dhcp == ACK')")
    add_decode_arguments(p)
    live.add_live_arguments(p)
    p.set_defaults(run=run)


def add_decode_arguments(p: argparse.ArgumentParser) -> None:
    """Port options shared by every command that decodes captures."""
    p.add_argument("--dhcp-port", type=int, action="append", default=[], metavar="N",
                   help="also treat UDP port N as DHCP (67 and 68 always are)")
    p.add_argument("--failover-port", type=int, action="append", default=[], metavar="N",
                   help="also treat TCP port N as failover (647 always is; old configs use 519/520)")


def add_display_filter_argument(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("-Y", "--display-filter", dest="display_filter", metavar="FILTER", help=help_text)


def start(args: argparse.Namespace, command: str) -> tuple[int | None, dfilter.DisplayFilter | None]:
    """What `packets` and `report` check before reading: the live-capture preflight, then the -Y
    filter. (exit status, None) to stop now - a bad filter is reported tshark-style, a usage
    error - else (None, the compiled filter or None without one)."""
    early = live.preflight(args, command)
    if early is not None:
        return early, None
    text = getattr(args, "display_filter", None)
    if text is None:
        return None, None
    try:
        return None, dfilter.compile_filter(text)
    except dfilter.FilterError as exc:
        lines = dfilter.caret_lines(text, exc)
        print(f"dhcpanalyze {command}: {lines[0]}", *lines[1:], sep="\n", file=sys.stderr)
        return Exit.USAGE, None


def decode_options(args: argparse.Namespace, keep_raw: bool = False) -> DecodeOptions:
    return DecodeOptions(dhcp_ports=frozenset((67, 68, *args.dhcp_port)),
                         failover_ports=frozenset((647, *args.failover_port)), keep_raw=keep_raw)


def run(args: argparse.Namespace) -> int:
    stop, flt = start(args, "packets")
    if stop is not None:
        return stop
    if flt is not None and flt.namespaces:
        print("dhcpanalyze packets: note: " + ", ".join(f"{ns}.*" for ns in sorted(flt.namespaces))
              + " describe what `report` correlates; to `packets` they are absent fields",
              file=sys.stderr)
    decode = decode_options(args, keep_raw=args.hex)
    try:
        capture = live.open_capture(args, decode)      # None without -i
    except CaptureError as exc:
        print(f"dhcpanalyze packets: {render.escape_text(str(exc))}", file=sys.stderr)
        return Exit.UNREADABLE
    if capture is not None:
        return _run_live(args, capture, Decoder(decode), flt)
    records = iter_records(args.files, decode)
    if flt is not None:
        records = _filtered(records, flt)
    try:
        write_lines(_lines(args, records, flt))
    except CaptureError as exc:
        sys.stdout.flush()
        print(f"dhcpanalyze: {render.escape_text(str(exc))}", file=sys.stderr)
        return Exit.UNREADABLE
    return Exit.OK


def _run_live(args: argparse.Namespace, capture, decoder: Decoder,
              flt: dfilter.DisplayFilter | None) -> int:
    """One line per message as it arrives (each flushed), until the capture ends or Ctrl-C."""
    with live.interrupts(capture):
        records = live.without_ticks(live_records(decoder, capture))
        if flt is not None:
            records = _filtered(records, flt)
        live.write_flushed(_lines(args, records, flt))
    return Exit.OK


def _filtered(records: Iterator[Record], flt: dfilter.DisplayFilter) -> Iterator[Record]:
    """The records the display filter selects; capture problems still reach stderr."""
    for record in records:
        if flt.matches(record):
            yield record
        elif isinstance(record, CaptureIssue):
            print(f"dhcpanalyze: {render.escape_text(record.message)}", file=sys.stderr)


def _lines(args: argparse.Namespace, records: Iterator[Record],
           flt: dfilter.DisplayFilter | None = None) -> Iterator[str]:
    if args.format == "jsonl":
        for record in records:
            if isinstance(record, CaptureIssue):
                print(f"dhcpanalyze: {render.escape_text(record.message)}", file=sys.stderr)
            yield from render.jsonl_lines((record,))
        return
    t0 = None
    for record in records:
        if isinstance(record, CaptureIssue):
            print(f"dhcpanalyze: {render.escape_text(record.message)}", file=sys.stderr)
        if t0 is None:      # times count from the first record read, shown or not
            t0 = flt.t0 if flt is not None and flt.t0 is not None else record.ts
        yield from (render.tree_lines(record, t0) if args.verbose else (render.summary_line(record, t0),))
        if args.hex and getattr(record, "raw", b""):
            yield from render.hex_lines(record.raw)
        if args.verbose or args.hex:
            yield ""
