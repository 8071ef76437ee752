"""Issue 14 item 10: in a flood of DISCOVERs every transaction is closed early by the open-transaction
bound (EngineSettings.max_open_transactions, 10,000) before its reply timeout; the unanswered DISCOVERs
must still be reported as dhcp.no-offer, aggregated so a flood gives a few findings, not a million."""
from __future__ import annotations

from dhcpanalyze.engine import EngineSettings
from tests.engine.helpers import dhcp, dora, run_records

RATE = 10_000           # DISCOVERs a second: the 10k bound fills in one second, under the 5 s timeout


def _flood(count: int, t0: float = 1000.0) -> list:
    return [dhcp(n + 1, t0 + n / RATE, "0.0.0.0", "255.255.255.255", "DISCOVER", n,
                 f"02:{n >> 24 & 0xff:02x}:{n >> 16 & 0xff:02x}:{n >> 8 & 0xff:02x}:{n & 0xff:02x}:01")
            for n in range(count)]


def test_evicted_unanswered_discovers_yield_aggregated_no_offer() -> None:
    settings = EngineSettings()
    count = 3 * settings.max_open_transactions
    run = run_records(_flood(count), settings)
    closed = [t for t in run.transactions if t["closed"] == "evicted"]
    assert len(closed) == count - settings.max_open_transactions
    no_offer = run.codes("dhcp.no-offer")
    assert sum(f["count"] for f in no_offer) == len(closed)      # every evicted DISCOVER counted
    assert len(no_offer) <= 10                                     # aggregated


def test_an_answered_discover_is_not_reported_when_evicted() -> None:
    settings = EngineSettings(max_open_transactions=50)
    records = [r for n in range(200) for r in dora(4 * n + 1, 1000.0 + n / 100, n, f"02:00:00:00:{n >> 8:02x}:{n & 0xff:02x}",
                                                   "10.0.0.1", f"10.0.{n >> 8}.{n & 0xff or 1}")]
    run = run_records(records, settings)
    assert run.codes("dhcp.no-offer") == []
