"""Live capture benchmark: the highest DHCP message rate `report -i` analyses with zero drops.

    sudo .venv/bin/python benchmarks/live.py                      # dumpcap, 5 s per rate
    sudo .venv/bin/python benchmarks/live.py --backend socket --rates 5000,10000,20000

How: a namespace of our own with a veth pair (va <-> vb). The frames are the DHCP and failover
frames of the samples replicated with fresh MACs, xids and ports (benchmarks/make_capture.py, no
noise). For each rate, `dhcpanalyze report -i va --count N` starts pinned to CPU 0 (its dumpcap
child inherits the pin: analysis and capture share one core), then this process, pinned to CPU 1,
sends the N frames into vb with a packet socket, paced in 1 ms slices. The report's capture
section gives what the kernel and dumpcap dropped; the child's rusage gives its CPU time. A rate
passes when every frame was analysed and nothing was dropped. With --pyshark the same is done with
pyshark's LiveCapture (raw frames handed over, nothing decoded by us), for comparison.

Traffic stays inside the namespace; the namespace is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import make_capture                                             # noqa: E402
from dhcpanalyze.sources.capture import CaptureFile              # noqa: E402

SAMPLES = sorted(str(p) for p in (REPO / "samples").glob("*.pcap"))
SLICE_S = 0.001


def frames(count: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frames.pcap"
        make_capture.build(SAMPLES, path, count, share=1.0)
        return [data for _n, _ts, data, _lt, _w in CaptureFile(str(path))]


def namespace() -> str:
    ns = f"dhalive-bench-{os.getpid()}"
    for argv in (["netns", "add", ns], ["-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb"],
                 ["-n", ns, "link", "set", "va", "up"], ["-n", ns, "link", "set", "vb", "up"]):
        subprocess.run(["ip", *argv], check=True)
    return ns


def sender(ns: str) -> socket.socket:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/proc/self/ns/net") as home, open(f"/run/netns/{ns}") as there:
        libc.setns(there.fileno(), 0x40000000)
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind(("vb", 0))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        libc.setns(home.fileno(), 0x40000000)
    return sock


def send_paced(sock: socket.socket, batch: list[bytes], rate: int) -> float:
    """Send the frames at `rate` per second; returns the rate achieved."""
    per_slice = max(1, round(rate * SLICE_S))
    start = time.perf_counter()
    for i in range(0, len(batch), per_slice):
        for frame in batch[i:i + per_slice]:
            sock.send(frame)
        due = start + (i + per_slice) / rate
        while time.perf_counter() < due:
            pass
    return len(batch) / (time.perf_counter() - start)


def run_rate(ns: str, sock: socket.socket, batch: list[bytes], rate: int, backend: str) -> dict:
    argv = ["taskset", "-c", "0", "ip", "netns", "exec", ns, sys.executable, "-m", "dhcpanalyze",
            "report", "-i", "va", "--count", str(len(batch)), "--duration", str(len(batch) / rate + 20),
            "--format", "json", "--capture-backend", backend]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    time.sleep(3)                               # interpreter start and the capture program
    sent_rate = send_paced(sock, batch, rate)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        return {"rate": rate, "error": err.strip()[-300:]}
    doc = json.loads(out)
    live = doc["capture"]["live"]
    cpu = usage.ru_utime + usage.ru_stime
    messages = doc["capture"]["dhcp_messages"] + doc["capture"]["failover_messages"]
    return {"rate": rate, "sent_rate": round(sent_rate), "frames": len(batch), "analysed": live["packets"],
            "dropped": live["dropped"], "messages": messages, "cpu_s": round(cpu, 2),
            "messages_per_cpu_s": round(messages / cpu) if cpu else None,
            "ok": live["packets"] == len(batch) and live["dropped"] == 0}


def run_pyshark(ns: str, sock: socket.socket, batch: list[bytes], rate: int) -> dict:
    """pyshark's LiveCapture (dumpcap -> tshark -T json -> Python) on the same stream: how many raw
    frames it hands over, and how long after the last one was sent. Nothing is decoded by us."""
    window = len(batch) / rate + 60
    code = ("import pyshark,time,json,signal\n"
            "def stop(*_): raise TimeoutError\n"
            f"signal.signal(signal.SIGALRM, stop); signal.alarm({int(window) + 10})\n"
            "cap=pyshark.LiveCapture(interface='va',use_json=True,include_raw=True)\n"
            "n=0;last=None\n"
            "try:\n"
            "    for p in cap.sniff_continuously():\n"
            "        p.get_raw_packet(); n+=1; last=time.time()\n"
            f"        if n>={len(batch)}: break\n"
            "except TimeoutError: pass\n"
            "print(json.dumps({'n':n,'last':last}),flush=True)\n")
    proc = subprocess.Popen(["taskset", "-c", "0", "ip", "netns", "exec", ns, sys.executable, "-c", code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(10)                              # pyshark starts dumpcap and tshark
    sent_rate = send_paced(sock, batch, rate)
    sent_end = time.time()
    try:
        out, _ = proc.communicate(timeout=window + 60)
    finally:            # pyshark leaves its dumpcap and tshark running (its issues #650, #711)
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    got = json.loads(out.decode().strip().splitlines()[-1])
    return {"rate": rate, "sent_rate": round(sent_rate), "frames": len(batch),
            "pyshark_frames": got["n"],
            "pyshark_lag_s": round(got["last"] - sent_end, 2) if got["last"] else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="5000,10000,20000,30000,40000")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--backend", default="dumpcap", choices=("dumpcap", "tcpdump", "socket"))
    parser.add_argument("--pyshark", action="store_true", help="also time pyshark at 1000 frames/s")
    args = parser.parse_args()
    if os.geteuid() != 0 or not shutil.which("taskset"):
        sys.exit("needs root (namespace, packet sockets) and taskset")
    rates = [int(r) for r in args.rates.split(",")]
    pool = frames(int(max(rates) * args.seconds))
    os.sched_setaffinity(0, {1})
    ns = namespace()
    try:
        sock = sender(ns)
        print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; backend {args.backend}")
        for rate in rates:
            print(json.dumps(run_rate(ns, sock, pool[:int(rate * args.seconds)], rate, args.backend)),
                  flush=True)
        if args.pyshark:
            print(json.dumps(run_pyshark(ns, sock, pool[:5000], 1000)), flush=True)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    main()
