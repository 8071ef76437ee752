"""A capture program writing pcap to a pipe: `dumpcap -P -w -` (default) or `tcpdump -U -w -`.

dumpcap is Wireshark's privilege-separated capture engine: a user in the `wireshark` group (or with
`setcap` on dumpcap) captures without root. tcpdump drops its privileges by itself (-Z). Either way
we read its stdout with a timeout (select), so the caller can let time pass while the line is idle,
and its stderr, which carries the start-up error, the drop statistics at the end and, for dumpcap,
the only sign that the interface went away (it then exits 0).

The child starts in its own session, so a Ctrl-C in the terminal reaches only us and we stop it in
order; PR_SET_PDEATHSIG ends it if we die first (a broken pipe ends it at its next packet anyway).
"""
from __future__ import annotations

import ctypes
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import time

from dhcpanalyze.sources.capture import MAX_RECORD, PCAP_MAGICS

START_TIMEOUT_S = 15            # a capture program that has neither started nor failed by then
READ_SIZE = 1 << 18
PR_SET_PDEATHSIG = 1

LiveItem = tuple[float, bytes, int, int, bytes]   # (ts, data, linktype, wirelen, pcap record)


class CaptureStartError(Exception):
    """The capture program could not start; `kind` is 'privilege', 'interface' or 'other'."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def dumpcap_argv(interface: str, bpf: str, count: int | None) -> list[str]:
    return ["dumpcap", "-i", interface, "-f", bpf, "-P", "-q", "-w", "-",
            *(["-c", str(count)] if count else [])]


def tcpdump_argv(interface: str, bpf: str, count: int | None) -> list[str]:
    """Without --immediate-mode: with it, tcpdump 4.99 (libpcap TPACKET_V3) dropped 13 frames of a
    45-frame burst on a veth (measured; 0 without). The price is up to a second before a packet
    of a quiet line shows (libpcap hands over a block when it fills or times out)."""
    return ["tcpdump", "-i", interface, "-n", "-U", "-w", "-",
            *(["-c", str(count)] if count else []), bpf]


ARGV = {"dumpcap": dumpcap_argv, "tcpdump": tcpdump_argv}


def available(program: str) -> bool:
    return shutil.which(program) is not None


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent thread ends (lost across a setcap exec)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class PipeSource:
    """Packets from a capture program's pcap output; `read(timeout)` -> items, [] idle, None at end."""

    def __init__(self, program: str, interface: str, bpf: str, count: int | None = None) -> None:
        self.program, self.interface = program, interface
        self.issues: list[str] = []
        self.stats: dict = {}
        self._stderr = bytearray()
        self._buf = bytearray()
        self._stopped = False
        self.proc = subprocess.Popen(ARGV[program](interface, bpf, count), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        self._out, self._err = self.proc.stdout.fileno(), self.proc.stderr.fileno()
        self.header = self._wait_header()
        order, self._scale = PCAP_MAGICS[self.header[:4]]
        self.linktype = struct.unpack_from(order + "I", self.header, 20)[0] & 0xFFFF
        self._record = struct.Struct(order + "IIII").unpack_from

    def _wait_header(self) -> bytes:
        """The 24-byte pcap header, or CaptureStartError with what the program said."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(self._buf) < 24 or not self._listening():
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise CaptureStartError(f"{self.program} did not start capturing on {self.interface} "
                                        f"within {START_TIMEOUT_S} s", "other")
            if not self._pump(left):
                self.close()
                raise _start_error(self.program, self.interface, self._stderr_text())
        header = bytes(self._buf[:24])
        if header[:4] not in PCAP_MAGICS:
            self.close()
            raise CaptureStartError(f"{self.program} wrote no pcap header", "other")
        del self._buf[:24]
        return header

    def _listening(self) -> bool:
        """tcpdump writes the pcap header before its filter is set, and libpcap flushes what the
        socket queued when the filter is set: only its `listening on` line means it captures."""
        return self.program != "tcpdump" or b"listening on" in self._stderr

    def _pump(self, timeout: float) -> bool:
        """Wait up to `timeout` for output; False once stdout has ended."""
        ready, _, _ = select.select([self._out, self._err], [], [], timeout)
        if self._err in ready:
            self._stderr += os.read(self._err, 65536)
        if self._out in ready:
            chunk = os.read(self._out, READ_SIZE)
            if not chunk:
                return False
            self._buf += chunk
        return True

    def read(self, timeout: float) -> list[LiveItem] | None:
        if self.proc.stdout.closed:
            return None
        if not self._pump(timeout):
            items = self._records()
            if self._buf:
                self.issues.append(f"{self.program} output ended mid-record ({len(self._buf)} bytes)")
                self._buf.clear()
            self._end()
            return items or None
        return self._records()

    def _records(self) -> list[LiveItem]:
        buf, pos, items = self._buf, 0, []
        record, scale, linktype = self._record, self._scale, self.linktype
        while len(buf) - pos >= 16:
            sec, frac, caplen, wirelen = record(buf, pos)
            if caplen > MAX_RECORD:
                raise CaptureStartError(f"{self.program} wrote a corrupt record", "other")
            stop = pos + 16 + caplen
            if stop > len(buf):
                break
            items.append((sec + frac * scale, bytes(buf[pos + 16:stop]), linktype, wirelen,
                          bytes(buf[pos:stop])))
            pos = stop
        del buf[:pos]
        return items

    def stop(self) -> None:
        """Ask the program to end (it prints its statistics); reading goes on to the end of its output."""
        self._stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def _end(self) -> None:
        """stdout ended: collect the exit status and the rest of stderr, and read them."""
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.close()
            rc = self.proc.returncode
        self._stderr += self.proc.stderr.read() or b""
        text = self._stderr_text()
        self.stats = parse_stats(text)
        trouble = _trouble(text)
        if trouble or (rc and not self._stopped and rc != -signal.SIGTERM):
            self.issues.append(f"{self.program} stopped capturing on {self.interface}: "
                               f"{trouble or f'exit status {rc}'}")

    def _stderr_text(self) -> str:
        return self._stderr.decode("utf-8", "replace")

    def close(self) -> None:
        """End the program now (SIGTERM, then SIGKILL) and release the pipes."""
        if self.proc.stdout.closed:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


# -- what the programs print on stderr --------------------------------------------------------------

_PRIVILEGE = re.compile(r"permission|not permitted", re.I)
_NO_DEVICE = re.compile(r"no device named|no such device|doesn't exist|no such interface", re.I)
# dumpcap: the adapter "br0" is no longer attached; tcpdump: pcap_loop: The interface disappeared
_GONE = re.compile(r"^.*(no longer attached|interface disappeared|went down).*$", re.I | re.M)


def _start_error(program: str, interface: str, text: str) -> CaptureStartError:
    if _PRIVILEGE.search(text):
        return CaptureStartError(f"{program}: no permission to capture on {interface}", "privilege")
    if _NO_DEVICE.search(text):
        return CaptureStartError(f"no interface named {interface!r} (-D lists them)",
                                 "interface")
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("Capturing on")]
    return CaptureStartError(f"{program} could not capture on {interface}: "
                             f"{lines[0] if lines else 'no message'}", "other")


def _trouble(text: str) -> str:
    found = _GONE.search(text)
    return found.group(0).strip().removeprefix("dumpcap: ").removeprefix("tcpdump: ") if found else ""


_DUMPCAP_STATS = re.compile(r"Packets received/dropped on interface '.*': (\d+)/(\d+) "
                            r"\(pcap:(\d+)/dumpcap:(\d+)/flushed:(\d+)/ps_ifdrop:(\d+)\)")
_TCPDUMP_STATS = {"received": re.compile(r"(\d+) packets? received by filter"),
                  "dropped": re.compile(r"(\d+) packets? dropped by kernel"),
                  "interface_dropped": re.compile(r"(\d+) packets? dropped by interface")}


def parse_stats(text: str) -> dict:
    """received / dropped (by the kernel and the capture program) / interface_dropped, as printed."""
    found = _DUMPCAP_STATS.search(text)
    if found:
        received, dropped, pcap, dumpcap, flushed, ifdrop = map(int, found.groups())
        return {"received": received, "dropped": dropped, "interface_dropped": ifdrop}
    stats = {}
    for key, pattern in _TCPDUMP_STATS.items():
        match = pattern.search(text)
        if match:
            stats[key] = int(match.group(1))
    return stats
