"""Report filters on contract-shaped events: what --client/--ip/--server/--since/--until keep."""
from __future__ import annotations

import pytest

from dhcpanalyze.reports.events import FindingTally, document_events, reaches
from dhcpanalyze.reports.filters import (
    ReportFilter, apply, parse_ip, parse_mac, parse_time)
from tests.reports.contract import T0, seed_doc


def kept(flt: ReportFilter, doc: dict | None = None) -> dict[str, list]:
    """What the filter lets through, by kind: xids / lease ips / finding codes / server ips."""
    out: dict[str, list] = {"transaction": [], "lease": [], "finding": [], "server": [],
                            "failover": [], "capture": []}
    for kind, obj in apply(flt, document_events(doc or seed_doc())):
        key = {"transaction": "xid", "lease": "ip", "finding": "code", "server": "ip",
               "failover": "relationship"}.get(kind)
        out[kind].append(obj[key] if key else obj)
    return out


@pytest.mark.parametrize("text", ["52:54:00:12:34:56", "52-54-00-12-34-56", "5254.0012.3456",
                                  "525400123456", "52:54:00:12:34:56 ".upper()])
def test_parse_mac_accepts_usual_spellings(text: str) -> None:
    assert parse_mac(text) == "52:54:00:12:34:56"


@pytest.mark.parametrize("text", ["52:54:00:12:34", "zz:54:00:12:34:56", "52:54:00:12:34:56:78",
                                  "", "52_54_00_12_34_56"])
def test_parse_mac_rejects_non_macs(text: str) -> None:
    with pytest.raises(ValueError):
        parse_mac(text)


def test_parse_ip_and_time() -> None:
    assert parse_ip("192.168.100.2") == "192.168.100.2"
    with pytest.raises(ValueError):
        parse_ip("192.168.100.256")
    assert parse_time("1795857700.5") == 1795857700.5
    assert parse_time("2026-11-28T09:21:40Z") == T0
    assert parse_time("2026-11-28 09:21:40") == T0                   # no zone: UTC
    assert parse_time("2026-11-28T10:21:40+01:00") == T0
    with pytest.raises(ValueError):
        parse_time("yesterday")


def test_empty_filter_passes_everything() -> None:
    got = kept(ReportFilter())
    assert got["transaction"] == [2244309520, 0x1234ABCD, 7]
    assert len(got["finding"]) == 3 and len(got["lease"]) == 2 and len(got["server"]) == 2


def test_client_filter_keeps_that_clients_transactions_leases_and_related_findings() -> None:
    got = kept(ReportFilter(client="96:a3:dc:e1:f2:71"))
    assert got["transaction"] == [2244309520, 7]
    assert got["lease"] == ["192.168.100.125"]
    # the contract's findings name no client: they follow the frames of the kept transactions
    assert got["finding"] == ["dhcp.server-unreachable"]
    assert len(got["server"]) == 2 and got["failover"] == ["FAILOVER"]    # context stays
    assert len(got["capture"]) == 1


def test_client_filter_matches_a_client_identifier_of_hardware_type_1() -> None:
    doc = seed_doc()
    doc["transactions"][1]["client"]["mac"] = "00:00:00:00:00:01"      # chaddr differs
    assert kept(ReportFilter(client="52:54:00:12:34:56"), doc)["transaction"] == [0x1234ABCD]


def test_findings_naming_their_subject_are_judged_by_it() -> None:
    doc = seed_doc()
    for finding in doc["findings"]:         # engine-style subject keys (client is a MAC string)
        finding.update(client=None, ip=None, server=None)
    doc["findings"][2].update(server="192.168.100.2")                     # link-down
    doc["findings"][0].update(client="52:54:00:12:34:56", ip="192.168.100.150",
                              server="192.168.100.3")                     # takeover
    assert kept(ReportFilter(server="192.168.100.2"), doc)["finding"] == ["failover.link-down"]
    assert kept(ReportFilter(client="52:54:00:12:34:56"), doc)["finding"] == ["dhcp.takeover"]
    assert kept(ReportFilter(ip="192.168.100.150"), doc)["finding"] == ["dhcp.takeover"]


def test_ip_filter() -> None:
    got = kept(ReportFilter(ip="192.168.100.150"))
    assert got["transaction"] == [0x1234ABCD]
    assert got["lease"] == ["192.168.100.150"]
    assert got["finding"] == ["dhcp.takeover"]


def test_server_filter_includes_the_server_that_should_have_answered() -> None:
    got = kept(ReportFilter(server="192.168.100.2"))
    # the second DORA was served by .3 while .2 was the designated server: it concerns .2 too
    assert got["transaction"] == [2244309520, 0x1234ABCD]
    assert got["server"] == ["192.168.100.2"]
    assert got["lease"] == ["192.168.100.125"]
    assert kept(ReportFilter(server="10.9.9.9"))["failover"] == []


def test_time_window_keeps_overlapping_transactions_and_findings_inside() -> None:
    got = kept(ReportFilter(since=T0 + 72, until=T0 + 119))
    assert got["transaction"] == [0x1234ABCD]          # 70..74.5 overlaps, 120 does not
    assert got["finding"] == ["dhcp.takeover"]         # at 74.5; link-down at 60 is before
    assert got["lease"] == ["192.168.100.150"]         # .125 ended at +70.25


def test_time_window_cuts_the_state_timeline_only() -> None:
    flt = ReportFilter(since=T0 + 1.8, until=T0 + 30)
    rel = next(obj for kind, obj in apply(flt, document_events(seed_doc())) if kind == "failover")
    assert [st["frame"] for st in rel["states"]] == [14]
    assert rel["binding_updates"] == seed_doc()["failover"][0]["binding_updates"]


def test_time_window_places_or_drops_the_omitted_states() -> None:
    """A long history lists its first and latest STATEs with the count of those between; cut to a
    window, the count stays where the window meets the gap, and goes where it cannot."""
    doc = seed_doc()
    doc["failover"][0] = {"states_omitted": 100, "states_omitted_at": 2, **doc["failover"][0]}

    def window(since, until) -> dict:
        flt = ReportFilter(since=since, until=until)
        return next(obj for kind, obj in apply(flt, document_events(doc)) if kind == "failover")

    rel = window(T0 + 1.8, T0 + 30)         # frame 14 at +2.0, the gap +2.0..+60
    assert [st["frame"] for st in rel["states"]] == [14]
    assert (rel["states_omitted"], rel["states_omitted_at"]) == (100, 1)
    for since, until in ((T0 + 61, None), (None, T0 + 1.6)):
        rel = window(since, until)
        assert "states_omitted" not in rel and "states_omitted_at" not in rel


def test_since_alone_and_until_alone() -> None:
    assert kept(ReportFilter(since=T0 + 100))["transaction"] == [7]
    assert kept(ReportFilter(until=T0 + 10))["transaction"] == [2244309520]


def test_tally_counts_findings_after_filtering() -> None:
    tally = FindingTally()
    list(tally.watch(apply(ReportFilter(client="96:a3:dc:e1:f2:71"),
                           document_events(seed_doc()))))
    assert tally.counts == {"error": 0, "warning": 1, "info": 0}
    assert tally.reaches("warning") and tally.reaches("info")
    assert not tally.reaches("error") and not tally.reaches(None)


def test_severity_order() -> None:
    assert reaches("error", "warning") and reaches("warning", "warning")
    assert not reaches("info", "warning") and not reaches("bogus", "info")
