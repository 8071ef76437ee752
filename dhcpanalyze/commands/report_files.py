"""report's --config and --leases: read the servers' files and check the capture against them.

The options only add to report: the engine gets `load balance max seconds` from the config when
--lb-max-secs is not given (EngineSettings.lb_max_secs), failover ports other than 647 are decoded
(old configs use 519/520), and the events gain the files' findings at the end (iscfiles.crosscheck).
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator

from dhcpanalyze.iscfiles.conf import read_config
from dhcpanalyze.iscfiles.crosscheck import CrossCheck, failover_ports, settings_from_config
from dhcpanalyze.iscfiles.leases import read_leases
from dhcpanalyze.reports.events import Event


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", action="append", default=[], metavar="CONF",
                   help="the servers' dhcpd.conf (repeat: primary, then secondary): lint them, "
                        "compare the CONNECT and the addresses handed out with them, and take "
                        "load balance max seconds and failover ports from them")
    p.add_argument("--leases", action="append", default=[], metavar="LEASES",
                   help="the servers' dhcpd.leases (repeat: primary's, then secondary's): compare "
                        "the leases and failover states on the wire with them")


def load(args: argparse.Namespace) -> CrossCheck | str | None:
    """The cross-check for the files given (None without any), or why a file cannot be read.
    Fills args.lb_max_secs and args.failover_port from the configs where the user did not."""
    if not args.config and not args.leases:
        return None
    for paths, most in ((args.config, 2), (args.leases, 2)):
        if len(paths) > most:
            return "at most two --config and two --leases: the primary's, then the secondary's"
    missing = unreadable(args.config + args.leases)
    if missing:
        return missing
    configs = [read_config(p) for p in args.config]
    if args.lb_max_secs is None:
        args.lb_max_secs = settings_from_config(configs).get("lb_max_secs")
    args.failover_port = sorted(set(args.failover_port) | set(failover_ports(configs)))
    return CrossCheck(configs, [read_leases(p) for p in args.leases])


def watch(check: CrossCheck | None, events: Iterable[Event]) -> Iterator[Event]:
    return iter(events) if check is None else check.watch(events)


def unreadable(paths: list[str]) -> str | None:
    """Why the first of `paths` cannot be opened, or None."""
    for path in paths:
        if os.path.isdir(path):
            return f"{path}: is a directory"
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError as exc:
            return f"{path}: {exc.strerror or exc}"
        if b"\x00" in head:            # dhcpd's files are text; a capture given by mistake is not
            return f"{path}: a binary file, not dhcpd's text (a capture goes to `dhcpanalyze report`)"
    return None
