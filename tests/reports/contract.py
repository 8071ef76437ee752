"""A report document shaped exactly like issue 5's `dhcpanalyze.report/1` example.

The values tell the seed scenario's story (a DORA served by the primary, a takeover by the
secondary, a RELEASE to a dead server bounced by ICMP, a peer with a hostile hostname), so the
renderers are tested on the contract itself, independent of the engine.
"""
from __future__ import annotations

import copy

T0 = 1795857700.0           # 2026-11-28 06:01:40 UTC

SEED_DOC = {
    "schema": "dhcpanalyze.report/1",
    "capture": {"files": ["samples/seed.pcap"], "packets": 172, "first_ts": T0,
                "last_ts": T0 + 141.25, "malformed": 0},
    "servers": [
        {"ip": "192.168.100.2", "role": "primary", "offers": 3, "acks": 3, "naks": 0},
        {"ip": "192.168.100.3", "role": "secondary", "offers": 1, "acks": 1, "naks": 0},
    ],
    "failover": [{
        "relationship": "FAILOVER", "primary": "192.168.100.2", "secondary": "192.168.100.3",
        "mclt": 60, "split": 128,
        "max_unacked": {"192.168.100.2": 10, "192.168.100.3": 10},
        "receive_timer": {"192.168.100.2": 10, "192.168.100.3": 10},
        "vendor": {"192.168.100.2": "isc-4.4.3-P1", "192.168.100.3": "isc-4.4.3-P1"},
        "skew_s": 0.0,
        "states": [
            {"ts": T0 + 1.5, "frame": 11, "server": "192.168.100.3", "state": "recover"},
            {"ts": T0 + 2.0, "frame": 14, "server": "192.168.100.2", "state": "normal"},
            {"ts": T0 + 60.0, "frame": 90, "server": "192.168.100.3",
             "state": "communications-interrupted"},
        ],
        "binding_updates": {"sent": 12, "acked": 11, "rejected": 1, "unacked": 0},
    }],
    "transactions": [
        {"kind": "dora", "xid": 2244309520,
         "client": {"mac": "96:a3:dc:e1:f2:71", "client_id": None, "hostname": "vm"},
         "start": T0 + 10.0, "end": T0 + 10.25, "frames": [69, 70, 71, 72],
         "msg_types": ["DISCOVER", "OFFER", "REQUEST", "ACK"],
         "offers": [{"server": "192.168.100.2", "yiaddr": "192.168.100.125", "frame": 70}],
         "server": "192.168.100.2", "assigned_ip": "192.168.100.125", "lease_time": 60,
         "relay": None, "expected_server": "192.168.100.2", "outcome": "ack",
         "offer_latency": 0.012, "ack_latency": 0.0034},     # extra keys the engine adds
        {"kind": "dora", "xid": 0x1234ABCD,
         "client": {"mac": "52:54:00:12:34:56", "client_id": "01:52:54:00:12:34:56",
                    "hostname": "evil\x1b[2J\nroot\x00"},
         "start": T0 + 70.0, "end": T0 + 74.5, "frames": [95, 96, 97, 98, 99],
         "msg_types": ["DISCOVER", "DISCOVER", "OFFER", "REQUEST", "ACK"],
         "offers": [{"server": "192.168.100.3", "yiaddr": "192.168.100.150", "frame": 97}],
         "server": "192.168.100.3", "assigned_ip": "192.168.100.150", "lease_time": 60,
         "relay": "10.0.0.1", "expected_server": "192.168.100.2", "outcome": "ack"},
        {"kind": "release", "xid": 7, "client": {"mac": "96:a3:dc:e1:f2:71", "client_id": None,
                                                  "hostname": None},
         "start": T0 + 120.0, "end": T0 + 120.0, "frames": [102, 103],
         "msg_types": ["RELEASE"], "offers": [], "server": "192.168.100.3",
         "assigned_ip": None, "lease_time": None, "relay": None, "expected_server": None,
         "outcome": "unreachable"},
    ],
    "leases": [
        {"ip": "192.168.100.125", "mac": "96:a3:dc:e1:f2:71", "client_id": None,
         "hostname": "vm", "starts": T0 + 10.25, "ends": T0 + 70.25,
         "server": "192.168.100.2", "state": "active", "replicated": True},
        {"ip": "192.168.100.150", "mac": "52:54:00:12:34:56", "client_id": "01:52:54:00:12:34:56",
         "hostname": "evil\x1b[2J\nroot\x00", "starts": T0 + 74.5, "ends": T0 + 134.5,
         "server": "192.168.100.3", "state": "active", "replicated": False},
    ],
    "findings": [
        {"code": "dhcp.takeover", "severity": "info", "ts": T0 + 74.5, "frames": [98, 99],
         "message": "192.168.100.3 served 52:54:00:12:34:56 while its peer was unreachable",
         "explanation": "The secondary answered a client of the primary's half because the "
                        "failover link was down: this is failover working."},
        {"code": "dhcp.server-unreachable", "severity": "warning", "ts": T0 + 120.0,
         "frames": [102, 103],
         "message": "RELEASE to 192.168.100.3 answered by ICMP port unreachable",
         "explanation": "The server the client remembered is down; the lease stays bound on "
                        "the peer until it expires.",
         "isc_log": "DHCPRELEASE of 192.168.100.125 from 96:a3:dc:e1:f2:71 via eth0 "
                    "(not found)"},
        {"code": "failover.link-down", "severity": "error", "ts": T0 + 60.0, "frames": [90],
         "message": "no message from 192.168.100.2 for 12.0 s (receive-timer 10 s)",
         "explanation": "The peers lost contact; each will serve only its own pool until "
                        "communication returns or an operator declares partner-down.",
         "isc_log": "failover peer FAILOVER: I move from normal to communications-interrupted"},
    ],
}


def seed_doc() -> dict:
    """A fresh deep copy (tests may change it)."""
    return copy.deepcopy(SEED_DOC)


def empty_report(files: str, packets: int) -> str:
    """The whole text report of a capture with no DHCP or failover traffic in it."""
    return (
        "Capture\n"
        f"  files     {files}\n"
        f"  packets   {packets} (0 malformed)\n"
        "  time      - (no DHCP or failover traffic)\n"
        "\n"
        "Servers: none seen\n"
        "\n"
        "Transactions: none\n"
        "\n"
        "Leases: none\n"
        "\n"
        "Findings: none\n")
