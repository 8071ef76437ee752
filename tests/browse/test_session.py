"""The session layer: rows as `packets` prints them, details decoded again from the file, indexes."""
from __future__ import annotations

import gzip
import shutil
import subprocess

import pytest

from dhcpanalyze.browse.loader import End, load
from dhcpanalyze.sources.live import IdleTick
from dhcpanalyze.browse.search import BadFilter
from dhcpanalyze.browse.session import Session
from dhcpanalyze.decode import iter_records
from dhcpanalyze.reports.packets import summary_line

from .conftest import SAMPLES, loaded


def packets_lines(path) -> list[str]:
    records = list(iter_records([str(path)]))
    return [summary_line(r, records[0].ts) for r in records]


@pytest.mark.parametrize("name", ["seed", "many", "relay", "skew", "interrupt"])
def test_rows_are_the_packets_lines(name):
    session = loaded(SAMPLES / f"{name}.pcap")
    expected = packets_lines(SAMPLES / f"{name}.pcap")
    assert [line for _, _, line in session.rows(0, 10**6)] == expected
    assert session.counts.done and session.counts.frames_read > 0


@pytest.mark.parametrize("name", ["seed", "many"])
def test_every_record_decodes_again_from_the_file(name):
    """many.pcap packs several BNDUPDs per TCP segment: those are decoded again too."""
    session = loaded(SAMPLES / f"{name}.pcap")
    lines = packets_lines(SAMPLES / f"{name}.pcap")
    t0 = session.rows_.t0
    for row in range(session.row_count()):
        record = session.record(row)
        assert record is not None and summary_line(record, t0) == lines[row]


def test_gzip_and_pcapng_inputs_decode_again(tmp_path, seed):
    gz = tmp_path / "seed.pcap.gz"
    gz.write_bytes(gzip.compress((SAMPLES / "seed.pcap").read_bytes()))
    inputs = [gz]
    if shutil.which("editcap"):
        ng = tmp_path / "seed.pcapng"
        subprocess.run(["editcap", "-F", "pcapng", str(SAMPLES / "seed.pcap"), str(ng)], check=True)
        inputs.append(ng)
    for path in inputs:
        session = loaded(path)
        last = session.row_count() - 1
        assert summary_line(session.record(last), session.rows_.t0) == seed.rows(last, 1)[0][2]


def test_two_files_number_frames_on_and_decode_again():
    session = loaded(SAMPLES / "seed.pcap", SAMPLES / "skew.pcap")
    seed_rows = loaded(SAMPLES / "seed.pcap").row_count()
    row = seed_rows + 3
    assert session.record(row).frame == session.frame_of(row)
    assert session.frame_of(row) > session.frame_of(seed_rows - 1)


def test_search_by_mac_ip_and_xid(seed):
    seed.set_filter("02:DA:01:00:00:01")
    everything = [line for _, _, line in loaded(SAMPLES / "seed.pcap").rows(0, 10**6)]
    assert seed.row_count() == sum("02:da:01:00:00:01" in line for line in everything) == 17
    seed.set_filter("xid 0xaa85361b")
    assert [line.split()[0] for _, _, line in seed.rows(0, 99)] == ["13", "14", "15", "16"]
    seed.set_filter("192.168.100.12")          # a prefix of .125 is not .125
    assert seed.row_count() == 0
    with pytest.raises(BadFilter):
        seed.set_filter("dhcp and")
    seed.set_filter("")
    assert seed.row_count() == len(everything)


def test_transactions_by_client_and_frame(seed):
    txns = seed.transactions_sorted(client="02:da:01:00:00:01")
    assert [t.kind for t in txns] == ["dora", "release", "dora", "release", "dora"]
    row = seed.row_of_frame(31)                # the secondary's OFFER of the takeover
    assert seed.transaction_of_row(row).server == "192.168.100.3"


def test_ladder_holds_the_binding_update_of_the_lease(seed):
    first = seed.transactions_sorted()[0]
    ladder = seed.ladder([first])
    names = [getattr(s, "type_name", None) or s.msg.msg_type for s in ladder.steps]
    assert names == ["DISCOVER", "OFFER", "REQUEST", "ACK", "BNDUPD", "BNDACK"]
    assert ladder.steps[-1].lag == pytest.approx(2.003, abs=0.001)
    assert ladder.rel is not None and ladder.rel.primary == "192.168.100.2"


def test_idle_ticks_reach_the_engine_and_the_end_finishes():
    """A live source yields records and idle ticks: an open transaction closes on time passing."""
    records = list(iter_records([str(SAMPLES / "seed.pcap")]))[:14]      # up to the first DISCOVER
    session = Session(["live"])
    seen = []

    def live():
        yield from records
        yield IdleTick(records[-1].ts + 600)
        seen.append((session.counts.transactions, session.counts.done))
        yield End(14)

    list(load(session, live()))
    assert seen == [(1, False)]
    lines = packets_lines(SAMPLES / "seed.pcap")[:14]
    assert [line for _, _, line in session.rows(0, 99)] == lines      # kept: nothing to read again
    assert session.counts.done and session.counts.frames_read == 14


def test_a_truncated_capture_loads_what_it_holds_and_says_so(tmp_path):
    cut = tmp_path / "cut.pcap"
    cut.write_bytes((SAMPLES / "seed.pcap").read_bytes()[:-40])
    session = loaded(cut)
    lines = [line for _, _, line in session.rows(0, 10**6)]
    assert "!! " in lines[-1] and "truncated" in lines[-1]
    assert session.counts.done and session.counts.issues
    assert session.record(len(lines) - 2) is not None          # the rows before it read again
