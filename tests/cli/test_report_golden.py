"""Golden files of every `dhcpanalyze report` format on the real captures.

The committed samples (samples/*.pcap, recorded in the failover lab) and two real corpus captures
(ISC failover with DHCP; Zeek's every-message-type trace) are reported in text, json, jsonl and
csv (every table), and compared with tests/reports/golden/<capture>.<format>.

After an intended change of the engine or a renderer, regenerate and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/cli/test_report_golden.py
    git diff tests/reports/golden/
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from tests.conftest import CORPUS, ROOT, sample_captures
from tests.reports.golden import GOLDEN, check_golden

CORPUS_CAPTURES = ["isc-failover/fo-dhcp.pcap", "zeek/dhcp.pcap"]
FORMATS = [("txt", ["--format", "text"]), ("json", ["--format", "json"]),
           ("jsonl", ["--format", "jsonl"])] + [
    (f"{table}.csv", ["--format", "csv", "--csv-table", table])
    for table in ("transactions", "findings", "leases", "servers")]


def _captures() -> list:
    samples = [pytest.param(f"samples/{p.name}", id=p.stem) for p in sample_captures()]
    if not samples:
        samples = [pytest.param("samples/seed.pcap", id="samples", marks=pytest.mark.skip(
            reason="no samples/*.pcap recorded yet (the lab issue records them)"))]
    corpus = [pytest.param(f"../shared/corpus/{rel}", id=Path(rel).stem, marks=()
                           if (CORPUS / rel).exists() else pytest.mark.skip(
                               reason=f"shared corpus file {rel} not present at {CORPUS}"))
              for rel in CORPUS_CAPTURES]
    return samples + corpus


def _golden_name(capture: str, suffix: str) -> str:
    prefix = "corpus-" if capture.startswith("../") else ""
    return f"{prefix}{Path(capture).stem}.{suffix}"


@pytest.mark.parametrize("suffix, options", FORMATS, ids=[f for f, _ in FORMATS])
@pytest.mark.parametrize("capture", _captures())
def test_golden(capsys, monkeypatch, capture: str, suffix: str, options: list[str]) -> None:
    monkeypatch.chdir(ROOT)                 # the report names its files as given: keep them stable
    monkeypatch.delenv("NO_COLOR", raising=False)
    code = main(["report", *options, "--lb-max-secs", "3", capture])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err
    check_golden(_golden_name(capture, suffix), out)


def test_no_stale_golden_files() -> None:
    """Every golden file belongs to a capture that is still reported (or to the contract)."""
    if not sample_captures():
        pytest.skip("no samples/*.pcap in this checkout: cannot tell stale from missing")
    expected = {_golden_name(p.values[0], f) for p in _captures() for f, _ in FORMATS}
    stale = [p.name for p in GOLDEN.iterdir()
             if not p.name.startswith("contract") and p.name not in expected]
    assert not stale, f"golden files without a capture: {stale}"
