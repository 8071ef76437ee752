"""`report -i` on the lab's monitor port while a scenario plays (lab.py --monitor), stopped by
SIGINT like a user's Ctrl-C: its report must be the offline report of the pcap it saved with
--save — the same transactions, findings, servers, leases and failover states — and it must have
seen the failover pair and the clients (root and the lab's packages; skipped otherwise)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import RUN_TIMEOUT, lab_unavailable
from .labrun import LAB, REPO

pytestmark = pytest.mark.lab

MONITOR = (f"{sys.executable} -m dhcpanalyze report -i {{bridge}} --format json "
           "--save {out}/monitor.pcap")


@pytest.mark.parametrize("scenario", ["seed", "interrupt"])
def test_live_report_equals_offline_report_of_its_saved_capture(scenario, tmp_path):
    reason = lab_unavailable(scenario)
    if reason:
        pytest.skip(reason)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, str(LAB), scenario, "--out", str(out), "--monitor", MONITOR],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    steps = json.loads((out / "scenario.json").read_text())["steps"]
    stopped = next(s for s in steps if s["step"].startswith("monitor stopped"))
    assert stopped["exit_status"] == 0, (out / "monitor.err").read_text()[-2000:]
    live = json.loads((out / "monitor.out").read_text())
    offline = json.loads(subprocess.run(
        [sys.executable, "-m", "dhcpanalyze", "report", "--format", "json", str(out / "monitor.pcap")],
        capture_output=True, text=True, cwd=REPO, timeout=120).stdout)
    for key in ("transactions", "findings", "servers", "leases", "failover"):
        assert live[key] == offline[key], key
    assert live["capture"]["live"]["dropped"] == 0
    assert live["capture"]["live"]["issues"] == []
    assert live["transactions"] and live["failover"]
    reached = {(s["server"], s["state"]) for rel in live["failover"] for s in rel["states"]}
    assert {server for server, state in reached if state == "normal"} == set(live["failover"][0]["peers"])
