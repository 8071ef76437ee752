"""`report --config/--leases` and `dhcpanalyze leases` on the lab's samples: the files of a run
agree with its capture, and each file broken one way gives the finding an operator would need.
Oracles from outside the program: dhcp-lease-list's own output saved by the lab, and the lab's
configs (samples/lab/configs.py)."""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from dhcpanalyze.cli import main
from dhcpanalyze.commands import report_files
from tests.conftest import SAMPLES

SCENARIOS = ("seed", "relay", "many", "interrupt", "skew", "gone", "renew", "resync", "silent")
PRIMARY, SECONDARY = "192.168.100.2", "192.168.100.3"


def need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} not committed")


def files(scenario: str) -> dict[str, Path]:
    d = SAMPLES / scenario
    out = {"pcap": SAMPLES / f"{scenario}.pcap", "pc": d / "dhcpd-primary.conf",
           "sc": d / "dhcpd-secondary.conf", "pl": d / "dhcpd-primary.leases",
           "sl": d / "dhcpd-secondary.leases"}
    need(*out.values())
    return out


def run_jsonl(capsys, *argv) -> list[dict]:
    code = main([*map(str, argv), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err, err
    return [json.loads(line) for line in out.splitlines()]


def file_findings(capsys, pcap, *options) -> list[dict]:
    records = run_jsonl(capsys, "report", pcap, *options)
    return [r for r in records if r["record"] == "finding"
            and r["code"].split(".")[0] in ("config", "leases")]


def edited(tmp_path: Path, source: Path, *edits, name: str | None = None) -> Path:
    text = source.read_text()
    for old, new in edits:
        assert re.search(old, text, re.M), old
        text = re.sub(old, new, text, flags=re.M)
    path = tmp_path / (name or source.name)
    path.write_text(text)
    return path


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_runs_own_files_agree_with_its_capture(capsys, scenario):
    f = files(scenario)
    found = file_findings(capsys, f["pcap"], "--config", f["pc"], "--config", f["sc"],
                          "--leases", f["pl"], "--leases", f["sl"])
    # the only remark allowed: a lease ACKed while the partner was away (seed: the secondary was
    # stopped; skew: the pair never connected) is not yet in the partner's file, which is true
    assert all(x["code"] == "leases.not-replicated" and x["severity"] == "info" for x in found), found


def test_connect_values_and_name_against_a_different_config(capsys, tmp_path):
    f = files("many")
    primary = edited(tmp_path, f["pc"], (r"split 128", "split 64"), (r"mclt 60", "mclt 120"))
    secondary = edited(tmp_path, f["sc"], (r"max-response-delay 10", "max-response-delay 20"),
                       (r'"FAILOVER" \{', '"FO2" {'))
    found = file_findings(capsys, f["pcap"], "--config", primary, "--config", secondary)
    wire = {(x["code"], x["line"], x["server"]) for x in found if x["code"].startswith("config.wire")}
    assert wire == {("config.wire-mismatch", 18, PRIMARY),       # mclt 120 vs 60 in the CONNECT
                    ("config.wire-mismatch", 19, PRIMARY),       # split 64 vs the CONNECT's 128
                    ("config.wire-mismatch", 15, SECONDARY),     # receive timer 10 vs 20
                    ("config.wire-name", 9, None)}
    assert "config.name-mismatch" in {x["code"] for x in found}   # the lint runs too


def test_addresses_served_outside_the_configured_ranges(capsys, tmp_path):
    f = files("many")
    secondary = edited(tmp_path, f["sc"], (r"range 192.168.100.50 ", "range 192.168.100.60 "))
    found = file_findings(capsys, f["pcap"], "--config", f["pc"], "--config", secondary)
    outside = sorted(x["ip"] for x in found if x["code"] == "config.outside-pool")
    served = [t for t in run_jsonl(capsys, "report", f["pcap"]) if t["record"] == "transaction"
              and t["server"] == SECONDARY and t["outcome"] == "ack"]
    expected = sorted({t["assigned_ip"] for t in served
                       if int(t["assigned_ip"].rsplit(".", 1)[1]) < 60})
    assert expected and outside == expected


def test_findings_about_one_server_are_counted_past_twenty(capsys, tmp_path):
    f = files("many")
    primary = edited(tmp_path, f["pc"], (r"range 192.168.100.50 192.168.100.199",
                                         "range 192.168.100.50 192.168.100.100"))
    found = [x for x in file_findings(capsys, f["pcap"], "--config", primary, "--config", f["sc"])
             if x["code"] == "config.outside-pool"]
    served = {t["assigned_ip"] for t in run_jsonl(capsys, "report", f["pcap"])
              if t["record"] == "transaction" and t["server"] == PRIMARY and t["outcome"] == "ack"}
    assert len(served) > 21
    assert len(found) == 21 and found[-1]["count"] == len(served) - 20
    assert found[-1]["message"].startswith(f"{len(served) - 20} more like: ")


def test_lb_max_secs_and_ports_come_from_the_config(tmp_path):
    f = files("seed")
    primary = edited(tmp_path, f["pc"], (r"^  port 647;", "  port 519;"))
    args = argparse.Namespace(config=[str(primary)], leases=[], lb_max_secs=None, failover_port=[])
    assert report_files.load(args) is not None
    assert args.lb_max_secs == 3 and args.failover_port == [519]
    args = argparse.Namespace(config=[str(primary)], leases=[], lb_max_secs=7, failover_port=[])
    report_files.load(args)
    assert args.lb_max_secs == 7        # the command line wins


def test_same_report_with_config_as_with_the_lb_option(capsys):
    f = files("many")
    with_config = [r for r in run_jsonl(capsys, "report", f["pcap"], "--config", f["pc"])
                   if r["record"] == "transaction"]
    with_option = [r for r in run_jsonl(capsys, "report", f["pcap"], "--lb-max-secs", "3")
                   if r["record"] == "transaction"]
    assert with_config == with_option


def test_a_lease_missing_from_the_servers_file(capsys, tmp_path):
    f = files("many")
    text = f["pl"].read_text()
    # drop every block of 192.168.100.125, which the primary ACKed on the wire
    cut = re.sub(r"^lease 192\.168\.100\.125 \{.*?^\}\n", "", text, flags=re.M | re.S)
    assert cut != text
    leases = tmp_path / "dhcpd-primary.leases"
    leases.write_text(cut)
    found = file_findings(capsys, f["pcap"], "--leases", leases, "--leases", f["sl"])
    assert [(x["code"], x["ip"], x["server"]) for x in found] == [
        ("leases.missing", "192.168.100.125", PRIMARY)]


def test_active_for_two_clients_and_unknown_to_the_partner(capsys, tmp_path):
    f = files("many")
    secondary = edited(tmp_path, f["sl"], (r"hardware ethernet 02:da:04:00:00:01;",
                                           "hardware ethernet 02:da:04:00:00:99;"))
    found = file_findings(capsys, f["pcap"], "--leases", f["pl"], "--leases", secondary)
    codes = sorted((x["code"], x["ip"]) for x in found)
    assert ("leases.mac-conflict", "192.168.100.126") in codes
    assert ("leases.not-replicated", "192.168.100.126") in codes


def test_swapped_lease_files_show_in_the_state_history(capsys):
    f = files("many")
    found = file_findings(capsys, f["pcap"], "--leases", f["sl"], "--leases", f["pl"])
    assert {x["code"] for x in found} == {"leases.state-missing"}
    # the secondary's moves are missing from the primary's file; the primary's moves may share a
    # second with the secondary's (both go to normal together), so they can match by chance
    assert SECONDARY in {x["server"] for x in found}


def test_a_faked_clock_in_the_state_history(capsys, tmp_path):
    f = files("interrupt")

    def shifted(match: re.Match) -> str:     # the secondary's state times 90 s ahead
        from datetime import datetime, timedelta
        moment = datetime.strptime(match.group(1), "%Y/%m/%d %H:%M:%S") + timedelta(seconds=90)
        return f"at 6 {moment:%Y/%m/%d %H:%M:%S};"
    text = re.sub(r"at 6 (\S+ \S+);", shifted, f["sl"].read_text())
    leases = tmp_path / "dhcpd-secondary.leases"
    leases.write_text(text)
    found = file_findings(capsys, f["pcap"], "--leases", f["pl"], "--leases", leases)
    offset = [x for x in found if x["code"] == "leases.clock-offset"]
    assert [x["server"] for x in offset] == [SECONDARY] and "+90 s" in offset[0]["message"]


def test_unreadable_and_too_many_files(capsys, tmp_path):
    f = files("seed")
    assert main(["report", str(f["pcap"]), "--config", str(tmp_path / "none.conf")]) == 3
    assert "none.conf" in capsys.readouterr().err
    assert main(["report", str(f["pcap"]), *["--leases", str(f["pl"])] * 3]) == 2


@pytest.mark.parametrize("scenario", ("many", "relay"))
@pytest.mark.parametrize("role", ("primary", "secondary"))
def test_leases_command_lists_what_dhcp_lease_list_listed(capsys, scenario, role):
    listing = SAMPLES / scenario / f"lease-list-{role}-after-dora.txt"
    leases = SAMPLES / scenario / f"dhcpd-{role}.leases"
    need(listing, leases)
    records = run_jsonl(capsys, "leases", leases)
    ours = {(r["mac"], r["ip"]) for r in records if r["record"] == "lease" and r["state"] == "active"}
    theirs = {tuple(line.split()[:2]) for line in listing.read_text().splitlines()
              if re.match(r"([0-9a-f]{2}:){5}[0-9a-f]{2} ", line)}
    assert theirs and ours == theirs


def test_leases_command_text_json_and_state_history(capsys):
    f = files("interrupt")
    assert main(["leases", str(f["sl"])]) == 0
    out = capsys.readouterr().out
    assert "Failover state history (10, times UTC)" in out
    assert re.search(r"dhcpd-secondary.leases\s+8\s+FAILOVER\s+communications-interrupted\s+"
                     r"2026-11-28 10:12:57\s+normal\s+2026-11-28 10:12:56\s+60", out)
    assert main(["leases", "--all", "--format", "json", str(f["pl"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "dhcpanalyze.leases/1"
    assert len(doc["leases"]) == 77 and len(doc["failover_states"]) == 9 and doc["findings"] == []


def test_leases_command_says_when_a_file_has_no_leases(capsys, tmp_path):
    free = tmp_path / "dhcpd.leases"
    free.write_text("lease 10.0.0.1 {\n  binding state free;\n}\n")
    assert main(["leases", str(free)]) == 0
    out = capsys.readouterr().out
    assert "Leases: none with a client (--all: also free and backup addresses)" in out
    assert main(["leases", "--all", str(free)]) == 0
    assert "Leases (1, last block per address" in capsys.readouterr().out
    assert main(["leases", str(SAMPLES / "gone" / "dhcpd-primary.conf")]) == 0
    assert "Leases: none" in capsys.readouterr().out   # a dhcpd.conf given by mistake


def test_leases_command_on_a_broken_file(capsys, tmp_path):
    path = tmp_path / "dhcpd.leases"
    path.write_text('lease 10.0.0.1 {\n  starts 6 2026/11/28;\n  hardware ethernet 02:00:00:00:00:01;\n'
                    '  client-hostname "\x1b[2J;\n}\nlease 10.0.0.2 { binding state active; '
                    'hardware ethernet 02:00:00:00:00:02; }\n')
    code = main(["leases", "--fail-on", "warning", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and "\x1b" not in out
    assert f"{path}:2" in out and f"{path}:4" in out and "10.0.0.2" in out


def test_leases_command_finds_one_address_active_for_two_clients(capsys, tmp_path):
    f = files("many")
    secondary = edited(tmp_path, f["sl"], (r"hardware ethernet 02:da:04:00:00:01;",
                                           "hardware ethernet 02:da:04:00:00:99;"))
    records = run_jsonl(capsys, "leases", f["pl"], secondary)
    assert [(r["code"], r["ip"], r["line"]) for r in records if r["record"] == "finding"] == [
        ("leases.mac-conflict", "192.168.100.126", _line_of(secondary, "lease 192.168.100.126 {"))]


def _line_of(path: Path, text: str) -> int:
    """The line of the last block that starts with `text` (the one that counts)."""
    return max(n for n, line in enumerate(path.read_text().splitlines(), 1) if line == text)


def test_roles_and_listening_port_against_the_wire(capsys, tmp_path):
    f = files("seed")
    # the files swapped: each server's address names the other's file
    found = file_findings(capsys, f["pcap"], "--config", f["sc"], "--config", f["pc"])
    roles = {(x["server"], x["line"]) for x in found
             if x["code"] == "config.wire-mismatch" and "on the wire;" in x["message"]
             and " makes it " in x["message"]}
    assert roles == set()       # each file names its own address: the roles still agree
    secondary = edited(tmp_path, f["sc"], (r"^  port 647;", "  port 520;"))
    found = file_findings(capsys, f["pcap"], "--config", f["pc"], "--config", secondary)
    ports = [x for x in found if x["code"] == "config.wire-mismatch" and "port" in x["message"]]
    assert [(x["server"], x["line"]) for x in ports] == [(SECONDARY, 12)]
    primary = edited(tmp_path, f["pc"], (r"^  primary;", "  secondary;"), (r"^  split 128;\n", ""),
                     (r"^  mclt 60;\n", ""))
    found = file_findings(capsys, f["pcap"], "--config", primary, "--config", f["sc"])
    assert ("config.wire-mismatch", PRIMARY, 10) in {
        (x["code"], x["server"], x["line"]) for x in found if "makes it secondary" in x["message"]}


def test_a_block_that_disagrees_with_the_ack(capsys, tmp_path):
    f = files("many")
    text = f["pl"].read_text()
    start = text.rindex("lease 192.168.100.125 {")
    block = text[start:text.index("}\n", start)]
    changed = (block.replace("ends 6 2026/11/28 10:13:50;", "ends 6 2026/11/28 11:12:50;")
               .replace("hardware ethernet 02:da:04:00:00:02;", "hardware ethernet 02:da:04:00:00:77;"))
    assert changed != block
    leases = tmp_path / "dhcpd-primary.leases"
    leases.write_text(text[:start] + changed + text[start + len(block):])
    found = [x for x in file_findings(capsys, f["pcap"], "--leases", leases, "--leases", f["sl"])
             if x["code"] == "leases.disagrees"]
    assert [(x["ip"], x["server"], x["line"]) for x in found] == [
        ("192.168.100.125", PRIMARY, text[:start].count("\n") + 1)]
    message = found[0]["message"]
    assert "client 02:da:04:00:00:77 in the file, 02:da:04:00:00:02 on the wire" in message
    assert "a lease of 3600 s in the file, 60 s on the wire" in message
