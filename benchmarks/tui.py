"""Figures of the TUI on the benchmark capture: first screen, whole file indexed, scrolling, memory.

    python benchmarks/tui.py [--rounds 3] [bench/1m.pcap]   # builds the capture if it is missing

Each round runs the real app headless (`App.run_test`, a 160x50 terminal) in a fresh process,
started by this script, and times from just before that process is started:
  first screen  the first repaint with packet rows in the list (the loader's first batch drawn)
  indexed       the whole file went through decoder, engine and indexes (the app's worker, while
                the app runs), against `dhcpanalyze report --format jsonl` on the same file
  G / g         a keypress to the end of the list and back: from the key to the first repaint
                (the list at its new place) and to the last one it caused (the new row's details
                decoded and drawn too), and the CPU time the app's process spent meanwhile (the
                loading is over by then)
  peak RSS      of the app's process (ru_maxrss)
  CPU           user + system time of the app's process when the file is indexed, and of report
                (both processes): the same work counted without the machine's other load
Wall-clock figures on a shared machine move by tens of percent; the median and the spread are printed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "bench" / "1m.pcap"


def child(path: str, launched: float) -> None:
    """One measured run of the app (in its own process)."""
    import asyncio
    import resource

    sys.path.insert(0, str(ROOT))
    import gc

    from dhcpanalyze.browse.loader import file_source
    from dhcpanalyze.commands.report import BATCH_GC_THRESHOLDS
    from dhcpanalyze.browse.session import Session
    from dhcpanalyze.tui.app import BrowseApp

    out: dict = {}

    async def run() -> None:
        session = Session([path])
        app = BrowseApp(session, lambda: file_source(session, [path]), tune_gc=True)
        gc.set_threshold(*BATCH_GC_THRESHOLDS)         # as `dhcpanalyze tui` does
        async with app.run_test(headless=True, size=(160, 50)) as pilot:
            screen = app.screen
            lst = screen.query_one("#packet-list")
            painted = _watch_paints(screen, lst)
            while painted["rows_at"] is None:
                await asyncio.sleep(0.005)
            out["first_screen_s"] = painted["rows_at"] - launched
            out["first_screen_rows"] = lst._total
            while not session.counts.done:
                await asyncio.sleep(0.01)
            out["indexed_s"] = time.time() - launched
            out["indexed_cpu_s"] = time.process_time()     # the whole process: imports, UI, loading
            out["records"] = session.counts.records
            await pilot.pause(0.2)
            for key in ("G", "g", "G_cpu", "g_cpu", "G_list", "g_list"):
                out[f"{key}_s"] = []
            for _ in range(5):
                for key in ("G", "g"):
                    start, cpu = time.time(), time.process_time()
                    painted["first_after"] = None
                    await pilot.press(key)
                    await pilot.pause(0.15)        # the details are decoded 40 ms after the cursor rests
                    out[f"{key}_s"].append(painted["last"] - start)
                    out[f"{key}_list_s"].append(painted["first_after"] - start)
                    out[f"{key}_cpu_s"].append(time.process_time() - cpu)
            out["cursor_at_end"] = lst.cursor
    asyncio.run(run())
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _watch_paints(screen, lst) -> dict:
    """Times at which the screen finished a repaint: the first with packet rows, and the latest."""
    painted = {"rows_at": None, "last": 0.0, "first_after": None}
    refresh = screen._compositor_refresh

    def timed_refresh() -> None:
        refresh()
        painted["last"] = time.time()
        if painted["first_after"] is None:
            painted["first_after"] = painted["last"]
        if painted["rows_at"] is None and lst._total and lst._window[1]:
            painted["rows_at"] = painted["last"]
    screen._compositor_refresh = timed_refresh
    return painted


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the command and its children)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.time() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture", nargs="?", default=str(DEFAULT))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], float(args.child[1]))
    if not Path(args.capture).exists():
        Path(args.capture).parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_capture.py"), "--packets", "1000000",
                        "-o", args.capture, *map(str, sorted((ROOT / "samples").glob("*.pcap")))], check=True)
    report = [sys.executable, "-m", "dhcpanalyze", "report", "--format", "jsonl", args.capture]
    rounds = []
    for i in range(args.rounds):
        report_s, report_cpu_s = timed(report)
        launched = time.time()
        done = subprocess.run([sys.executable, __file__, "--child", args.capture, str(launched)],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        run = json.loads(done.stdout.strip().splitlines()[-1])
        run["report_s"], run["report_cpu_s"] = report_s, report_cpu_s
        rounds.append(run)
        print(f"round {i + 1}: first screen {run['first_screen_s']:.2f} s, indexed {run['indexed_s']:.2f} s "
              f"(report {report_s:.2f} s, ratio {run['indexed_s'] / report_s:.2f}; CPU {run['indexed_cpu_s']:.2f} s "
              f"vs report {report_cpu_s:.2f} s), "
              f"G max {max(run['G_s']) * 1000:.0f} ms (CPU {max(run['G_cpu_s']) * 1000:.0f}), "
              f"g max {max(run['g_s']) * 1000:.0f} ms (CPU {max(run['g_cpu_s']) * 1000:.0f}), "
              f"peak RSS {run['peak_rss_mib']:.0f} MiB, {run['records']} records", flush=True)
    med = statistics.median
    print(json.dumps({
        "first_screen_s": med(r["first_screen_s"] for r in rounds),
        "indexed_s": med(r["indexed_s"] for r in rounds),
        "report_s": med(r["report_s"] for r in rounds),
        "indexed_over_report": med(r["indexed_s"] / r["report_s"] for r in rounds),
        "indexed_cpu_s": med(r["indexed_cpu_s"] for r in rounds),
        "report_cpu_s": med(r["report_cpu_s"] for r in rounds),
        "cpu_over_report": med(r["indexed_cpu_s"] / r["report_cpu_s"] for r in rounds),
        **{f"{key}_ms_{name}": fn(x * 1000 for r in rounds for x in r[f"{key}_s"])
           for key in ("G_list", "g_list", "G", "g", "G_cpu", "g_cpu")
           for name, fn in (("median", med), ("max", max))},
        "peak_rss_mib": max(r["peak_rss_mib"] for r in rounds),
        "load_1min": os.getloadavg()[0]}, indent=1))


if __name__ == "__main__":
    main()
