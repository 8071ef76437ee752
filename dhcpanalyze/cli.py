"""Command line: parse, call, render. Each subcommand lives in dhcpanalyze/commands/."""
from __future__ import annotations

import argparse
import sys

from dhcpanalyze import __version__
from dhcpanalyze.commands import packets, report
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.output import OutputError, discard_stdout

COMMANDS = (packets, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dhcpanalyze",
        description="Analyze DHCPv4 and ISC DHCP failover traffic in captures.")
    parser.add_argument("--version", action="version", version=f"dhcpanalyze {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except BrokenPipeError:            # `dhcpanalyze packets x | head`
        sys.stderr.close()
        return Exit.OK
    except OutputError as exc:         # `dhcpanalyze report x > /dev/full`
        print(f"dhcpanalyze: cannot write the output: {exc}", file=sys.stderr)
        discard_stdout()
        return Exit.OUTPUT


if __name__ == "__main__":
    sys.exit(main())
