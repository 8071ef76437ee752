"""Records of samples/seed.pcap, decoded once, for the display-filter tests."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dhcpanalyze.decode import DecodeOptions, iter_records

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@lru_cache(maxsize=None)
def records(name: str = "seed.pcap") -> tuple:
    options = DecodeOptions(dhcp_ports=frozenset((67, 68)), failover_ports=frozenset((647,)))
    return tuple(iter_records([str(SAMPLES / name)], options))


def frames(flt, name: str = "seed.pcap") -> list[int]:
    """The sorted frames of the records the filter selects."""
    return sorted({r.frame for r in records(name) if flt.matches(r)})
