"""What a display filter adds to `dhcpanalyze packets`, in CPU instructions (callgrind) and CPU time.

    python benchmarks/filter_cost.py                 # builds bench/filter-20000.pcap if missing

The capture is made of DHCP and failover frames only (`make_capture --share 1.0`), the worst case
for a filter: every frame becomes a record the filter must judge. `packets -Y frame` prints the
same lines as `packets` and differs only by the filter's work; the selective filters print fewer
lines, so their totals can fall below the unfiltered run. Needs valgrind for the instruction
counts (about a minute); `--no-valgrind` gives the median CPU seconds of five runs instead.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import make_capture
from run import ROOT, compile_package
from work import instructions

FILTERS = {
    "no filter": None,
    "-Y frame (selects all)": "frame",
    "-Y dhcp.option.dhcp == ACK": "dhcp.option.dhcp == ACK",
    "-Y five tests, CIDR, range": "(dhcp.option.dhcp in {1..3} && dhcp.hw.mac_addr == 02:da:01:00:00:01) "
                                  "|| ip.src == 192.168.100.0/24 && !icmp "
                                  "|| dhcpfo.type == BNDUPD && dhcpfo.assignedipaddress == 192.168.100.125",
    "-Y matches regex": 'dhcp.option.hostname matches "^c[0-9]+$"',
}


def command(capture: Path, text: str | None) -> list[str]:
    cmd = [sys.executable, "-m", "dhcpanalyze", "packets", str(capture)]
    return cmd if text is None else [*cmd, "-Y", text]


def cpu_seconds(cmd: list[str], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packets", type=int, default=20_000)
    ap.add_argument("--dir", type=Path, default=ROOT / "bench")
    ap.add_argument("--no-valgrind", action="store_true")
    args = ap.parse_args()
    capture = args.dir / f"filter-{args.packets}.pcap"
    if not capture.exists():
        capture.parent.mkdir(parents=True, exist_ok=True)
        samples = sorted(str(p) for p in (ROOT / "samples").glob("*.pcap"))
        print(" ", make_capture.build(samples, capture, args.packets, 1.0), flush=True)
    compile_package()
    cmds = {name: command(capture, text) for name, text in FILTERS.items()}
    if args.no_valgrind or shutil.which("valgrind") is None:
        results = {name: cpu_seconds(cmd) for name, cmd in cmds.items()}
        unit, scale = "s CPU (median of 5)", 1.0
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(zip(cmds, pool.map(instructions, cmds.values())))
        unit, scale = "M instructions", 1e-6
    base = results["no filter"]
    print(f"packets on {capture.name} ({args.packets} DHCP/failover packets)")
    for name, value in results.items():
        print(f"{name:<30} {value * scale:10.2f} {unit}  {100 * (value / base - 1):+6.1f} %")


if __name__ == "__main__":
    main()
