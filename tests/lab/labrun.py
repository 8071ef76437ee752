"""A lab run as the checks see it: the capture decoded by `dhcpanalyze packets --format jsonl` (the
real CLI, in a subprocess) beside what the real programs wrote in their own logs and scenario.json.

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
SCENARIOS = ("seed", "skew", "relay", "many", "interrupt")
SERVER_LOGS = {"primary": "dhcpd-primary.log", "secondary": "dhcpd-secondary.log"}

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

    def steps(self, prefix: str) -> list[dict]:
        return [s for s in self.scenario_json["steps"] if s["step"].startswith(prefix)]


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
