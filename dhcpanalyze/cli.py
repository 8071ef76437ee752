"""Command line: parse, call, render. Each subcommand lives in dhcpanalyze/commands/."""
from __future__ import annotations

import argparse
import os
import sys

from dhcpanalyze import __version__
from dhcpanalyze.commands import config, leases, packets, report, tui
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.output import OutputError, discard_stdout

COMMANDS = (packets, report, config, leases, tui)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dhcpanalyze",
        description="Analyze DHCPv4 and ISC DHCP failover traffic in captures.")
    parser.add_argument("--version", action="version", version=f"dhcpanalyze {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """`dhcpanalyze FILE...` means `dhcpanalyze tui FILE...`. A first word that is a command stays
    one, unless it is alone and names an existing file (`dhcpanalyze report` with a file `report`);
    `dhcpanalyze tui report` or `./report` always open such a file."""
    names = {command.__name__.rsplit(".", 1)[-1] for command in COMMANDS}
    if not argv or argv[0].startswith("-") and argv[0] != "-":
        return argv
    if argv[0] not in names or len(argv) == 1 and os.path.isfile(argv[0]):
        return ["tui", *argv]
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = with_default_command(sys.argv[1:] if argv is None else list(argv))
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
