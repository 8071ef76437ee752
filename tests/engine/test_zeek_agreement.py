"""Transactions agree with Zeek's dhcp.log (../shared/corpus/zeek) on client, addresses and
message types.

Zeek joins messages on xid alone (`join_data[msg$xid]`), records the last replying server only,
and flushes a record at 50 message types or 10 connection uids. Where these rules are not the
question, the engine must say the same as Zeek. Known, deliberate differences:
- Two clients that pick the same xid: Zeek merges them, the engine keeps them apart (keyed on
  xid + chaddr); test_same_xid_two_clients_stay_apart in test_transactions.py shows it.
- Zeek splits a record when it has seen 10 connection uids (the flood with
  max_uids_per_log_entry=5); the engine has no connections, only its message cap.
- Zeek's client_addr is the source address of the client's packets; the engine reports ciaddr.
- A DECLINE with the xid of the ACK it declines is part of the exchange in both, but the engine
  then says outcome 'declined', and a broadcast RELEASE names no server (Zeek: no server_addr).
"""
from __future__ import annotations

import pytest

from dhcpanalyze.engine import EngineSettings

from ..conftest import corpus_file
from .helpers import run_files

ZEEK_LOGS = {
    "dhcp.pcap": ("dhcp.pcap.zeek.dhcp-all-msg-types.dhcp.log", {}),
    "dhcp_inform.pcap": ("dhcp_inform.pcap.zeek.inform.dhcp.log", {}),
    "dhcp_discover_param_req_and_client_id.pcap":
        ("dhcp_discover_param_req_and_client_id.pcap.zeek.dhcp-discover-msg-types.dhcp.log", {}),
    "dhcp_ack_subscriber_id_and_agent_remote_id.pcap":
        ("dhcp_ack_subscriber_id_and_agent_remote_id.pcap.zeek.dhcp-ack-msg-types.dhcp.log", {}),
    # redef DHCP::max_msg_types_per_log_entry=8 -> the engine's own cap set to 8
    "dhcp_flood.pcap": ("dhcp_flood.pcap.zeek.dhcp-prevent-large-msgtypes.dhcp.log",
                        {"max_messages_per_txn": 8}),
    # redef DHCP::max_tracked_transactions = 5 -> the engine's table bound set to 5
    "dhcp-unique-xid-join-data-growth.pcapng":
        ("dhcp-unique-xid-join-data-growth.pcapng.zeek.dhcp-max-tracked-transactions.dhcp.log",
         {"max_open_transactions": 5}),
}


def zeek_rows(name: str) -> list[dict]:
    """Rows of a Zeek TSV log (full #fields header, or zeek-cut -m's bare header line)."""
    lines = corpus_file(f"zeek/{name}").read_text().splitlines()
    fields, rows = None, []
    for line in lines:
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
        elif line.startswith("#"):
            continue
        elif fields is None:
            fields = line.split("\t")
        else:
            rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def unset(value: str) -> str | None:
    return None if value in ("-", "(empty)") else value


def as_zeek(t: dict) -> dict:
    """The fields Zeek and the engine share, in Zeek's spelling."""
    lease = t["lease_time"]
    return {"mac": t["client"]["mac"], "host_name": t["client"]["hostname"],
            "requested_addr": t["requested_ip"], "assigned_addr": t["assigned_ip"],
            "server_addr": t["server"] if t["assigned_ip"] else None,
            "lease_time": f"{lease:.6f}" if lease is not None else None,
            "msg_types": ",".join(t["msg_types"])}


@pytest.mark.parametrize("capture", sorted(ZEEK_LOGS))
def test_transactions_agree_with_zeek(capture):
    log, overrides = ZEEK_LOGS[capture]
    expected = [{k: unset(row[k]) for k in as_zeek_keys()} for row in zeek_rows(log)]
    run = run_files([corpus_file(f"zeek/{capture}")], EngineSettings(**overrides))
    ours = [as_zeek(t) for t in run.transactions]
    # Zeek writes what is still open at termination in table order: compare as multisets
    assert sorted(ours, key=repr) == sorted(expected, key=repr)


def as_zeek_keys() -> tuple[str, ...]:
    return ("mac", "host_name", "requested_addr", "assigned_addr", "server_addr", "lease_time",
            "msg_types")


def test_flood_with_default_cap_matches_zeeks_default_of_50():
    run = run_files([corpus_file("zeek/dhcp_flood.pcap")])
    assert [len(t["msg_types"]) for t in run.transactions] == [50] * 10
    assert {t["outcome"] for t in run.transactions} == {"informed"}


def test_table_bound_emits_every_unique_xid():
    run = run_files([corpus_file("zeek/dhcp-unique-xid-join-data-growth.pcapng")],
                    EngineSettings(max_open_transactions=5))
    assert len(run.transactions) == 50            # Zeek's bound drops nothing either
    assert run.summary["counts"]["transactions_evicted"] == 45
