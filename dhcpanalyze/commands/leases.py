"""`dhcpanalyze leases FILE...`: the leases and failover state history of dhcpd.leases files.

Like `dhcp-lease-list`: one row per address (the last block written for it wins), with the
client's MAC, hostname, start and end; unlike it, every binding state (not only those still valid
by this machine's clock) and the `failover peer … state` history. Problems in a file are
`leases.syntax` findings with their line; the rest of the file is still read. Given the pair's two
files, an address active for different clients in them is a `leases.mac-conflict`.
"""
from __future__ import annotations

import argparse

from dhcpanalyze.commands.config import add_output_arguments, fail, write
from dhcpanalyze.commands.report_files import unreadable
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.iscfiles import leasecheck
from dhcpanalyze.iscfiles.findings import finding
from dhcpanalyze.iscfiles.leases import LeaseFile, read_leases
from dhcpanalyze.iscfiles.views import lease_events
from dhcpanalyze.reports.iscfiles import LEASES_SCHEMA as SCHEMA


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("leases", help="list the leases and failover states of dhcpd.leases files",
                       description="List ISC dhcpd.leases files like dhcp-lease-list, with the "
                                   "failover state history.")
    p.add_argument("files", nargs="+", metavar="LEASES", help="dhcpd.leases files")
    p.add_argument("--all", action="store_true",
                   help="also addresses without a client (free and backup pool entries)")
    add_output_arguments(p, csv_tables=("leases", "file-findings", "findings"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = unreadable(args.files)
    if missing:
        return fail(Exit.UNREADABLE, missing, "leases")
    files = [read_leases(path) for path in args.files]
    events = [e for f in files for e in lease_events(f)
              if args.all or e[0] != "lease" or e[1]["mac"] or e[1]["client_id"]]
    events += [("finding", f) for lf in files for f in problems(lf)]
    if len(files) == 2:         # the pair's two files: one address active for two clients
        events += [("finding", f) for f in leasecheck.mac_conflicts(*files)]
    return write(args, SCHEMA, iter(events))


def problems(leases: LeaseFile) -> list[dict]:
    """The file's problems as leases.* findings (and what was dropped past the bounds)."""
    out = list(leasecheck.file_problems(leases))
    if leases.dropped:
        out.append(finding("leases.syntax", f"{leases.dropped} blocks beyond the reader's bounds "
                           "were not kept", None, None))
    return out
