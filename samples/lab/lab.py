#!/usr/bin/env python3
"""The dhcpanalyze failover lab: real ISC dhcpd (primary and secondary in failover), dhclient and
dhcrelay in network namespaces on this machine, captured from a hub-mode bridge.

    sudo python3 samples/lab/lab.py seed --out /tmp/seed-run
    sudo python3 samples/lab/lab.py --cleanup

Each run leaves in --out: capture.pcap, the programs' own logs (dhcpd-*.log, dhclient-*.log,
dhcrelay.log), the lease files, dhcp-lease-list outputs, the configs and scenario.json (every step
with its time, the MACs and addresses). Exit status: 0 done, 1 a step failed (the reason is
printed), 2 usage, 4 this machine cannot run the lab (not root, a package missing, AppArmor).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import capture                                  # noqa: E402
import topology                                 # noqa: E402
from daemons import LabError                    # noqa: E402
from rig import Rig                             # noqa: E402
from scenarios import SCENARIOS                 # noqa: E402

CANNOT_RUN = 4
# program -> Debian package that provides it
PROGRAMS = {"ip": "iproute2", "dhcpd": "isc-dhcp-server", "dhcp-lease-list": "isc-dhcp-server",
            "dhclient": "isc-dhcp-client", "tcpdump": "tcpdump"}
SCENARIO_PROGRAMS = {"relay": {"dhcrelay": "isc-dhcp-relay"}, "skew": {"faketime": "faketime"},
                     "misconfig": {"faketime": "faketime"}}
CONFINED = ("/usr/sbin/dhcpd", "/{,usr/}sbin/dhclient", "/usr/sbin/dhcrelay", "/usr/bin/tcpdump")


def missing_programs(scenario: str | None) -> list[str]:
    """`program (Debian package)` for every program this scenario needs that is not installed."""
    needed = {**PROGRAMS, **SCENARIO_PROGRAMS.get(scenario or "", {})}
    return [f"{prog} (package {pkg})" for prog, pkg in needed.items() if not shutil.which(prog)]


def apparmor_blockers() -> list[str]:
    """Enforced AppArmor profiles keep dhcpd/dhclient away from the run directory and a custom
    dhclient-script; the lab cannot work around them without changing system policy."""
    try:
        loaded = Path("/sys/kernel/security/apparmor/profiles").read_text()
    except OSError:
        return []
    return [line for line in loaded.splitlines()
            if line.endswith("(enforce)") and line.split(" (")[0] in CONFINED]


def why_not(scenario: str | None) -> str | None:
    """A clear reason this machine cannot run the scenario, or None."""
    if os.geteuid() != 0:
        return "the lab needs root (network namespaces, raw sockets): run it with sudo"
    missing = missing_programs(scenario)
    if missing:
        return "missing: " + ", ".join(missing) + " — apt-get install the packages named"
    blocked = apparmor_blockers()
    if blocked:
        return ("AppArmor enforces " + ", ".join(blocked) + "; put them in complain mode "
                "(aa-complain, package apparmor-utils) or run the lab in a container")
    return None


def cleanup_leftovers() -> int:
    """Remove namespaces (and what runs in them) of lab runs that ended without cleaning up;
    those of runs still going are left alone."""
    names = topology.leftover_namespaces()
    for ns in names:
        topology.remove_namespace(ns)
    busy = [ns for ns in topology.lab_namespaces() if ns not in names]
    print(f"removed {len(names)} lab namespace(s)" + (": " + " ".join(names) if names else "")
          + (f"; left {len(busy)} of running lab runs" if busy else ""))
    return 0


PUBLISHED = ("*.log", "*.leases", "lease-list-*.txt", "*.conf", "dhclient-script", "scenario.json")


def publish(out: Path, samples: Path, scenario: str) -> None:
    """Copy a run into the samples tree: <samples>/<scenario>.pcap and <samples>/<scenario>/ with
    the logs, lease files, lease lists, configs and scenario.json (no pid files, no backups)."""
    target = samples / scenario
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(out / "capture.pcap", samples / f"{scenario}.pcap")
    for pattern in PUBLISHED:
        for path in sorted(out.glob(pattern)):
            shutil.copy2(path, target / path.name)
    print(f"lab: published {samples / f'{scenario}.pcap'} and {target}/")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", choices=sorted(SCENARIOS))
    parser.add_argument("--out", type=Path, help="new or empty directory for the run's files")
    parser.add_argument("--fresh", action="store_true",
                        help="capture the pair's very first start (empty lease files, full update)")
    parser.add_argument("--publish", type=Path, metavar="SAMPLES_DIR",
                        help="after a good run, copy it to SAMPLES_DIR/<scenario>.pcap and "
                             "SAMPLES_DIR/<scenario>/")
    parser.add_argument("--check", action="store_true",
                        help="only say whether this machine can run the scenario (exit 0 or 4)")
    parser.add_argument("--monitor", type=capture.parse_monitor, default=[], metavar="COMMAND",
                        help="also run COMMAND in the hub namespace while the capture runs ({bridge} "
                             "and {out} are filled in; stdout to monitor.out), stopped with SIGINT: "
                             "e.g. 'python3 -m dhcpanalyze report -i {bridge} --save {out}/monitor.pcap'")
    parser.add_argument("--cleanup", action="store_true",
                        help="remove lab namespaces (and their processes) left by earlier runs")
    args = parser.parse_args(argv)
    if args.check and args.scenario is None:
        parser.error("--check needs a scenario")
    if not (args.cleanup or args.check) and (args.scenario is None or args.out is None):
        parser.error("a scenario and --out are required (or --cleanup)")
    return args


def prepare_out(out: Path) -> Path:
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise LabError(f"{out} is not empty: each run needs a new directory (logs are appended)")
    return out


def raise_on_sigterm(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace, argv: list[str]) -> int:
    out = prepare_out(args.out)
    rig = Rig(out, topology.run_prefix(), args.scenario, ["lab.py", *argv])
    rig.record["fresh"] = args.fresh
    rig.monitor = args.monitor
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    try:
        SCENARIOS[args.scenario](rig, args.fresh)
        rig.record["result"] = "ok"
    except (LabError, RuntimeError) as exc:          # RuntimeError: an `ip` setup command failed
        rig.record["result"] = f"failed: {exc}"
        print(f"lab: {args.scenario}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        rig.record["result"] = "interrupted"
        print("lab: interrupted, cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)    # a second Ctrl-C must not skip the cleanup
        rig.close()
        rig.save_record()
        print(f"lab: {args.scenario} {rig.record['result']} in {rig.record['duration_s']} s;"
              f" files in {out}")
    if args.publish:
        publish(out, args.publish, args.scenario)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    reason = why_not(args.scenario) if not args.cleanup or os.geteuid() != 0 else None
    if reason:
        print(f"lab: cannot run here: {reason}", file=sys.stderr)
        return CANNOT_RUN
    if args.check:
        print(f"lab: {args.scenario} can run here")
        return 0
    if args.cleanup:
        return cleanup_leftovers()
    try:
        return run(args, argv)
    except LabError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
