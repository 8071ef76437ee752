"""`dhcpanalyze config PRIMARY.conf [SECONDARY.conf]`: lint one dhcpd.conf or a failover pair's two.

Findings (`config.*`) carry the file, line and a fix, and follow report's contract: the same
severities, --fail-on and exit codes, and the same output formats.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from dhcpanalyze.commands import report
from dhcpanalyze.commands.report_files import unreadable
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.iscfiles.conf import read_config
from dhcpanalyze.iscfiles.lint import lint
from dhcpanalyze.iscfiles.views import config_events
from dhcpanalyze.reports import iscfiles as render
from dhcpanalyze.reports.events import SEVERITIES, Event, FindingTally
from dissectors.text import escape_text

SCHEMA = "dhcpanalyze.config/1"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="lint dhcpd.conf of one server or a failover pair",
                       description="Check ISC dhcpd.conf files against the rules of dhcpd and of "
                                   "failover pairs (mclt and split on the primary only, crossing "
                                   "addresses and ports, one peer name, matching timers, pools).")
    p.add_argument("files", nargs="+", metavar="CONF", help="dhcpd.conf of the primary, then of "
                   "the secondary (at most two)")
    add_output_arguments(p, csv_tables=("file-findings", "findings"))
    p.set_defaults(run=run)


def add_output_arguments(p: argparse.ArgumentParser, csv_tables: tuple[str, ...]) -> None:
    """--format, --csv-table, --fail-on and --no-color as report has them."""
    p.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    p.add_argument("--csv-table", choices=csv_tables, default=csv_tables[0],
                   help=f"which table --format csv prints (default: {csv_tables[0]})")
    p.add_argument("--fail-on", choices=SEVERITIES, metavar="SEVERITY",
                   help="exit 1 when a finding is at least this severe (error, warning or info)")
    p.add_argument("--no-color", action="store_true", help="no colour even on a terminal")


def run(args: argparse.Namespace) -> int:
    if len(args.files) > 2:
        return fail(Exit.USAGE, "at most two files: the primary's and the secondary's")
    missing = unreadable(args.files)
    if missing:
        return fail(Exit.UNREADABLE, missing)
    configs = [read_config(path) for path in args.files]
    events: Iterator[Event] = iter([*(e for c in configs for e in config_events(c)),
                                    *(("finding", f) for f in lint(configs))])
    return write(args, SCHEMA, events)


def write(args: argparse.Namespace, schema: str, events: Iterator[Event]) -> int:
    """Render, write, and turn the findings into the exit code as report does."""
    tally = FindingTally()
    report._write(render.lines(args, schema, tally.watch(events), sys.stdout))
    return Exit.FINDINGS if tally.reaches(args.fail_on) else Exit.OK


def fail(code: Exit, message: str, command: str = "config") -> int:
    print(f"dhcpanalyze {command}: {escape_text(message)}", file=sys.stderr)
    return code
