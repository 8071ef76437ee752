"""`dhcpanalyze report FILE...`: who served whom, what the failover pair did, and what is wrong.

Parse the command line, run decode -> engine -> filters -> renderer, write lines to stdout, and turn
the findings into the exit code (--fail-on). Nothing here knows a format's details.
"""
from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from dhcpanalyze import forked
from dhcpanalyze.commands import live, report_files
from dhcpanalyze.commands.packets import (
    add_decode_arguments, add_display_filter_argument, decode_options, start)
from dhcpanalyze.decode import CaptureError
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.model import CaptureIssue, Record
from dhcpanalyze.output import write_lines
from dhcpanalyze.reports import filters, pipeline, render
from dhcpanalyze.reports.csvout import TABLES
from dhcpanalyze.reports.events import SEVERITIES, FindingTally
from dhcpanalyze.reports.livepipeline import live_events
from dhcpanalyze.reports.progress import Progress
from dissectors.text import escape_text

T = TypeVar("T")

# Per record, decoding and the engine make and drop a dozen container objects that form no
# cycles. At the default threshold (700) the collector ran 330 times in a 1M-packet run and took
# 0.12 s of the engine's process and 0.08 s of the decoding one, to free 579 objects in all (cycles
# left by imports). Collecting every 10,000 net allocations took 0.03 s and 0.01 s for the same 579.
BATCH_GC_THRESHOLDS = (10_000, 10, 10)

EPILOG = """\
filters select transactions, leases and findings (--server also selects servers and failover
relationships); the analysis itself always sees every packet.
times: epoch seconds or ISO-8601 (a time without a zone is UTC).
exit status: 0 ok, 1 a finding at or above --fail-on, 2 usage error, 3 unreadable input,
4 output could not be written, 130 interrupted.
csv columns: see `python -m pydoc dhcpanalyze.reports.csvout`.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="transactions, failover state, leases and findings",
        description="Correlate DHCP and ISC failover traffic: transactions, servers, the failover "
                    "relationship, leases, and findings with explanations.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="pcap / pcapng (optionally gzipped); - for stdin")
    p.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    p.add_argument("--csv-table", choices=tuple(TABLES), default="transactions",
                   help="which table --format csv prints (default: transactions)")
    _add_filter_arguments(p)
    p.add_argument("--fail-on", choices=SEVERITIES, metavar="SEVERITY",
                   help="exit 1 when a reported finding is at least this severe "
                        "(error, warning or info)")
    _add_engine_arguments(p)
    report_files.add_arguments(p)
    add_decode_arguments(p)
    p.add_argument("-j", "--jobs", type=_arg(_positive), metavar="N",
                   help="processes: 1 reads, decodes and analyses in one; 2 (the default on a machine "
                        "with 2 or more CPUs and one of them idle) reads and decodes in a second "
                        "process beside the analysis. The report is the same either way; more "
                        "than 2 counts as 2.")
    p.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    live.add_live_arguments(p)
    p.set_defaults(run=run)


def _add_filter_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client", type=_arg(filters.parse_mac), metavar="MAC",
                   help="only this client (chaddr or client-identifier)")
    p.add_argument("--ip", type=_arg(filters.parse_ip), metavar="ADDR",
                   help="only what concerns this address (offered, assigned, leased)")
    p.add_argument("--server", type=_arg(filters.parse_ip), metavar="ADDR",
                   help="only what this server offered, answered or should have answered")
    p.add_argument("--since", type=_arg(filters.parse_time), metavar="TIME")
    p.add_argument("--until", type=_arg(filters.parse_time), metavar="TIME")
    add_display_filter_argument(p, "only transactions, leases and findings whose packets match "
                                   "this display filter (Wireshark syntax; also txn.*, lease.*, "
                                   "finding.* fields)")


def _add_engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lb-max-secs", type=_arg(_non_negative), metavar="N",
                   help="load balance max seconds of the servers (DISCOVERs with secs above N "
                        "may be answered by either peer)")
    p.add_argument("--servers", type=_arg(_ip_list), metavar="IP,IP",
                   help="the DHCP servers that should answer; others are reported as unknown")


def _arg(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from a parser that raises ValueError, keeping its message for usage."""
    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = parse.__name__
    return convert


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"must be 0 or more: {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"must be 1 or more: {text}")
    return value


def _ip_list(text: str) -> tuple[str, ...]:
    return tuple(filters.parse_ip(part) for part in text.split(",") if part.strip())


def run(args: argparse.Namespace) -> int:
    stop, display = start(args, "report")
    if stop is not None:
        return stop
    marks = filters.PacketMarks(display) if display is not None else None
    flt = filters.ReportFilter(args.client, args.ip, args.server, args.since, args.until, marks)
    if flt.since is not None and flt.until is not None and flt.since > flt.until:
        return _fail(Exit.USAGE, "--since is after --until")
    if not args.interface:
        try:
            pipeline.check_inputs(args.files)
        except CaptureError as exc:
            return _fail(Exit.UNREADABLE, str(exc))
    files = report_files.load(args)     # --config / --leases
    if isinstance(files, str):
        return _fail(Exit.USAGE if files.startswith("at most") else Exit.UNREADABLE, files)
    try:
        capture = live.open_capture(args, decode_options(args))     # None without -i
    except CaptureError as exc:
        return _fail(Exit.UNREADABLE, str(exc))
    with live.interrupts(capture):
        return _report(args, flt, marks, files, capture)


def _report(args: argparse.Namespace, flt: filters.ReportFilter, marks, files, capture) -> int:
    tally = FindingTally()
    progress = Progress(sys.stderr)
    gc.set_threshold(*BATCH_GC_THRESHOLDS)

    def watch(records):
        return progress.watch(_warn_issues(_marked(marks, records)))
    if capture is not None:
        events = live_events(capture, decode_options(args), pipeline.settings(args), watch=watch)
    else:
        events = pipeline.events(args.files, decode_options(args), pipeline.settings(args),
                                 watch=watch, jobs=_jobs(args.jobs))
    events = filters.apply(flt, report_files.watch(files, events))
    if args.fail_on is not None:        # only --fail-on reads the tally
        events = tally.watch(events)
    try:
        _write(render.lines(args, events, flt, sys.stdout), flush_each=capture is not None)
    except CaptureError as exc:         # stdin that is not a capture
        return _fail(Exit.UNREADABLE, str(exc))
    except forked.DecoderProcessLost as exc:
        return _fail(Exit.UNREADABLE, f"{exc}; the report is incomplete (--jobs 1 decodes in this process)")
    finally:
        progress.done()
    return Exit.FINDINGS if tally.reaches(args.fail_on) else Exit.OK


def _jobs(asked: int | None) -> int:
    """Two processes when asked for or, by default, when there are two CPUs to run them on."""
    if asked is None:
        return forked.default_jobs()
    return min(asked, 2) if forked.can_fork() else 1


def _marked(marks: filters.PacketMarks | None, records: Iterable[Record]) -> Iterable[Record]:
    return records if marks is None else marks.watch(records)


def _warn_issues(records: Iterable[Record]) -> Iterator[Record]:
    """File problems (truncated record, corrupt block) go to stderr; the report goes on."""
    for record in records:
        if isinstance(record, CaptureIssue):
            print(f"dhcpanalyze report: {escape_text(record.message)}", file=sys.stderr)
        yield record


def _write(lines: Iterator[str], flush_each: bool = False) -> None:
    """The report to stdout; live, each line is flushed (jsonl findings appear as they are known)."""
    out = sys.stdout
    if hasattr(out, "reconfigure"):     # a C-locale terminal must not crash on a UTF-8 hostname
        out.reconfigure(errors="backslashreplace")
    if flush_each:
        live.write_flushed(lines)
    write_lines(lines, out)


def _fail(code: Exit, message: str) -> int:
    print(f"dhcpanalyze report: {escape_text(message)}", file=sys.stderr)
    return code
