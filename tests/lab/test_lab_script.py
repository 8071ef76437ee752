"""The lab script refuses clearly when it cannot run, without touching the network."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .labrun import LAB

CANNOT_RUN = 4


def run_lab(*args: str, path: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(LAB), *args], capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, timeout=60)


def test_refuses_naming_root_or_the_missing_package(tmp_path):
    """Only `ip` on PATH: as root the lab names each missing program and its Debian package;
    as another user it says it needs root first."""
    if shutil.which("ip"):
        (tmp_path / "ip").symlink_to(shutil.which("ip"))
    done = run_lab("relay", "--out", str(tmp_path / "run"), path=str(tmp_path))
    assert done.returncode == CANNOT_RUN
    if os.geteuid() == 0:
        for program, package in (("dhcpd", "isc-dhcp-server"), ("dhclient", "isc-dhcp-client"),
                                 ("dhcrelay", "isc-dhcp-relay"), ("tcpdump", "tcpdump")):
            assert f"{program} (package {package})" in done.stderr
    else:
        assert "needs root" in done.stderr
    assert not (tmp_path / "run").exists()


def test_refuses_a_user_who_is_not_root():
    """As `nobody` (dropped with setpriv when the test runs as root): exit 4, the reason, no files."""
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop root")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    # The checkout and its venv may sit in a directory only root can enter (a `mktemp -d` clone), so
    # `nobody` runs a world-readable copy of the stdlib-only lab with the venv's base interpreter.
    readable = Path(tempfile.mkdtemp(prefix="dha-lab-copy-"))
    try:
        readable.chmod(0o777)
        lab = shutil.copytree(LAB.parent, readable / "lab") / LAB.name
        for path in (lab.parent, *lab.parent.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        out = readable / "run"
        done = subprocess.run([*prefix, os.path.realpath(sys.executable), str(lab), "seed", "--out", str(out)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == CANNOT_RUN, done.stderr
        assert "needs root" in done.stderr
        assert not out.exists()
    finally:
        shutil.rmtree(readable)


def test_usage_error_without_out():
    done = run_lab("seed", path=os.environ.get("PATH", ""))
    assert done.returncode == 2
    assert "--out" in done.stderr
