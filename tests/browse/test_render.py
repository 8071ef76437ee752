"""Text goldens of the pure renderers on the real samples (no app): what each view prints.

Regenerate after a deliberate change with DHCPANALYZE_GOLDEN=write and read the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.console import Console

from dhcpanalyze.browse import flow, render

from .conftest import SAMPLES, loaded

GOLDEN = Path(__file__).parent / "golden"


def plain(lines) -> str:
    console = Console(width=160, color_system=None, record=True, file=open(os.devnull, "w"))
    for line in lines:
        console.print(line, crop=True, overflow="crop", no_wrap=True)
    return "\n".join(l.rstrip() for l in console.export_text().splitlines()) + "\n"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DHCPANALYZE_GOLDEN") == "write":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def ladder_text(session, txns) -> str:
    ladder = session.ladder(txns)
    return plain(flow.ladder_header(ladder) + flow.lane_titles(ladder, flow.lanes_of(ladder))
                 + flow.ladder_lines(ladder))


def test_ladder_of_the_seed_client():
    s = loaded(SAMPLES / "seed.pcap")
    check("ladder-seed-client.txt", ladder_text(s, s.transactions_sorted(client="02:da:01:00:00:01")))


def test_ladder_through_the_relay():
    s = loaded(SAMPLES / "relay.pcap")
    check("ladder-relay.txt", ladder_text(s, s.transactions_sorted()[:1]))


@pytest.mark.parametrize("name", ["seed", "skew", "interrupt"])
def test_failover_view(name):
    s = loaded(SAMPLES / f"{name}.pcap")
    lines = [line for rel in s.relationships() for line in flow.failover_view(s.timeline(rel), 120)]
    check(f"failover-{name}.txt", plain(lines))


def test_transactions_leases_findings_of_many():
    s = loaded(SAMPLES / "many.pcap")
    lines = [render.transaction_header(), *map(render.transaction_row, s.transactions_sorted()[:12]),
             render.lease_header(), *map(render.lease_row, s.leases()[:12]),
             *render.findings_view(s.findings_grouped())]
    f = s.findings_grouped()[0][2][0]
    check("tables-many.txt", plain(lines) + plain([render.finding_detail(f)]))


def test_packet_details_and_hex():
    s = loaded(SAMPLES / "seed.pcap")
    record = s.record(s.row_of_frame(29))          # the ICMP error quoting the RELEASE
    check("packet-29.txt", plain([render.detail_text(record, s.rows_.t0), render.hex_text(record.raw)]))


def test_ladder_header_says_when_the_other_peer_served():
    from dhcpanalyze.browse.session import Ladder
    from dhcpanalyze.engine.transactions import Transaction

    txn = Transaction(kind="dora", xid=7, mac="02:00:00:00:00:07", client_id=None, start=0.0, end=1.0,
                      server="10.0.0.3", expected_server="10.0.0.2", outcome="ack")
    header = flow.ladder_header(Ladder([txn], [], None))[0].plain
    assert "designated by split 10.0.0.2  served by 10.0.0.3 (not the designated peer)" in header
    txn.server = "10.0.0.2"
    assert "not the designated" not in flow.ladder_header(Ladder([txn], [], None))[0].plain
