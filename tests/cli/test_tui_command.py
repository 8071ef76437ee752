"""`dhcpanalyze tui` and `dhcpanalyze FILE...`: which words open the TUI, and what stays a command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dhcpanalyze.cli import main, with_default_command


def test_a_file_without_command_opens_the_tui():
    assert with_default_command(["samples/seed.pcap"]) == ["tui", "samples/seed.pcap"]
    assert with_default_command(["a.pcap", "b.pcap"]) == ["tui", "a.pcap", "b.pcap"]


def test_commands_and_options_stay_as_they_are():
    assert with_default_command(["report", "x.pcap"]) == ["report", "x.pcap"]
    assert with_default_command(["packets", "-V", "x.pcap"]) == ["packets", "-V", "x.pcap"]
    assert with_default_command(["--help"]) == ["--help"]
    assert with_default_command([]) == []


def test_a_file_named_like_a_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert with_default_command(["report"]) == ["report"]            # no such file: the command
    (tmp_path / "report").write_bytes(b"")
    assert with_default_command(["report"]) == ["tui", "report"]     # alone and a file: open it
    assert with_default_command(["report", "x.pcap"]) == ["report", "x.pcap"]


def test_unreadable_inputs_fail_before_the_screen_opens(tmp_path, capsys):
    assert main(["tui", str(tmp_path / "missing.pcap")]) == 3
    assert main([str(tmp_path / "missing.pcap")]) == 3
    assert main(["tui", "-"]) == 2
    assert "not a capture from stdin" in capsys.readouterr().err


def test_help_still_works(capsys):
    assert main(["--help"]) == 0
    assert "tui" in capsys.readouterr().out


def test_report_and_the_browse_layer_do_not_import_textual():
    seed = Path(__file__).resolve().parents[2] / "samples" / "seed.pcap"
    code = ("import sys, dhcpanalyze.cli, dhcpanalyze.browse.session, dhcpanalyze.browse.flow;"
            f"from dhcpanalyze.cli import main; main(['report', {str(seed)!r}]);"
            "assert 'textual' not in sys.modules, 'textual imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
