"""Time `dhcpanalyze leases` on large dhcpd.leases files: CPU seconds and peak memory for N and 2N.

    python benchmarks/leases_file.py            # builds bench/leases-100000.leases and -200000 if missing

Each lease block is shaped like the lab's own (samples/many/dhcpd-primary.leases: starts, ends,
tstp, cltt, binding states, hardware ethernet, an escaped uid, client-hostname), one address each.
User CPU seconds (getrusage of the child) move less than wall time on a shared machine; each size
runs three times and the lowest is printed. Peak RSS shows that memory follows the lease table, not
the file (the file is read line by line).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = """lease 10.{a}.{b}.{c} {{
  starts 6 2026/11/28 10:12:56;
  ends 6 2026/11/28 10:22:56;
  tstp 6 2026/11/28 10:22:56;
  cltt 6 2026/11/28 10:12:56;
  binding state active;
  next binding state free;
  rewind binding state free;
  hardware ethernet 02:da:{a:02x}:{b:02x}:{c:02x}:01;
  uid "\\001\\002\\332\\000\\000\\001";
  client-hostname "host{n}";
}}
"""


def ensure_file(n: int) -> Path:
    path = ROOT / "bench" / f"leases-{n}.leases"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        with open(path, "w") as out:
            for i in range(n):
                out.write(BLOCK.format(a=i >> 16, b=(i >> 8) & 255, c=i & 255, n=i))
    return path


def measure(path: Path) -> tuple[float, float, int]:
    """(user CPU s, wall s, peak RSS KiB) of one `leases --format csv` run, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dhcpanalyze", "leases", "--format", "csv", str(path)],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, wall, after.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="leases in the smaller file")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for n in (args.n, 2 * args.n):
        path = ensure_file(n)
        runs = [measure(path) for _ in range(args.rounds)]
        user, wall, rss = min(runs)
        print(f"{n:>9} leases  {path.stat().st_size / 1e6:6.1f} MB  user {user:6.2f} s  "
              f"wall {wall:6.2f} s  peak RSS {rss / 1024:6.0f} MiB  ({user / n * 1e6:.1f} µs/lease)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
