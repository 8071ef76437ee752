"""One real `dhcpanalyze report` process (`python -m dhcpanalyze`), as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, corpus_file


def test_report_subprocess_json_and_exit_code() -> None:
    capture = corpus_file("isc-failover/fo-dhcp.pcap")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "dhcpanalyze", "report", "--format", "json", str(capture)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""                # stderr is no terminal: no progress line
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "dhcpanalyze.report/1"
    assert doc["capture"]["files"] == [str(capture)]
    assert doc["transactions"] and doc["servers"]


def test_report_is_the_same_whatever_the_hash_seed() -> None:
    # Python randomises string hashes per process, so a set's order differs from run to run; with
    # seeds 0 and 2 the servers of this capture once came out in two orders. A script diffing two
    # reports of the same file must see none.
    capture = corpus_file("isc-failover/fo-capture.pcap")
    outputs = []
    for seed in ("0", "2"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "dhcpanalyze", "report", "--format", "json", str(capture)],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert [s["ip"] for s in json.loads(outputs[0])["servers"]]     # the list the order is about
