"""The stream every renderer consumes: (kind, dict) events in the shape of the report contract.

An event is a pair `(kind, obj)`: kind is one of KINDS and obj is the dict the JSON contract
(`dhcpanalyze.report/1`, issue 5) gives for it. Transactions and findings arrive while the capture
is read; capture, servers, failover relationships and leases arrive once, at the end. Renderers
that must print a section before data that comes later park the early objects in a `Spool`
(a temporary file once it grows), so memory stays flat however long the capture is.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator

SCHEMA = "dhcpanalyze.report/1"

CAPTURE, SERVER, FAILOVER = "capture", "server", "failover"
TRANSACTION, LEASE, FINDING = "transaction", "lease", "finding"
KINDS = (CAPTURE, SERVER, FAILOVER, TRANSACTION, LEASE, FINDING)

# Severity order for --fail-on and for grouping findings (most severe first).
SEVERITIES = ("error", "warning", "info")

Event = tuple[str, dict]

SPOOL_MEMORY_BYTES = 4 * 1024 * 1024    # beyond this a spool moves to a temporary file


class Spool:
    """JSON values parked one per line, in memory while small, on disk after; re-readable."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(
            max_size=SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline="\n")
        self.count = 0

    def append(self, obj: dict | list) -> None:
        self._file.write(json.dumps(obj, ensure_ascii=True) + "\n")
        self.count += 1

    def __iter__(self) -> Iterator:
        return map(json.loads, self.lines())

    def lines(self) -> Iterator[str]:
        """The values as stored: ASCII-only JSON text, without the line end."""
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield line[:-1]
        self._file.seek(0, 2)       # further appends go to the end again

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self._file.close()


def severity_rank(severity: object) -> int:
    """0 for error, 1 warning, 2 info; unknown severities rank below info."""
    try:
        return SEVERITIES.index(str(severity).lower())
    except ValueError:
        return len(SEVERITIES)


def reaches(severity: object, threshold: str) -> bool:
    """True when `severity` is at or above `threshold` (error > warning > info)."""
    return severity_rank(severity) <= severity_rank(threshold)


def document_events(doc: dict) -> Iterator[Event]:
    """The events of a complete report document (the JSON contract), in renderer arrival order.

    Lets renderers be fed from a stored report and lets tests use contract-shaped dicts.
    """
    for transaction in doc.get("transactions", []):
        yield TRANSACTION, transaction
    for finding in doc.get("findings", []):
        yield FINDING, finding
    yield CAPTURE, doc.get("capture", {})
    for kind, key in ((SERVER, "servers"), (FAILOVER, "failover"), (LEASE, "leases")):
        for obj in doc.get(key, []):
            yield kind, obj


class FindingTally:
    """Counts findings by severity as they pass, for --fail-on and the summary line."""

    def __init__(self) -> None:
        self.counts = {severity: 0 for severity in SEVERITIES}

    def watch(self, events: Iterable[Event]) -> Iterator[Event]:
        for kind, obj in events:
            if kind == FINDING:
                severity = str(obj.get("severity", "")).lower()
                self.counts[severity] = self.counts.get(severity, 0) + 1
            yield kind, obj

    def reaches(self, threshold: str | None) -> bool:
        if threshold is None:
            return False
        return any(n and reaches(sev, threshold) for sev, n in self.counts.items())
