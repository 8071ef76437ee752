"""Benchmark `dhcpanalyze report` against a bare dpkt reader loop and tshark, in one run.

    python benchmarks/run.py     # builds bench/1000000.pcap and bench/2000000.pcap from samples/ if missing
    python benchmarks/run.py --mix failover    # bench/fo-*.pcap: pairs resyncing (samples/resync.pcap)

Prints wall time, CPU time and peak memory of each command and the ratios the project's targets are
stated in (see BENCHMARKS.md). The commands run interleaved, --repeat rounds (default 5; tshark, whose
ratio is far beyond its bound, only in the first --tshark-rounds, default 1); each ratio is printed
as the median of the ratios within each round (the runs of the two target ratios that need it are
neighbours in time), so a neighbour's burst does not decide it alone, and of the best times.
Peak memory is the largest sum of the resident sets of the command's whole process tree (report
decodes in a second process), sampled every 10 ms from /proc; pages the two processes share are
counted twice, so it is an upper bound.
"""
from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
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


def compile_package() -> None:
    """`-m dhcpanalyze` from the repository runs the source tree: compile its bytecode first, as pip
    does when it installs the package (a machine with PYTHONDONTWRITEBYTECODE, like ours, would
    otherwise compile it in every run)."""
    for package in ("dhcpanalyze", "dissectors"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


FAILOVER_SAMPLE = "resync.pcap"      # the failover mix's source
# the DHCP mix: the samples it was first built from, so that its figures stay comparable when
# samples are added
DHCP_SAMPLES = ("seed.pcap", "skew.pcap", "relay.pcap", "many.pcap", "interrupt.pcap")


def capture_path(folder: Path, packets: int, mix: str) -> Path:
    return folder / (f"{packets}.pcap" if mix == "dhcp" else f"fo-{packets}.pcap")


def ensure_capture(path: Path, packets: int, mix: str = "dhcp") -> None:
    if path.exists():
        return
    if mix == "failover":
        print(f"building {path} ({packets} packets, failover mix) ...", flush=True)
        print(" ", make_capture.build_resync([str(ROOT / "samples" / FAILOVER_SAMPLE)], path, packets),
              flush=True)
        return
    samples = sorted(str(ROOT / "samples" / name) for name in DHCP_SAMPLES)
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
    ap.add_argument("--mix", choices=("dhcp", "failover"), default="dhcp",
                    help="dhcp: the samples' DHCP traffic; failover: many pairs resyncing (BENCHMARKS.md)")
    ap.add_argument("--no-tshark", action="store_true")
    ap.add_argument("--repeat", type=int, default=5, help="rounds: runs of each command")
    ap.add_argument("--tshark-rounds", type=int, default=1, help="rounds that include tshark (the first ones)")
    args = ap.parse_args()
    small, large = capture_path(args.dir, args.packets, args.mix), capture_path(args.dir, 2 * args.packets, args.mix)
    ensure_capture(small, args.packets, args.mix)
    ensure_capture(large, 2 * args.packets, args.mix)
    compile_package()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the runs", flush=True)
    rounds = [run_round(n, small, large, args.no_tshark or n > args.tshark_rounds)
              for n in range(1, args.repeat + 1)]
    best = {key: (min(r[key][0] for r in rounds if key in r), min(r[key][1] for r in rounds if key in r),
                  max(r[key][2] for r in rounds if key in r))
            for key in rounds[0]}
    print(f"best of {args.repeat} rounds (wall, CPU) and highest peak RSS:")
    for (label, name), (secs, cpu, rss) in best.items():
        print(f"{label} {name:<20} {secs:8.2f} s wall {cpu:8.2f} s CPU  peak RSS {rss:7.1f} MiB")
    print_ratios(best, rounds)


# Each round runs the commands in this order, so that the runs of report / dpkt and report 2M / 1M
# are neighbours in time (a neighbour's burst on a shared machine then tends to hit both or neither).
ORDER = (("1x", "dpkt reader loop"), ("1x", "dhcpanalyze report"), ("2x", "dhcpanalyze report"),
         ("2x", "dpkt reader loop"), ("1x", "report --jobs 1"), ("1x", "tshark dissection"))
RATIOS = (("report / dpkt loop", ("1x", "dhcpanalyze report"), ("1x", "dpkt reader loop"), "<= 1.5"),
          ("tshark / report", ("1x", "tshark dissection"), ("1x", "dhcpanalyze report"), ">= 10"),
          ("report 2x / 1x time", ("2x", "dhcpanalyze report"), ("1x", "dhcpanalyze report"), "<= 2.1"),
          ("dpkt loop 2x / 1x time", ("2x", "dpkt reader loop"), ("1x", "dpkt reader loop"), "(context)"),
          ("report --jobs 1 / dpkt loop", ("1x", "report --jobs 1"), ("1x", "dpkt reader loop"), "(context)"))


def run_round(number: int, small: Path, large: Path, no_tshark: bool) -> dict:
    cmds = {("1x", name): cmd for name, cmd in commands(small).items()}
    cmds.update({("2x", name): cmd for name, cmd in commands(large).items()
                 if name in ("dpkt reader loop", "dhcpanalyze report")})
    results = {}
    for key in ORDER:
        if key not in cmds or (no_tshark and key[1].startswith("tshark")):
            continue
        results[key] = measure(cmds[key])
        secs, cpu, rss = results[key]
        print(f"run {number} {key[0]} {key[1]:<20} {secs:8.2f} s wall {cpu:8.2f} s CPU  "
              f"peak RSS {rss:7.1f} MiB", flush=True)
    return results


def print_ratios(best: dict, rounds: list[dict]) -> None:
    """Each ratio twice: the median of the ratios within each round, and of the best times."""
    print(f"{'ratio':<28} {'median of rounds':>17} {'best':>6}  target")
    for label, top, bottom, target in RATIOS:
        if top not in best or bottom not in best:
            continue
        paired = statistics.median(r[top][0] / r[bottom][0] for r in rounds if top in r and bottom in r)
        print(f"{label:<28} {paired:17.2f} {best[top][0] / best[bottom][0]:6.2f}  {target}")
    small, large = best[("1x", "dhcpanalyze report")], best[("2x", "dhcpanalyze report")]
    print(f"report peak RSS 1x / 2x     = {small[2]:.0f} / {large[2]:.0f} MiB (target <= 150, flat); "
          f"CPU of report 1x: {small[1]:.2f} s for {small[0]:.2f} s wall (two processes)")

if __name__ == "__main__":
    main()
