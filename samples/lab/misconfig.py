"""The `misconfig` scenario: the lab's pair started with one configuration mistake at a time, to
record what the real dhcpd does with it (refuses to start, rejects the CONNECT, never connects).

Each case writes `dhcpd-<role>-<case>.conf` (the lab's own config with one edit), starts the
servers on the seed network, and records in scenario.json (`misconfig`) for each server whether it
started or exited, its exit status, and the lines it logged about the configuration or the failover
connection. `dhcpanalyze config` on the same files must predict it (tests/lab/test_config_lab.py).
No capture runs: the wire is not what is compared.
"""
from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import configs
from daemons import LabError
from rig import Rig

STARTED = re.compile(r"^Server starting service\.", re.M)
# dhcpd's parse errors: `/path/file.conf line 19: primary failover server must have hba or split.`
PARSE_ERROR = re.compile(r"^(\S+\.conf) line (\d+): (.+)$", re.M)
# what dhcpd logs about a failover connection it refuses (dhcpd 4.4.3-P1, recorded by this scenario)
FAILOVER_LINE = re.compile(r"^(Failover CONNECT .+|failover: .+)$", re.M)
CONNECT_REJECTED = re.compile(r"^Failover CONNECT (?:to|from) \S+ rejected: (.+)$", re.M)
PARTNER_TALKS = re.compile(r"failover peer \S+: peer moves from ", re.M)
START_TIMEOUT = 15
CONNECT_WAIT = 20           # the pair retries the connection every 5 s

# case -> {role: [(old, new), ...]} edits of the lab's own config (configs.dhcpd_conf)
CASES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "split-on-both": {"secondary": [("  secondary;\n", "  secondary;\n  split 128;\n")]},
    "no-split-on-primary": {"primary": [("  split 128;\n", "")]},
    "no-mclt-on-primary": {"primary": [(f"  mclt {configs.MCLT};\n", "")]},
    "mismatched-names": {"secondary": [(f'"{configs.PEER}"', '"FAILOVER-B"')]},
    "crossed-ports": {"primary": [("  peer port 647;", "  peer port 648;")],
                      "secondary": [("  peer port 647;", "  peer port 648;")]},
    "wrong-peer-address": {"secondary": [(f"peer address {configs.PRIMARY_IP};",
                                          "peer address 192.168.100.9;")]},
    "skewed-clock": {},         # the lab's own files; the secondary's clock 90 s ahead
}
FAKETIME = {"skewed-clock": {"secondary": "+90s"}}      # case -> role -> libfaketime offset


def config_text(role: str, edits: list[tuple[str, str]]) -> str:
    text = configs.dhcpd_conf(role == "primary")
    for old, new in edits:
        if old not in text:
            raise LabError(f"misconfig: {old!r} not in the lab's {role} config")
        text = text.replace(old, new)
    return text


def start_or_exit(rig: Rig, role: str, case: str, env: dict[str, str] | None = None) -> dict:
    """Start dhcpd with the case's files; wait until it serves or exits. Never raises for an
    exit: a refusal is the data this scenario collects."""
    log = rig.out / f"dhcpd-{role}-{case}.log"
    conf, leases = rig.out / f"dhcpd-{role}-{case}.conf", rig.out / f"dhcpd-{role}-{case}.leases"
    leases.touch()
    argv = ["dhcpd", "-4", "-f", "-d", "-cf", str(conf), "-lf", str(leases),
            "-pf", str(rig.out / f"dhcpd-{role}-{case}.pid"), "eth0"]
    name = f"dhcpd-{role}"
    rig.daemons.start(name, rig.port(role).ns, argv, log, env)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = _text(log)
        if STARTED.search(text):
            return {"started": True, "log": log.name}
        if not rig.daemons.is_running(name):
            status = rig.daemons.stop(name)
            return {"started": False, "exit_status": status, "log": log.name,
                    "parse_errors": [[Path(f).name, int(n), message]
                                     for f, n, message in PARSE_ERROR.findall(text)]}
        time.sleep(0.1)
    raise LabError(f"dhcpd {role} ({case}) neither started nor exited in {START_TIMEOUT} s")


def watch_connection(rig: Rig, case: str, roles: list[str]) -> dict:
    """What the started servers log about the failover connection within CONNECT_WAIT seconds."""
    logs = {role: rig.out / f"dhcpd-{role}-{case}.log" for role in roles}
    deadline = time.monotonic() + CONNECT_WAIT
    while time.monotonic() < deadline:
        texts = {role: _text(log) for role, log in logs.items()}
        rejected = {r: CONNECT_REJECTED.findall(t) for r, t in texts.items()}
        if any(rejected.values()) or all(PARTNER_TALKS.search(t) for t in texts.values()):
            break
        time.sleep(0.2)
    texts = {role: _text(log) for role, log in logs.items()}
    return {"failover_lines": {r: list(dict.fromkeys(FAILOVER_LINE.findall(t)))
                               for r, t in texts.items()},
            "partner_talks": {r: bool(PARTNER_TALKS.search(t)) for r, t in texts.items()}}


def _text(path) -> str:
    return path.read_bytes().decode("utf-8", "replace") if path.exists() else ""


def run_case(rig: Rig, case: str, edits: dict[str, list[tuple[str, str]]]) -> dict:
    for role in ("primary", "secondary"):
        (rig.out / f"dhcpd-{role}-{case}.conf").write_text(config_text(role, edits.get(role, [])))
    from scenarios import faketime_env          # scenarios imports this module
    result: dict = {"servers": {}, "faketime": FAKETIME.get(case, {})}
    for role in ("secondary", "primary"):       # the secondary first, as start_pair does
        offset = FAKETIME.get(case, {}).get(role)
        env = faketime_env(offset) if offset else None
        result["servers"][role] = start_or_exit(rig, role, case, env)
    running = [r for r, s in result["servers"].items() if s["started"]]
    if len(running) == 2:
        result["connection"] = watch_connection(rig, case, running)
    for role in running:
        rig.daemons.stop(f"dhcpd-{role}")
    rig.step(f"misconfig {case}", **{r: ("started" if s["started"] else "refused")
                                     for r, s in result["servers"].items()})
    return result


def misconfig(rig: Rig, fresh: bool) -> None:
    rig.build()
    rig.record["misconfig"] = {}
    for case, edits in CASES.items():
        rig.record["misconfig"][case] = run_case(rig, case, edits)
    rig.record["dhcpd_version"] = _version()


def _version() -> str:
    done = subprocess.run(["dhcpd", "--version"], capture_output=True, text=True)
    return (done.stdout + done.stderr).strip()
