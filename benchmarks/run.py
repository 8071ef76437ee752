"""Benchmark `dhcpanalyze report` against a bare dpkt reader loop and tshark, in one run.

    python benchmarks/run.py                # builds bench/1m.pcap and bench/2m.pcap from samples/ if missing

Prints wall time, CPU time and peak memory of each command and the ratios the project's targets are
stated in (see BENCHMARKS.md). The commands run interleaved, --repeat times each (default 3), and the
best wall time of each counts, so that a neighbour's burst on a shared machine does not decide a ratio.
Peak memory is the largest sum of the resident sets of the command's whole process tree (report
decodes in a second process), sampled every 10 ms from /proc; pages the two processes share are
counted twice, so it is an upper bound.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_capture  # noqa: E402

DPKT_LOOP = "import dpkt,sys\nfor ts, buf in dpkt.pcap.Reader(open(sys.argv[1], 'rb')): pass"
TSHARK_FIELDS = ["frame.number", "ip.src", "ip.dst", "dhcp.id", "dhcp.option.dhcp", "dhcpfo.type", "dhcpfo.xid"]


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, children included) and peak RSS of the process
    tree in MiB of one command, stdout to /dev/null."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss_kib(proc.pid))
            time.sleep(0.01)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):     # report exits 1 when findings reach --fail-on
        sys.exit(f"{cmd[0]} failed: {proc.stderr.read().decode()[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime       # wait4 adds the command's own waited-for children
    return elapsed, cpu, max(peak, usage.ru_maxrss) / 1024


def tree_rss_kib(pid: int) -> int:
    """VmRSS of pid and all its descendants, in KiB (0 for processes already gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def ensure_capture(path: Path, packets: int) -> None:
    if not path.exists():
        samples = sorted(glob.glob(str(ROOT / "samples" / "*.pcap")))
        print(f"building {path} ({packets} packets) from {len(samples)} samples ...", flush=True)
        print(" ", make_capture.build(samples, path, packets, 0.10), flush=True)


def commands(capture: Path) -> dict[str, list[str]]:
    cmds = {
        "dpkt reader loop": [sys.executable, "-c", DPKT_LOOP, str(capture)],
        "dhcpanalyze report": [sys.executable, "-m", "dhcpanalyze", "report", "--format", "jsonl", str(capture)],
        "report --jobs 1": [sys.executable, "-m", "dhcpanalyze", "report", "--format", "jsonl", "--jobs", "1",
                            str(capture)],
    }
    if shutil.which("tshark"):
        fields = [arg for f in TSHARK_FIELDS for arg in ("-e", f)]
        cmds["tshark dissection"] = ["tshark", "-n", "-r", str(capture), "-Y", "dhcp || dhcpfo", "-T", "fields",
                                     *fields]
    return cmds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=ROOT / "bench")
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--no-tshark", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command; the best wall time counts")
    args = ap.parse_args()
    small, large = args.dir / f"{args.packets}.pcap", args.dir / f"{2 * args.packets}.pcap"
    ensure_capture(small, args.packets)
    ensure_capture(large, 2 * args.packets)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the runs", flush=True)
    results: dict[tuple[str, str], tuple[float, float, float]] = {}
    for round_ in range(1, args.repeat + 1):
        for label, capture in (("1x", small), ("2x", large)):
            for name, cmd in commands(capture).items():
                if (name.startswith("tshark") and args.no_tshark) or (label == "2x" and name.startswith(
                        ("tshark", "report --jobs"))):
                    continue
                secs, cpu, rss = measure(cmd)
                print(f"run {round_} {label} {name:<20} {secs:8.2f} s wall {cpu:8.2f} s CPU  "
                      f"peak RSS {rss:7.1f} MiB", flush=True)
                best = results.get((label, name))
                results[(label, name)] = (min(secs, best[0]), min(cpu, best[1]), max(rss, best[2])) \
                    if best else (secs, cpu, rss)
    print(f"best of {args.repeat} (wall, CPU) and highest peak RSS:")
    for (label, name), (secs, cpu, rss) in results.items():
        print(f"{label} {name:<20} {secs:8.2f} s wall {cpu:8.2f} s CPU  peak RSS {rss:7.1f} MiB")
    report, loop = results[("1x", "dhcpanalyze report")], results[("1x", "dpkt reader loop")]
    report2 = results[("2x", "dhcpanalyze report")]
    print(f"report / dpkt loop          = {report[0] / loop[0]:.2f}   (target <= 1.5)")
    if ("1x", "tshark dissection") in results:
        print(f"tshark / report             = {results[('1x', 'tshark dissection')][0] / report[0]:.1f}  (target >= 10)")
    print(f"report 2x / 1x time         = {report2[0] / report[0]:.2f}   (target <= 2.1)")
    print(f"report peak RSS 1x / 2x     = {report[2]:.0f} / {report2[2]:.0f} MiB (target <= 150, flat)")
    single = results.get(("1x", "report --jobs 1"))
    if single:
        print(f"report --jobs 1 / dpkt loop = {single[0] / loop[0]:.2f}   (one process; CPU of the default: "
              f"{report[1]:.2f} s for {report[0]:.2f} s wall)")


if __name__ == "__main__":
    main()
