"""The failover index on the failover-heavy mix (benchmarks/make_capture.build_resync: pairs resyncing,
one BNDUPD and one BNDACK per address): what it keeps per message, and that what it keeps is what
the file says.

A 1M-packet capture of that mix carries ~1M failover messages; the TUI's budget is 300 MB in all, so
the browsing session must hold each message in a few dozen bytes, not in an object per message."""
from __future__ import annotations

import gc
import sys
import tracemalloc

import pytest

from dhcpanalyze.browse.rows import FAILOVER
from dhcpanalyze.model import FailoverRecord

from tests.conftest import ROOT, SAMPLES

from .conftest import loaded

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_capture  # noqa: E402

BYTES_PER_MESSAGE = 128      # the whole session's memory (engine, rows, indexes) per failover message


@pytest.fixture(scope="module")
def resync(tmp_path_factory):
    out = tmp_path_factory.mktemp("fo") / "resync-mix.pcap"
    make_capture.build_resync([str(SAMPLES / "resync.pcap")], out, 6000, share=0.5, relationships=4)
    return out


def test_a_failover_message_costs_the_session_a_few_dozen_bytes(resync):
    gc.collect()
    tracemalloc.start()
    try:
        session = loaded(resync)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    messages = session.rows_.kinds.count(FAILOVER)
    assert messages > 30_000
    # measured: 86 bytes (55 of them the failover index); an object per message took 247
    assert held / messages <= BYTES_PER_MESSAGE, f"{held / messages:.0f} bytes per failover message"
    assert len(session.fo) == messages


@pytest.fixture(scope="module")
def session(resync):
    return loaded(resync)


def test_the_index_says_what_the_file_says(session):
    fo = session.fo
    rows = [r for r in range(len(session.rows_)) if session.rows_.kinds[r] == FAILOVER]
    assert len(rows) == len(fo)
    for i in range(0, len(fo), len(fo) // 40):
        record = session.record(rows[i])
        assert isinstance(record, FailoverRecord)
        m = fo.message(i)
        assert (m.frame, m.ts, m.src, m.dst, m.type_name, m.xid) == (
            record.frame, record.ts, record.src, record.dst, record.msg.type_name, record.msg.xid)


def test_every_update_is_paired_with_its_ack(session):
    """Each resync BNDUPD is BNDACKed by the peer (but those the capture's end cut off): every BNDACK
    has the address and a lag, and the BNDUPDs outstanding never exceed what a peer sends a wave."""
    fo = session.fo
    acks = [fo.message(i) for i in range(len(fo)) if fo.message(i).type_name == "BNDACK"]
    updates = [fo.message(i) for i in range(len(fo)) if fo.message(i).type_name == "BNDUPD"]
    assert len(acks) > 10_000 and 0 <= len(updates) - len(acks) <= 150
    assert all(a.ip and a.lag is not None and 0 <= a.lag < 5 for a in acks)
    assert max(m.outstanding for m in updates + acks) <= 150
    for rel in session.relationships():
        tl = session.timeline(rel)
        assert sum(1 for _ in tl.lags()) == sum(1 for a in acks if {a.src, a.dst} <= rel.peers) > 0
    ack = acks[-1]
    binding = fo.bindings(ack.ip, ack.ts - ack.lag, ack.ts)        # what the ladder shows of the address
    assert ack in binding and any(m.type_name == "BNDUPD" and m.xid == ack.xid
                                  and (m.src, m.dst) == (ack.dst, ack.src) for m in binding)
