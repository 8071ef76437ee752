"""`-i IFACE` on the command line: usage errors, -D, and failures as one line with exit 3
(no privilege — tried as the user nobody —, an unknown interface); then a real run in a namespace
ended by Ctrl-C, whose report is that of the file it saved."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from dhcpanalyze.cli import main
from dhcpanalyze.exitcodes import Exit
from tests.conftest import SAMPLES
from tests.sources.frames import sample_frames
from tests.sources.netns import sender, veth_namespace

CLI = [sys.executable, "-m", "dhcpanalyze"]
BACKENDS = ["dumpcap", "tcpdump", "socket"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, complaint", [
    (["report", "-i", "lo", "x.pcap"], "FILE... or -i IFACE, not both"),
    (["packets", "--save", "x.pcap", "y.pcap"], "--save needs -i IFACE"),
    (["report", "-f", "udp", "y.pcap"], "-f needs -i IFACE"),
    (["report", "--duration", "3", "y.pcap"], "--duration needs -i IFACE"),
    (["report", "-i", "lo", "--ring", "files:3,filesize:1"], "--ring needs --save FILE"),
    (["report", "-i", "lo", "--ring", "files:3"], "both files:N and filesize:MB"),
    (["report", "-i", "lo", "--count", "0"], "must be 1 or more"),
    (["packets"], "give FILE..."),
])
def test_live_usage_errors_exit_2(capsys, argv, complaint):
    code, out, err = run(capsys, *argv)
    assert code == Exit.USAGE
    assert out == "" and complaint in err


def test_list_interfaces_names_loopback(capsys):
    code, out, _ = run(capsys, "packets", "-D")
    assert code == Exit.OK
    assert any(line.split(". ", 1)[-1].startswith("lo") for line in out.splitlines())


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_privilege_is_one_line_exit_3(backend):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run the command as the user nobody")
    if backend != "socket" and not shutil.which(backend):
        pytest.skip(f"{backend} is not installed")
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*as_nobody, sys.executable, "-c", "import dhcpanalyze.cli"],
                      capture_output=True, cwd="/").returncode != 0:
        pytest.skip("the user nobody cannot read this checkout (a parent folder is private, "
                    "as mktemp -d makes it): clone it under a readable folder to run this test")
    done = subprocess.run([*as_nobody, *CLI, "report", "-i", "lo", "--capture-backend", backend],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == Exit.UNREADABLE, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    for needed in ("CAP_NET_RAW", "wireshark", "setcap", "dumpcap"):
        assert needed in lines[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_interface_is_one_line_exit_3(backend):
    if os.geteuid() != 0:
        pytest.skip("needs root (without it the first complaint is the privilege)")
    if backend != "socket" and not shutil.which(backend):
        pytest.skip(f"{backend} is not installed")
    done = subprocess.run([*CLI, "packets", "-i", "nosuch0", "--capture-backend", backend],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == Exit.UNREADABLE
    assert done.stderr.splitlines() == ["dhcpanalyze packets: no interface named 'nosuch0' (-D lists them)"]


@pytest.mark.parametrize("backend", ["dumpcap", "socket"])
def test_ctrl_c_ends_a_live_report_like_the_end_of_its_saved_file(backend, tmp_path):
    """The first Ctrl-C is the normal end: report of what was seen, exit by --fail-on."""
    if backend != "socket" and not shutil.which(backend):
        pytest.skip(f"{backend} is not installed")
    frames = sample_frames(SAMPLES / "seed.pcap")
    saved = tmp_path / "saved.pcap"
    with veth_namespace(f"c{backend[:3]}") as ns:
        proc = subprocess.Popen(["ip", "netns", "exec", ns, *CLI, "report", "-i", "va", "--format",
                                 "json", "--capture-backend", backend, "--save", str(saved),
                                 "--fail-on", "warning"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for_pcap_header(saved)
            out = sender(ns)
            for frame in frames:
                out.send(frame)
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert stdout, stderr
    live = json.loads(stdout)
    offline = json.loads(subprocess.run([*CLI, "report", "--format", "json", str(saved)],
                                        capture_output=True, text=True, check=False).stdout)
    assert proc.returncode == (Exit.FINDINGS if offline["findings"] else Exit.OK), stderr
    assert live["capture"]["live"]["packets"] == sum(f[12:14] == b"\x08\x00" for f in frames)
    assert live["capture"]["live"]["dropped"] == 0
    for key in ("transactions", "findings", "failover", "servers", "leases"):
        assert live[key] == offline[key], key
    assert live["transactions"]


def _wait_for_pcap_header(path, timeout: float = 15) -> None:
    """--save writes the pcap header once the capture has started."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_size >= 24):
        if time.monotonic() > deadline:
            raise AssertionError("the capture did not start")
        time.sleep(0.05)
