"""A lab run as the checks see it: the capture decoded by `dhcpanalyze packets --format jsonl` and
analysed by `dhcpanalyze report --format json` (the real CLI, in a subprocess, as a user runs it)
beside what the real programs wrote in their own logs and scenario.json.

Serves the committed samples (samples/<scenario>.pcap + samples/<scenario>/) and live runs alike.
"""
from __future__ import annotations

import functools
import json
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
LAB = SAMPLES / "lab" / "lab.py"
SCENARIOS = ("seed", "skew", "relay", "many", "interrupt", "resync", "silent", "smallskew", "renew",
             "gone")
SERVER_LOGS = {"primary": "dhcpd-primary.log", "secondary": "dhcpd-secondary.log"}
SERVER_CONFIGS = {"primary": "dhcpd-primary.conf", "secondary": "dhcpd-secondary.conf"}
LB_MAX_SECS = re.compile(r"^\s*load balance max seconds (\d+);", re.MULTILINE)

# failover-wire.md §4.1: the names ISC logs (`I move from A to B`) and the server-state on the wire
ISC_STATE_CODES = {
    "unknown-state": 0, "startup": 1, "normal": 2, "communications-interrupted": 3,
    "partner-down": 4, "potential-conflict": 5, "recover": 6, "paused": 7, "shutdown": 8,
    "recover-done": 9, "resolution-interrupted": 10, "conflict-done": 11, "recover-wait": 254,
}


@functools.lru_cache(maxsize=None)
def decode(pcap: Path) -> tuple[dict, ...]:
    """Every jsonl record of `dhcpanalyze packets --format jsonl pcap` (exit 0, no traceback)."""
    done = subprocess.run([sys.executable, "-m", "dhcpanalyze", "packets", "--format", "jsonl",
                           str(pcap)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, f"packets exited {done.returncode}: {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return tuple(json.loads(line) for line in done.stdout.splitlines() if line.strip())


@dataclass(frozen=True)
class Report:
    """What `dhcpanalyze report --format json --fail-on error` printed for a capture, and its exit."""

    doc: dict
    exit_code: int

    @property
    def transactions(self) -> list[dict]:
        return self.doc["transactions"]

    @property
    def findings(self) -> list[dict]:
        return self.doc["findings"]

    def codes(self, code: str) -> list[dict]:
        return [f for f in self.findings if f["code"] == code]

    def of_client(self, mac: str) -> list[dict]:
        return [t for t in self.transactions if t["client"]["mac"] == mac]

    def acks(self) -> list[dict]:
        """Transactions that ended with an ACK, in the order of their ACKs."""
        done = [t for t in self.transactions if t["outcome"] in ("ack", "declined")]
        return sorted(done, key=lambda t: t["end"])


@functools.lru_cache(maxsize=None)
def report(pcap: Path, lb_max_secs: int | None) -> Report:
    """`dhcpanalyze report --format json --fail-on error [--lb-max-secs N] pcap`: exit 0, or 1
    when an error finding is reported; never a traceback."""
    option = [] if lb_max_secs is None else ["--lb-max-secs", str(lb_max_secs)]
    done = subprocess.run([sys.executable, "-m", "dhcpanalyze", "report", "--format", "json",
                           "--fail-on", "error", *option, str(pcap)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode in (0, 1), f"report exited {done.returncode}: {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return Report(json.loads(done.stdout), done.returncode)


def hex_ip(address: str) -> str:
    """An IPv4 address as an option's raw hex (how server-identifier 54 appears in jsonl)."""
    return socket.inet_aton(address).hex()


def option_raw(record: dict, code: int) -> str | None:
    for opt in record.get("options", []):
        if opt["code"] == code:
            return opt["raw"]
    return None


@dataclass(frozen=True)
class LabRun:
    """One scenario's capture and the files the lab left beside it."""

    scenario: str
    pcap: Path
    files: Path

    @classmethod
    def sample(cls, scenario: str) -> "LabRun":
        return cls(scenario, SAMPLES / f"{scenario}.pcap", SAMPLES / scenario)

    @classmethod
    def live(cls, scenario: str, out: Path) -> "LabRun":
        return cls(scenario, out / "capture.pcap", out)

    def exists(self) -> bool:
        return self.pcap.is_file() and (self.files / "scenario.json").is_file()

    @property
    def records(self) -> tuple[dict, ...]:
        return decode(self.pcap)

    @property
    def report(self) -> Report:
        return report(self.pcap, self.lb_max_secs)

    @property
    def lb_max_secs(self) -> int | None:
        """`load balance max seconds` of the primary's dhcpd.conf in this run (None if absent)."""
        found = LB_MAX_SECS.search(self.log(SERVER_CONFIGS["primary"]))
        return int(found.group(1)) if found else None

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.records if r["record"] == kind]

    @functools.cached_property
    def scenario_json(self) -> dict:
        return json.loads((self.files / "scenario.json").read_text())

    def log(self, name: str) -> str:
        path = self.files / name
        return path.read_text(errors="replace") if path.exists() else ""

    def client_logs(self) -> dict[str, str]:
        """dhclient log text by client name (c1, c2, ...)."""
        return {p.stem.removeprefix("dhclient-"): p.read_text(errors="replace")
                for p in sorted(self.files.glob("dhclient-*.log"))}

    def server_ip(self, role: str) -> str:
        return self.scenario_json["hosts"][f"{role}/eth0"]["address"].split("/")[0]

    @property
    def clients(self) -> dict[str, dict]:
        """The lab's clients by name (c1, ...): mac, and in balanced scenarios bucket, designated."""
        return self.scenario_json["clients"]

    def steps(self, prefix: str) -> list[dict]:
        """The lab's steps named `prefix...` during the capture (the priming run before the
        capture repeats some names: start/stop of both servers)."""
        steps = self.scenario_json["steps"]
        start = next(i for i, s in enumerate(steps) if s["step"] == "capture started")
        return [s for s in steps[start:] if s["step"].startswith(prefix)]

    def running(self, role: str, t: float) -> bool:
        """Whether the lab had this server's dhcpd started (and not yet stopped) at time t."""
        moves = [s["step"].split()[:2] for s in self.steps("") if s["t"] <= t]
        moves = [verb for verb, who in (m for m in moves if len(m) == 2)
                 if who == role and verb in ("start", "stop")]
        return bool(moves) and moves[-1] == "start"


MAC_LINE = re.compile(r"^Listening on LPF/\S+?/([0-9a-f:]{17})", re.MULTILINE)
CLIENT_ACK = re.compile(r"^DHCPACK of (\S+) from (\S+)", re.MULTILINE)
SERVER_ACK = re.compile(r"^DHCPACK on (\S+) to ([0-9a-f:]{17})", re.MULTILINE)


def client_acks(log: str) -> list[tuple[str, str, str]]:
    """(yiaddr, chaddr, from) for each `DHCPACK of X from Y` dhclient logged, in order."""
    macs = MAC_LINE.findall(log)
    mac = macs[0] if macs else "?"
    return [(ip, mac, server) for ip, server in CLIENT_ACK.findall(log)]


def server_acks(log: str) -> list[tuple[str, str]]:
    """(yiaddr, chaddr) for each `DHCPACK on X to MAC` dhcpd logged, in order."""
    return SERVER_ACK.findall(log)
