"""`dhcpanalyze packets FILE...`: list every DHCP and failover message, like tshark for these protocols."""
from __future__ import annotations

import argparse
import sys
from typing import Iterator

from dhcpanalyze.commands import live
from dhcpanalyze.decode import CaptureError, Decoder, DecodeOptions, iter_records
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.model import CaptureIssue, Record
from dhcpanalyze.reports import packets as render
from dhcpanalyze.sources.live import IdleTick, live_records
from dissectors.text import escape_text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("packets", help="list decoded DHCP and failover messages",
                       description="List every DHCP and ISC failover message in the captures.")
    p.add_argument("files", nargs="*", metavar="FILE", help="pcap / pcapng (optionally gzipped); - for stdin")
    p.add_argument("--format", choices=("text", "jsonl"), default="text")
    p.add_argument("-V", dest="verbose", action="store_true", help="full decode tree of each message")
    p.add_argument("-x", dest="hex", action="store_true", help="hex dump of the frame")
    add_decode_arguments(p)
    live.add_live_arguments(p)
    p.set_defaults(run=run)


def add_decode_arguments(p: argparse.ArgumentParser) -> None:
    """Port options shared by every command that decodes captures."""
    p.add_argument("--dhcp-port", type=int, action="append", default=[], metavar="N",
                   help="also treat UDP port N as DHCP (67 and 68 always are)")
    p.add_argument("--failover-port", type=int, action="append", default=[], metavar="N",
                   help="also treat TCP port N as failover (647 always is; old configs use 519/520)")


def decode_options(args: argparse.Namespace, keep_raw: bool = False) -> DecodeOptions:
    return DecodeOptions(dhcp_ports=frozenset((67, 68, *args.dhcp_port)),
                         failover_ports=frozenset((647, *args.failover_port)), keep_raw=keep_raw)


def run(args: argparse.Namespace) -> int:
    early = live.preflight(args, "packets")
    if early is not None:
        return early
    if args.interface:
        return _run_live(args)
    records = iter_records(args.files, decode_options(args, keep_raw=args.hex))
    out = sys.stdout
    try:
        for line in _lines(args, records):
            out.write(line + "\n")
    except CaptureError as exc:
        out.flush()
        print(f"dhcpanalyze: {exc}", file=sys.stderr)
        return Exit.UNREADABLE
    return Exit.OK


def _run_live(args: argparse.Namespace) -> int:
    """Stream one line per message as it arrives, until the capture ends or Ctrl-C."""
    decode = decode_options(args, keep_raw=args.hex)
    try:
        capture = live.open_capture(args, decode)
    except CaptureError as exc:
        print(f"dhcpanalyze packets: {escape_text(str(exc))}", file=sys.stderr)
        return Exit.UNREADABLE
    with live.interrupts(capture):
        records = (r for r in live_records(Decoder(decode), capture) if type(r) is not IdleTick)
        live.write_flushed(_lines(args, records), sys.stdout.write, sys.stdout.flush)
    return Exit.OK


def _lines(args: argparse.Namespace, records: Iterator[Record]) -> Iterator[str]:
    if args.format == "jsonl":
        for record in records:
            if isinstance(record, CaptureIssue):
                print(f"dhcpanalyze: {record.message}", file=sys.stderr)
            yield from render.jsonl_lines((record,))
        return
    t0 = None
    for record in records:
        if isinstance(record, CaptureIssue):
            print(f"dhcpanalyze: {render.escape_text(record.message)}", file=sys.stderr)
        t0 = record.ts if t0 is None else t0
        yield from (render.tree_lines(record, t0) if args.verbose else (render.summary_line(record, t0),))
        if args.hex and getattr(record, "raw", b""):
            yield from render.hex_lines(record.raw)
        if args.verbose or args.hex:
            yield ""
