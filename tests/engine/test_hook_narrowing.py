"""Each check declares which DHCP messages and failover events it looks at, and the engine calls it
only for those (for speed). A declaration narrower than what the check acts on would silently lose
findings: with every check called for everything, every capture gives the same output."""
from __future__ import annotations

from pathlib import Path

import pytest

import dhcpanalyze.engine.core as core
from dhcpanalyze.engine import EngineSettings
from dhcpanalyze.model import TcpEvent
from tests.conftest import corpus_captures, sample_captures


from .helpers import P, S, dhcp, pair_up, run_files, run_records


@pytest.mark.parametrize("path", sample_captures() + corpus_captures(), ids=lambda p: p.name)
def test_declared_hooks_lose_nothing(path: Path, monkeypatch) -> None:
    narrowed = run_files([path])
    monkeypatch.setattr(core, "wants_dhcp", lambda check, key: True)
    monkeypatch.setattr(core, "wants_failover", lambda check, kind: True)
    everything = run_files([path])
    assert (narrowed.transactions, narrowed.findings, narrowed.summary) == \
           (everything.transactions, everything.findings, everything.summary)


def _edge_records() -> list:
    """What the captures lack: a failover stream with a gap, byte-swapped secs on every client type."""
    gap = TcpEvent(frame=20, ts=1001.0, src=P, sport=40000, dst=S, dport=647, kind="gap",
                   detail="7 bytes missing from the capture; skipped 30 bytes to the next message header")
    swapped = [dhcp(30 + i, 1002.0 + i, "0.0.0.0", "255.255.255.255", mtype, 0x700 + i,
                    f"02:00:00:00:00:0{i}", secs=0x0300) for i, mtype in enumerate(("DISCOVER", "REQUEST"))]
    return pair_up() + [gap] + swapped


def test_declared_hooks_lose_nothing_on_the_edge_cases(monkeypatch) -> None:
    settings = EngineSettings(lb_max_secs=3)
    narrowed = run_records(_edge_records(), settings)
    messages = [f["message"] for f in narrowed.findings]
    assert any("failover stream from 10.0.0.2: bytes lost" in m for m in messages), messages
    assert sum(f["code"] == "dhcp.secs-byte-order" for f in narrowed.findings) >= 1
    monkeypatch.setattr(core, "wants_dhcp", lambda check, key: True)
    monkeypatch.setattr(core, "wants_failover", lambda check, kind: True)
    everything = run_records(_edge_records(), settings)
    assert (narrowed.transactions, narrowed.findings) == (everything.transactions, everything.findings)
