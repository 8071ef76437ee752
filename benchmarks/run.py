"""Benchmark `dhcpanalyze report` against a bare dpkt reader loop and tshark, in one run.

    python benchmarks/run.py                # builds bench/1m.pcap and bench/2m.pcap from samples/ if missing

Prints wall time and peak RSS of each command and the ratios the project's targets are stated in
(see BENCHMARKS.md). Each command runs in its own process; peak RSS comes from wait4(2) of that process.
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


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one command, stdout to /dev/null."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):     # report exits 1 when findings reach --fail-on
        sys.exit(f"{cmd[0]} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def ensure_capture(path: Path, packets: int) -> None:
    if not path.exists():
        samples = sorted(glob.glob(str(ROOT / "samples" / "*.pcap")))
        print(f"building {path} ({packets} packets) from {len(samples)} samples ...", flush=True)
        print(" ", make_capture.build(samples, path, packets, 0.10), flush=True)


def commands(capture: Path) -> dict[str, list[str]]:
    cmds = {
        "dpkt reader loop": [sys.executable, "-c", DPKT_LOOP, str(capture)],
        "dhcpanalyze report": [sys.executable, "-m", "dhcpanalyze", "report", "--format", "jsonl", str(capture)],
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
    args = ap.parse_args()
    small, large = args.dir / f"{args.packets}.pcap", args.dir / f"{2 * args.packets}.pcap"
    ensure_capture(small, args.packets)
    ensure_capture(large, 2 * args.packets)
    results = {}
    for label, capture in (("1x", small), ("2x", large)):
        for name, cmd in commands(capture).items():
            if name.startswith("tshark") and (args.no_tshark or label == "2x"):
                continue
            secs, rss = measure(cmd)
            results[(label, name)] = (secs, rss)
            print(f"{label} {name:<20} {secs:8.2f} s  peak RSS {rss:7.1f} MiB", flush=True)
    report, loop = results[("1x", "dhcpanalyze report")], results[("1x", "dpkt reader loop")]
    report2 = results[("2x", "dhcpanalyze report")]
    print(f"report / dpkt loop          = {report[0] / loop[0]:.2f}   (target <= 1.5)")
    if ("1x", "tshark dissection") in results:
        print(f"tshark / report             = {results[('1x', 'tshark dissection')][0] / report[0]:.1f}  (target >= 10)")
    print(f"report 2x / 1x time         = {report2[0] / report[0]:.2f}   (target <= 2.1)")
    print(f"report peak RSS 1x / 2x     = {report[1]:.0f} / {report2[1]:.0f} MiB (target <= 150, flat)")


if __name__ == "__main__":
    main()
