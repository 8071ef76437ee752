"""The capture port: tcpdump on each hub bridge, merged into one pcap in time order."""
from __future__ import annotations

import shlex
import signal
import struct
import subprocess
import time
from pathlib import Path

from daemons import Daemons, end_process, log_size, wait_for_log

PCAP_HEADER = 24
RECORD_HEADER = struct.Struct("<IIII")     # tcpdump writes host order; the lab host is little-endian


def start(daemons: Daemons, hub_ns: str, bridge: str, out: Path) -> None:
    """`--immediate-mode` hands each packet to tcpdump at once (with the default TPACKET_V3 ring,
    packets of a block not yet retired are lost at exit: seconds of a quiet capture's tail) and
    `-U` writes it at once, so the file is complete however the run ends; `-Z root` keeps
    tcpdump able to write into the run's directory."""
    log = out / f"tcpdump-{bridge}.log"
    mark = log_size(log)
    daemons.start(f"tcpdump-{bridge}", hub_ns,
                  ["tcpdump", "-i", bridge, "-n", "--immediate-mode", "-U", "-Z", "root", "-w",
                   str(out / f"capture-{bridge}.pcap")], log)
    wait_for_log(log, r"listening on", 10, after=mark)


def stop(daemons: Daemons, bridges: list[str], out: Path) -> Path:
    """Stop every tcpdump and leave a single capture.pcap."""
    for bridge in bridges:
        daemons.stop(f"tcpdump-{bridge}")
    parts = [out / f"capture-{b}.pcap" for b in bridges]
    target = out / "capture.pcap"
    if len(parts) == 1:
        parts[0].replace(target)
    else:
        merge(parts, target)
        for part in parts:
            part.unlink()
    return target


def read_records(path: Path) -> tuple[bytes, list[tuple[int, int, bytes]]]:
    """Global header and (sec, usec, record bytes) of a pcap tcpdump wrote on this host."""
    data = path.read_bytes()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise ValueError(f"{path}: not a little-endian microsecond pcap")
    records, pos = [], PCAP_HEADER
    while pos + RECORD_HEADER.size <= len(data):
        sec, usec, incl, _orig = RECORD_HEADER.unpack_from(data, pos)
        end = pos + RECORD_HEADER.size + incl
        records.append((sec, usec, data[pos:end]))
        pos = end
    return data[:PCAP_HEADER], records


def merge(parts: list[Path], target: Path) -> None:
    """Interleave captures of the same link type by timestamp (a stable sort keeps each file's order)."""
    header, merged = None, []
    for part in parts:
        part_header, records = read_records(part)
        header = header or part_header
        merged.extend(records)
    merged.sort(key=lambda r: (r[0], r[1]))
    target.write_bytes(header + b"".join(r[2] for r in merged))


MONITOR_PCAP = "monitor.pcap"      # a monitor that saves what it saw (--save {out}/monitor.pcap)


def start_monitor(command: list[str], hub_ns: str, bridge: str, out: Path) -> subprocess.Popen:
    """`--monitor`: a live analyzer on the first bridge beside tcpdump ({bridge} and {out} are
    filled in), stdout to monitor.out and stderr to monitor.err. When it saves to
    {out}/monitor.pcap, the scenario waits for that file's pcap header (its capture has started)."""
    argv = [part.format(bridge=bridge, out=out) for part in command]
    with open(out / "monitor.out", "wb") as stdout, open(out / "monitor.err", "wb") as stderr:
        proc = subprocess.Popen(["ip", "netns", "exec", hub_ns, *argv], stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr, start_new_session=True)
    if any(MONITOR_PCAP in part for part in argv):
        deadline = time.monotonic() + 20
        saved = out / MONITOR_PCAP
        while not (saved.exists() and saved.stat().st_size >= 24) and proc.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    return proc


def stop_monitor(proc: subprocess.Popen, timeout: float = 60) -> int:
    """SIGINT, as a user's Ctrl-C: the analyzer finishes its report; SIGKILL if it hangs."""
    return end_process(proc, signal.SIGINT, timeout)


def parse_monitor(text: str) -> list[str]:
    return shlex.split(text)
