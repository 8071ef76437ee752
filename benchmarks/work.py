"""Count the work of `dhcpanalyze report` in CPU instructions, which a busy shared machine does not change.

    python benchmarks/work.py                 # builds bench/100000.pcap and bench/200000.pcap if missing
    python benchmarks/work.py --mix failover  # bench/fo-100000.pcap ...: many pairs resyncing

Wall times on a shared virtual machine move by ±40 % between runs of the same command (see
BENCHMARKS.md); instruction counts from valgrind's callgrind are the same on every run. This runs,
under callgrind, the bare dpkt reader loop and `report --jobs 1` (everything in one process) on N
packets, `report --jobs 1` on 2N, and the report's start-up on a small sample, and prints the counts
and their ratios: how the work grows with the file, and how much more work the report is than the
dpkt loop. (`--jobs 2` splits the same work over two processes, which instructions cannot time.)
Needs valgrind; about three minutes for the default 100,000 packets (callgrind runs ~50x slower).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from run import DPKT_LOOP, ROOT, capture_path, compile_package, ensure_capture

def instructions(cmd: list[str]) -> int:
    """Instructions callgrind counted for one command (stdout discarded)."""
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode not in (0, 1) or found is None:
        sys.exit(f"callgrind failed for {cmd}: {run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=ROOT / "bench")
    ap.add_argument("--packets", type=int, default=100_000)
    ap.add_argument("--mix", choices=("dhcp", "failover"), default="dhcp")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt install valgrind)")
    small, large = capture_path(args.dir, args.packets, args.mix), capture_path(args.dir, 2 * args.packets, args.mix)
    ensure_capture(small, args.packets, args.mix)
    ensure_capture(large, 2 * args.packets, args.mix)
    compile_package()
    py = sys.executable
    report = [py, "-m", "dhcpanalyze", "report", "--format", "jsonl", "--jobs", "1"]
    jobs = {"dpkt reader loop, N": [py, "-c", DPKT_LOOP, str(small)],
            "dpkt reader loop, 2N": [py, "-c", DPKT_LOOP, str(large)],
            "report start-up": [*report, str(ROOT / "samples" / "seed.pcap")],
            "report --jobs 1, N": [*report, str(small)],
            "report --jobs 1, 2N": [*report, str(large)]}
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(jobs, pool.map(instructions, jobs.values())))
    print(f"{args.packets} (N) and {2 * args.packets} (2N) packets")
    for name, count in counts.items():
        print(f"{name:<22} {count / 1e6:10.0f} M instructions")
    start = counts["report start-up"]
    one, two = counts["report --jobs 1, N"], counts["report --jobs 1, 2N"]
    dpkt_one, dpkt_two = counts["dpkt reader loop, N"], counts["dpkt reader loop, 2N"]
    print(f"report 2N / N                        {two / one:6.3f}   (beyond start-up: {(two - start) / (one - start):.3f})")
    print(f"report --jobs 1 / dpkt loop, N       {one / dpkt_one:6.3f}")
    # the second N packets cost each command its per-packet work alone: the ratio a file of many
    # millions of packets tends to, where neither start-up counts
    print(f"per packet (2N - N), report / dpkt   {(two - one) / (dpkt_two - dpkt_one):6.3f}")


if __name__ == "__main__":
    main()
