"""A network namespace of the test's own with a veth pair (va <-> vb), for live-capture tests.

Frames are sent into vb with a packet socket and captured on va, so nothing leaves the namespace.
`inside(ns)` moves this thread into the namespace for a moment: a socket opened, or a program
started, in there stays there after the thread has moved back.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
from typing import Iterator

import pytest

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def why_not() -> str | None:
    if os.geteuid() != 0:
        return "live capture tests need root (network namespaces, packet sockets)"
    if not shutil.which("ip"):
        return "live capture tests need iproute2 (ip)"
    return None


def ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True)


@contextmanager
def veth_namespace(tag: str) -> Iterator[str]:
    """A namespace `dhalive-<pid>-<tag>` holding va and vb, both up; removed afterwards."""
    reason = why_not()
    if reason:
        pytest.skip(reason)
    ns = f"dhalive-{os.getpid()}-{tag}"
    ip("netns", "add", ns)
    try:
        ip("-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb")
        for dev in ("va", "vb", "lo"):
            ip("-n", ns, "link", "set", dev, "up")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@contextmanager
def inside(ns: str) -> Iterator[None]:
    """Run the body with this thread in network namespace `ns`."""
    with open("/proc/self/ns/net") as home, open(f"/run/netns/{ns}") as target:
        _setns(target.fileno())
        try:
            yield
        finally:
            _setns(home.fileno())


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def sender(ns: str, dev: str = "vb") -> socket.socket:
    """A packet socket that sends whole Ethernet frames out of `dev` in `ns`."""
    with inside(ns):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind((dev, 0))
    return sock
