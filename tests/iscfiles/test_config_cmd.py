"""`dhcpanalyze config`: the lint rules on the lab's pair broken one way at a time, and the output
contract (formats, --fail-on, exit codes). Each broken file is the lab's real config with one edit."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from tests.conftest import SAMPLES

PRIMARY = SAMPLES / "seed" / "dhcpd-primary.conf"
SECONDARY = SAMPLES / "seed" / "dhcpd-secondary.conf"
pytestmark = pytest.mark.skipif(not PRIMARY.exists(), reason="samples/seed not committed")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["config", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def findings(capsys, *files) -> list[dict]:
    code, out, err = run(capsys, "--format", "json", *files)
    assert code == 0, err
    return json.loads(out)["findings"]


def edited(tmp_path: Path, source: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = source.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def codes(found: list[dict]) -> list[str]:
    return sorted(f["code"] for f in found)


def test_the_labs_pair_is_clean(capsys):
    assert findings(capsys, PRIMARY, SECONDARY) == []


# One edit of the lab's pair each -> the finding, the line it points at, dhcpd's own log line.
BROKEN = {
    "split on both": ("s", ("  secondary;\n", "  secondary;\n  split 128;\n"),
                      "config.secondary-load-balance", 11,
                      "secondary may not define load balance settings."),
    "no split on the primary": ("p", ("  split 128;\n", ""), "config.primary-needs-split", 9,
                                "primary failover server must have hba or split."),
    "mclt 0 on the primary": ("p", ("mclt 60;", "mclt 0;"), "config.primary-needs-mclt", 9,
                              "primary failover server must have mclt."),
    "mismatched names": ("s", ('"FAILOVER" {', '"FAILOVER-2" {'), "config.name-mismatch", 9,
                         ["Failover CONNECT from FAILOVER: unknown failover relationship name",
                          "Connection rejected, invalid failover partner."]),
    "crossed ports": ("s", ("  peer port 647;", "  peer port 648;"), "config.port-mismatch", 14, None),
    "wrong peer address": ("p", ("peer address 192.168.100.3", "peer address 192.168.100.4"),
                           "config.address-mismatch", 13, "failover: listener: no matching state"),
    "two primaries": ("s", ("  secondary;\n", "  primary;\n  mclt 60;\n  split 128;\n"),
                      "config.same-role", 10, None),
    "max-response-delay differs": ("s", ("max-response-delay 10", "max-response-delay 30"),
                                   "config.max-response-delay-mismatch", 15, None),
    "max-unacked differs": ("s", ("max-unacked-updates 10", "max-unacked-updates 20"),
                            "config.max-unacked-mismatch", 16, None),
    "lb max secs differs": ("s", ("load balance max seconds 3", "load balance max seconds 5"),
                            "config.lb-max-secs-mismatch", 17, None),
    "pool without failover": ("p", ('    failover peer "FAILOVER";\n', ""),
                              "config.pool-without-failover", 23, None),
    "ranges differ": ("s", ("192.168.100.199", "192.168.100.150"), "config.pool-mismatch", 21, None),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_each_broken_rule_is_found_where_it_is_written(capsys, tmp_path, case):
    side, edit, code, line, isc_log = BROKEN[case]
    primary = edited(tmp_path, PRIMARY, "p.conf", edit) if side == "p" else PRIMARY
    secondary = edited(tmp_path, SECONDARY, "s.conf", edit) if side == "s" else SECONDARY
    found = [f for f in findings(capsys, primary, secondary) if f["code"] == code]
    assert len(found) >= 1, codes(findings(capsys, primary, secondary))
    f = found[0]
    edited_file = str(primary if side == "p" else secondary)
    assert (f["file"], f["line"]) == (edited_file, line)
    assert f["fix"] and f["isc_log"] == isc_log
    assert f["severity"] in ("error", "warning")


def test_omitted_timers_get_isc_defaults(capsys, tmp_path):
    secondary = edited(tmp_path, SECONDARY, "s.conf", ("  max-response-delay 10;\n", ""),
                       ("  max-unacked-updates 10;\n", ""))
    code, out, _ = run(capsys, "--format", "json", PRIMARY, secondary)
    doc = json.loads(out)
    peer = doc["peers"][1]
    assert (peer["max_response_delay"], peer["max_unacked_updates"]) == (20, 100)
    assert {"max_response_delay", "max_unacked_updates"} <= set(peer["defaults"])
    messages = {f["code"]: f["message"] for f in doc["findings"]}
    assert "10 on" in messages["config.max-response-delay-mismatch"]
    assert "20 on" in messages["config.max-response-delay-mismatch"]
    assert codes(doc["findings"]).count("config.default") == 2


def test_fail_on_and_exit_codes(capsys, tmp_path):
    secondary = edited(tmp_path, SECONDARY, "s.conf", ("  secondary;\n", "  secondary;\n  split 9;\n"))
    assert run(capsys, PRIMARY, secondary)[0] == 0
    assert run(capsys, "--fail-on", "error", PRIMARY, secondary)[0] == 1
    assert run(capsys, "--fail-on", "error", PRIMARY, SECONDARY)[0] == 0
    code, _, err = run(capsys, PRIMARY, tmp_path / "missing.conf")
    assert code == 3 and "missing.conf" in err
    assert run(capsys, PRIMARY, SECONDARY, PRIMARY)[0] == 2


def test_a_capture_given_for_a_config_is_one_line_and_exit_3(capsys):
    """A pcap named where a dhcpd.conf or dhcpd.leases belongs (an easy slip at the prompt) is said
    in one line, not read as ISC syntax into dozens of syntax errors with exit 0."""
    for argv in (["config", str(SAMPLES / "seed.pcap")], ["leases", str(SAMPLES / "seed.pcap")],
                 ["report", str(SAMPLES / "seed.pcap"), "--config", str(SAMPLES / "seed.pcap")]):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 3 and out == "", argv
        assert err.count("\n") == 1 and "binary file" in err and "seed.pcap" in err, argv


def test_text_shows_file_line_fix_and_isc_log(capsys, tmp_path):
    primary = edited(tmp_path, PRIMARY, "p.conf", ("  split 128;\n", ""))
    code, out, _ = run(capsys, primary)
    assert f"{primary}:9" in out and "config.primary-needs-split" in out
    assert "Fix: add `split 128;`" in out
    assert "ISC log: primary failover server must have hba or split." in out


def test_csv_and_jsonl_carry_the_same_findings(capsys, tmp_path):
    primary = edited(tmp_path, PRIMARY, "p.conf", ("  split 128;\n", ""))
    _, out, _ = run(capsys, "--format", "csv", primary)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["code"], r["file"], r["line"]) for r in rows] == [
        ("config.primary-needs-split", str(primary), "9")]
    _, out, _ = run(capsys, "--format", "jsonl", primary)
    records = [json.loads(x) for x in out.splitlines()]
    assert [r["record"] for r in records] == ["peer", "pool", "finding"]
    assert {r["schema"] for r in records} == {"dhcpanalyze.config/1"}


def test_a_broken_file_gives_positions_and_the_rest_is_still_checked(capsys, tmp_path):
    primary = edited(tmp_path, PRIMARY, "p.conf", ("max-lease-time 3600;", 'max-lease-time "3600;'),
                     ("  split 128;\n", ""))
    found = findings(capsys, primary)
    syntax = [f for f in found if f["code"] == "config.syntax"]
    assert syntax and syntax[0]["line"] == 7 and syntax[0]["column"] == 16
    assert "config.primary-needs-split" in codes(found)


def test_binary_garbage_is_findings_not_a_traceback(capsys, tmp_path):
    path = tmp_path / "garbage.conf"
    path.write_bytes(bytes(range(1, 256)) * 4 + b'"\x1b[31m')      # no NUL: read as text
    code, out, err = run(capsys, path)
    assert code == 0 and "\x1b[31m" not in out and "config.syntax" in out
    path.write_bytes(bytes(range(256)) * 4 + b'"\x1b[31m')         # NUL: not dhcpd's text at all
    code, out, err = run(capsys, path)
    assert code == 3 and out == "" and "binary file" in err and "\x1b" not in err


def test_every_file_finding_code_is_documented():
    from dhcpanalyze.iscfiles.findings import CATALOG
    readme = (SAMPLES.parent / "README.md").read_text()
    assert [code for code in CATALOG if f"`{code}`" not in readme] == []


def test_two_relationships_are_paired_by_name(capsys, tmp_path):
    """A server in two relationships: each is checked against its namesake in the other file."""
    second = ('failover peer "OTHER" {\n  primary;\n  address 192.168.100.2;\n'
              '  peer address 192.168.100.7;\n  mclt 60;\n  split 128;\n}\n'
              'subnet 10.9.9.0 netmask 255.255.255.0 {\n  pool {\n    failover peer "OTHER";\n'
              '    range 10.9.9.10 10.9.9.20;\n  }\n}\n')
    primary = tmp_path / "p.conf"
    primary.write_text(second + PRIMARY.read_text())
    secondary = edited(tmp_path, SECONDARY, "s.conf", ("max-unacked-updates 10", "max-unacked-updates 20"))
    found = findings(capsys, primary, secondary)
    assert [(f["code"], f["relationship"]) for f in found if f["severity"] != "info"] == [
        ("config.max-unacked-mismatch", "FAILOVER")]


def test_a_pool_before_its_peer_declaration_or_without_one(capsys, tmp_path):
    text = PRIMARY.read_text()
    peer = text[text.index("failover peer"):text.index("}\n") + 2]
    moved = tmp_path / "moved.conf"
    moved.write_text(text.replace(peer, "") + peer)            # the declaration after the pool
    found = [f for f in findings(capsys, moved) if f["code"] == "config.peer-unknown"]
    assert [(f["line"], "only after the pool" in f["message"]) for f in found] == [(12, True)]
    gone = tmp_path / "gone.conf"
    gone.write_text(text.replace(peer, ""))
    codes_found = codes(findings(capsys, gone))
    assert codes_found == ["config.no-failover", "config.peer-unknown"]
