"""What `dhcpanalyze report` does differently on a terminal: colour, width, progress on stderr."""
from __future__ import annotations

import io
import sys

import pytest

from dhcpanalyze.cli import main
from dhcpanalyze.reports.progress import Progress
from tests.conftest import corpus_file


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch) -> FakeTerminal:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "90")        # not WRAP_PIPE (100): the width must come from here
    return FakeTerminal()


def report_on(terminal: FakeTerminal, *argv: str) -> str:
    # set here, not in the fixture: pytest puts its own capture back when the test body starts
    real, sys.stdout = sys.stdout, terminal
    try:
        assert main(["report", *argv]) == 0
    finally:
        sys.stdout = real
    return terminal.getvalue()


def test_colour_on_a_terminal(terminal) -> None:
    out = report_on(terminal, str(corpus_file("zeek/dhcp.pcap")))
    assert "\x1b[1mCapture\x1b[0m" in out
    assert "\x1b[33;1mWARNING\x1b[0m" in out          # the NAK of this trace is a warning


def test_no_colour_with_the_flag_or_no_color(terminal, monkeypatch) -> None:
    capture = str(corpus_file("zeek/dhcp.pcap"))
    assert "\x1b" not in report_on(terminal, "--no-color", capture)
    terminal.seek(0)
    terminal.truncate()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in report_on(terminal, capture)


def test_no_colour_in_a_pipe(capsys) -> None:
    assert main(["report", str(corpus_file("zeek/dhcp.pcap"))]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_terminal_width_is_used(terminal) -> None:
    out = report_on(terminal, "--no-color", str(corpus_file("zeek/dhcp.pcap")))
    assert max(len(line) for line in out.splitlines()) <= 90


def test_progress_only_on_a_terminal() -> None:
    tty, pipe = FakeTerminal(), io.StringIO()
    for stream in (tty, pipe):
        progress = Progress(stream)
        assert sum(1 for _ in progress.watch(range(5000))) == 5000
        progress.done()
    assert pipe.getvalue() == ""
    assert "reading: frame ?, 256 DHCP/failover records" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[K")          # the line is erased at the end
