"""`dhcpanalyze tui FILE...` (and `dhcpanalyze FILE...`): browse captures in the terminal."""
from __future__ import annotations

import argparse
import gc
import sys

from dhcpanalyze.commands import live
from dhcpanalyze.commands.packets import add_decode_arguments, decode_options
from dhcpanalyze.commands.report import BATCH_GC_THRESHOLDS
from dhcpanalyze.decode import CaptureError
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.reports import pipeline
from dissectors.text import escape_text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="browse packets, transactions, failover, leases and findings",
                       description="Browse captures interactively: packets (list, decode tree, hex), "
                                   "transactions with their ladder, the failover relationship, leases "
                                   "and findings. `dhcpanalyze FILE...` with no command opens it too; "
                                   "press ? inside for the keys.")
    p.add_argument("files", nargs="*", metavar="FILE", help="pcap / pcapng (optionally gzipped)")
    add_decode_arguments(p)
    live.add_live_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    early = live.preflight(args, "tui")
    if early is not None:
        return early
    if args.interface:
        return _run_live(args)
    if "-" in args.files:
        return _fail(Exit.USAGE, "the TUI reads its keys from the terminal, so not a capture from stdin: "
                                 "write it to a file first (or use `packets -` / `report -`)")
    try:
        pipeline.check_inputs(args.files)
    except CaptureError as exc:
        return _fail(Exit.UNREADABLE, str(exc))
    from dhcpanalyze.browse.loader import file_source
    from dhcpanalyze.browse.session import Session
    from dhcpanalyze.tui.app import BrowseApp       # Textual is imported only for this command

    session = Session(args.files, decode_options(args))
    app = BrowseApp(session, lambda: file_source(session, args.files), tune_gc=True)
    gc.set_threshold(*BATCH_GC_THRESHOLDS)          # as report: loading makes no cycles to collect
    app.run()
    return Exit.OK


def _run_live(args: argparse.Namespace) -> int:
    """Follow a live capture; ctrl+c in the TUI stops the capture, ctrl+q leaves."""
    from dhcpanalyze.browse.livesource import live_source
    from dhcpanalyze.browse.session import Session
    from dhcpanalyze.tui.app import BrowseApp

    try:
        capture = live.open_capture(args, decode_options(args))
    except CaptureError as exc:
        return _fail(Exit.UNREADABLE, str(exc))
    with capture:
        session = Session([capture.name], decode_options(args))
        BrowseApp(session, lambda: live_source(session, capture), capture=capture).run()
    return Exit.OK


def _fail(code: Exit, message: str) -> int:
    print(f"dhcpanalyze tui: {escape_text(message)}", file=sys.stderr)
    return code
