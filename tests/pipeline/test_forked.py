"""Decoding in a second process (`report --jobs 2`, the default with two CPUs) changes nothing a
user sees: the same records, the same report, the same errors, and no process left behind."""
from __future__ import annotations

import gzip
import io
import marshal
import os
import signal
import struct
import sys
from pathlib import Path

import pytest

from dhcpanalyze import forked
from dhcpanalyze.cli import main
from dhcpanalyze.decode import CaptureError, DecodeOptions, Decoder
from dhcpanalyze.exitcodes import Exit
from dhcpanalyze.forked import DecoderProcessError, DecoderProcessLost, ForkedDecoder, default_jobs
from dhcpanalyze.engine.wireview import fo_options
from dhcpanalyze.model import DhcpRecord, FailoverRecord
from dhcpanalyze.recordpack import pack, unpack
from dissectors.dhcp import decode_dhcp
from tests.conftest import corpus_captures, sample_captures

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")

CAPTURES = sample_captures() + corpus_captures()


def children() -> set[int]:
    """This process's live child processes, from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(pid) for pid in text)
    return found


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
def test_same_records_from_the_second_process(path: Path) -> None:
    opts = DecodeOptions(keep_raw=True)         # raw frames too: everything a record carries
    here, there = Decoder(opts), ForkedDecoder(opts)
    expected, got = list(here.records([str(path)])), list(there.records([str(path)]))
    assert got == expected                      # dataclass equality: same class and fields
    assert there.frames_read == here.frames_read
    # and the engine reads the same options by name from the rebuilt failover messages
    assert [fo_options(r.msg) for r in got if type(r) is FailoverRecord] == \
        [fo_options(r.msg) for r in expected if type(r) is FailoverRecord]
    assert all(r.msg.by_name is not None for r in got if type(r) is FailoverRecord)


def test_usual_failover_messages_cross_the_pipe_as_codes_and_by_name() -> None:
    """A resync's messages repeat a few layouts: most cross as (codes, by_name) with no option made,
    and come back equal to what the decoder gave, options and all."""
    from dhcpanalyze import recordpack
    from tests.conftest import SAMPLES
    records = [r for r in Decoder(DecodeOptions()).records([str(SAMPLES / "resync.pcap")])
               if type(r) is FailoverRecord]
    packed = [pack(r) for r in records]
    laid = [item for item in packed if item[0] == recordpack._FAILOVER_LAID]
    assert len(laid) > 0.9 * len(packed)
    back = [unpack(marshal.loads(marshal.dumps(item))) for item in packed]
    assert back == records
    assert [fo_options(r.msg) for r in back] == [fo_options(r.msg) for r in records]


def test_packing_keeps_option_values_and_issues() -> None:
    """Values are not sent: the receiving side decodes them again from the bytes, so one the
    dissector could not decode (kept as hex, with an issue) must come back as the same hex."""
    payload = bytes(236) + b"\x63\x82\x53\x63" + b"\x35\x01\x05\x33\x03\x00\x00\x10\x13\x01\x07\xff"
    record = DhcpRecord(7, 1.5, "10.0.0.1", 67, "10.0.0.9", 68, decode_dhcp(payload))
    back = unpack(pack(record))
    assert [o.value for o in back.msg.options] == ["ACK", "000010", "07"]
    assert back.msg.issues == record.msg.issues == ["option 51 (dhcp-lease-time) length 3, expected 4",
                                                     "option 19 (ip-forwarding) value 7 is not 0 or 1"]
    assert back == record


def report(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_report_is_the_same_with_one_or_two_processes(capsys, fmt: str) -> None:
    files = [str(p) for p in sample_captures()]          # several files: frame numbers run on
    one = report(capsys, "--format", fmt, "--jobs", "1", "--no-color", *files)
    two = report(capsys, "--format", fmt, "--jobs", "2", "--no-color", *files)
    assert one == two
    assert one[0] == Exit.OK and one[1].count("\n") > 100


def test_truncated_capture_warns_and_reports_with_two_processes(capsys, tmp_path: Path) -> None:
    data = (Path(__file__).parents[2] / "samples" / "seed.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:len(data) - 7])
    code, out, err = report(capsys, "--format", "jsonl", "--jobs", "2", str(cut))
    assert code == Exit.OK
    assert "the capture ends mid-packet" in err and "Traceback" not in err
    assert '"record": "transaction"' in out


def test_stdin_that_is_not_a_capture_exits_3_from_the_second_process(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello, not a pcap\n")))
    code, out, err = report(capsys, "--jobs", "2", "-")
    assert (code, out) == (Exit.UNREADABLE, "")
    assert err == "dhcpanalyze report: -: not a pcap or pcapng capture (starts with 68656c6c)\n"


def test_gzipped_stdin_with_two_processes(capsys, monkeypatch) -> None:
    data = gzip.compress((Path(__file__).parents[2] / "samples" / "relay.pcap").read_bytes())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _err = report(capsys, "--format", "jsonl", "--jobs", "2", "-")
    assert code == Exit.OK and '"relay": "192.168.' in out


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to list child processes")
def test_stopping_early_leaves_no_process_behind() -> None:
    before = children()
    records = ForkedDecoder(DecodeOptions()).records([str(p) for p in sample_captures()])
    next(records)
    assert len(children() - before) == 1           # the decoding process is running
    records.close()                                 # the consumer gives up (e.g. `| head`)
    assert children() == before


def test_a_decoder_bug_is_reported_not_hidden(monkeypatch) -> None:
    def broken(self, path):
        raise ZeroDivisionError("boom")
        yield
    monkeypatch.setattr(Decoder, "read", broken)
    with pytest.raises(DecoderProcessError, match="ZeroDivisionError: boom"):
        list(ForkedDecoder(DecodeOptions()).records([str(sample_captures()[0])]))


def test_a_killed_decoding_process_is_one_clear_line_and_exit_3(capsys, monkeypatch) -> None:
    def killed(self, path):             # what the OOM killer does to the child mid-capture
        os.kill(os.getpid(), signal.SIGKILL)
        yield
    monkeypatch.setattr(Decoder, "read", killed)
    code, out, err = report(capsys, "--jobs", "2", str(sample_captures()[0]))
    assert code == Exit.UNREADABLE
    assert err.startswith("dhcpanalyze report: the decoding process (pid ")
    assert "ended without finishing: killed by signal 9 (SIGKILL); the report is incomplete" in err
    assert "Traceback" not in err


def test_a_child_killed_in_the_middle_of_a_batch_is_lost_not_a_marshal_error(monkeypatch) -> None:
    import dhcpanalyze.forked as forked

    def half_then_die(pipe, message):   # a batch is bigger than the pipe: a kill can split it
        data = marshal.dumps(message)
        pipe.write(struct.pack("!I", len(data)) + data[:len(data) // 2])
        pipe.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    monkeypatch.setattr(forked, "_send", half_then_die)
    with pytest.raises(DecoderProcessLost, match="killed by signal 9"):
        list(ForkedDecoder(DecodeOptions()).records([str(sample_captures()[0])]))


def test_records_before_a_capture_error_still_arrive(tmp_path: Path) -> None:
    paths = [str(sample_captures()[0]), str(tmp_path / "gone.pcap")]
    expected: list = []
    with pytest.raises(CaptureError):
        for record in Decoder(DecodeOptions()).records(paths):
            expected.append(record)
    got: list = []
    with pytest.raises(CaptureError, match="No such file or directory"):
        for record in ForkedDecoder(DecodeOptions()).records(paths):
            got.append(record)
    assert len(expected) > 10 and got == expected


def test_a_finished_child_is_waited_for_not_killed(monkeypatch) -> None:
    kills: list = []
    real_kill = os.kill
    monkeypatch.setattr(os, "kill", lambda pid, sig: kills.append(sig) or real_kill(pid, sig))
    for _ in range(5):
        list(ForkedDecoder(DecodeOptions()).records([str(p) for p in sample_captures()]))
    assert kills == []


def test_a_missing_file_is_a_capture_error_in_the_second_process(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="No such file or directory"):
        list(ForkedDecoder(DecodeOptions()).records([str(tmp_path / "gone.pcap")]))


def test_default_uses_two_processes_only_with_two_cpus(monkeypatch) -> None:
    monkeypatch.setattr(forked, "_runnable_now", lambda: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.5, 0.5), raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert default_jobs() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert default_jobs() == 2


def test_default_uses_one_process_when_the_cpus_are_busy(monkeypatch) -> None:
    """The second process costs extra CPU to hand records over; on busy CPUs it only slows the
    report down (the failover benchmark mix, BENCHMARKS.md)."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(forked, "_runnable_now", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.5, 1.0, 1.0), raising=False)
    assert default_jobs() == 1
    monkeypatch.setattr(os, "getloadavg", lambda: (0.9, 1.0, 1.0), raising=False)
    assert default_jobs() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (5.0, 5.0, 5.0), raising=False)
    assert default_jobs() == 2          # at most two processes: an idle CPU of eight is enough


def test_default_sees_cpus_freed_a_moment_ago(monkeypatch) -> None:
    """The load average counts a job that ended within the last minute (the benchmark's previous
    command took it to 1.5 on two CPUs): when nothing else is runnable now, a CPU is idle."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.5, 1.0, 1.0), raising=False)
    monkeypatch.setattr(forked, "_runnable_now", lambda: 0)
    assert default_jobs() == 2
    monkeypatch.setattr(forked, "_runnable_now", lambda: 1)
    assert default_jobs() == 2          # the same bound as the average's: at most CPUs - 1
    monkeypatch.setattr(forked, "_runnable_now", lambda: 2)
    assert default_jobs() == 1


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="no /proc/loadavg (not Linux)")
def test_runnable_now_counts_a_busy_process() -> None:
    """/proc/loadavg is read (an int, not None) and a process spinning on a CPU is counted."""
    import subprocess
    import time
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        seen = []
        for _ in range(20):
            seen.append(forked._runnable_now())
            time.sleep(0.01)
    finally:
        busy.kill()
        busy.wait()
    assert all(isinstance(n, int) for n in seen)
    assert max(seen) >= 1


def test_jobs_must_be_positive(capsys) -> None:
    code, out, err = report(capsys, "--jobs", "0", "x.pcap")
    assert (code, out) == (Exit.USAGE, "")
    assert "argument -j/--jobs: must be 1 or more: 0" in err
