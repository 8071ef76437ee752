"""The engine's outputs are the objects of issue 5's JSON contract (dhcpanalyze.report/1): every
key the contract names is there with the contract's type; extra keys are allowed."""
from __future__ import annotations

import json

import pytest

from dhcpanalyze.engine import SCHEMA, EngineSettings

from ..conftest import SAMPLES, corpus_file
from .helpers import run_files

CONTRACT = {
    "capture": {"files": list, "packets": int, "first_ts": float, "last_ts": float,
                "malformed": int},
    "server": {"ip": str, "role": str, "offers": int, "acks": int, "naks": int},
    "failover": {"relationship": str, "primary": str, "secondary": str, "mclt": int,
                 "split": int, "max_unacked": dict, "receive_timer": dict, "vendor": dict,
                 "skew_s": float, "states": list, "binding_updates": dict},
    "transaction": {"kind": str, "xid": int, "client": dict, "start": float, "end": float,
                    "frames": list, "msg_types": list, "offers": list, "server": str,
                    "assigned_ip": str, "lease_time": int, "relay": (str, type(None)),
                    "expected_server": str, "outcome": str,
                    # the README's "DISCOVER→OFFER and REQUEST→ACK latency"
                    "offer_latency": (float, type(None)), "ack_latency": (float, type(None))},
    "lease": {"ip": str, "mac": str, "client_id": (str, type(None)), "hostname": str,
              "starts": float, "ends": float, "server": str, "state": str, "replicated": bool},
    "finding": {"code": str, "severity": str, "ts": float, "frames": list, "message": str,
                "explanation": str},
}
NESTED = {"client": {"mac", "client_id", "hostname"}, "offers": {"server", "yiaddr", "frame"},
          "states": {"ts", "frame", "server", "state"},
          "binding_updates": {"sent", "acked", "rejected", "unacked"}}


@pytest.fixture(scope="module")
def doc():
    seed = SAMPLES / "seed.pcap"
    if not seed.exists():
        pytest.skip("samples/seed.pcap not committed yet")
    run = run_files([seed], EngineSettings(lb_max_secs=3))
    summary = run.summary
    return {"schema": SCHEMA, "capture": summary["capture"], "servers": summary["servers"],
            "failover": summary["failover"], "transactions": run.transactions,
            "leases": summary["leases"], "findings": run.findings}


def check(kind: str, obj: dict) -> None:
    for key, types in CONTRACT[kind].items():
        assert key in obj, f"{kind}.{key} missing"
        value = obj[key]
        if types is float:
            types = (int, float)
        assert isinstance(value, types), f"{kind}.{key} = {value!r}"
        if key in NESTED and kind != "server":        # a server's "offers" is a count
            items = value if isinstance(value, list) else [value]
            for item in items:
                assert NESTED[key] <= set(item), f"{kind}.{key} lacks {NESTED[key] - set(item)}"


def test_every_object_follows_the_contract(doc):
    check("capture", doc["capture"])
    for kind, key in (("server", "servers"), ("failover", "failover"),
                      ("lease", "leases"), ("finding", "findings")):
        assert doc[key], key
        for obj in doc[key]:
            check(kind, obj)
    acked = [t for t in doc["transactions"] if t["outcome"] == "ack" and t["expected_server"]]
    assert acked
    for t in acked:
        check("transaction", t)


def test_the_document_is_json(doc):
    assert json.loads(json.dumps(doc)) == doc


def test_severities_and_outcomes_are_documented_values(doc):
    assert {f["severity"] for f in doc["findings"]} <= {"info", "warning", "error"}
    documented = {"ack", "nak", "declined", "released", "informed", "replied", "leaseactive",
                  "leaseunassigned", "leaseunknown", "unreachable", "offered-only", "no-offer",
                  "no-ack", "no-reply", "incomplete"}
    assert {t["outcome"] for t in doc["transactions"]} <= documented


def test_failover_relationship_from_real_isc_has_every_key():
    run = run_files([corpus_file("isc-failover/fo-capture2.pcap")])
    (rel,) = run.summary["failover"]
    check("failover", rel)


def test_latencies_are_measured(doc):
    assert any(isinstance(t["offer_latency"], float) and isinstance(t["ack_latency"], float)
               for t in doc["transactions"])
