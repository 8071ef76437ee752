"""The findings section of the text report, grouped by severity, most severe first.

Each finding shows its time, code, frames and one-line message, the line ISC dhcpd writes to
syslog for the same problem (so the operator can match the two), and the explanation of its code.
The explanation is printed at the first finding of each code only: a capture with thousands of
state changes should not repeat the same paragraph thousands of times.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterator
from functools import lru_cache

from dhcpanalyze.reports import fmt
from dhcpanalyze.reports.events import Spool, severity_rank
from dhcpanalyze.reports.style import TextOptions

WRAP_PIPE = 100             # wrapping width when stdout is not a terminal
FRAMES_SHOWN = 8            # a finding's frame list is cut after this many in text
INDENT = "      "


class FindingGroups:
    """Findings parked by severity as they arrive, so each group prints in one pass."""

    def __init__(self) -> None:
        self.groups: dict[str, Spool] = {}

    def add(self, finding: dict) -> None:
        severity = str(finding.get("severity", "unknown")).lower()
        if severity not in self.groups:
            self.groups[severity] = Spool()
        self.groups[severity].append(finding)

    def ordered(self) -> list[tuple[str, Spool]]:
        """Most severe first; unknown severities last, by name."""
        return sorted(self.groups.items(), key=lambda kv: (severity_rank(kv[0]), kv[0]))

    def close(self) -> None:
        for spool in self.groups.values():
            spool.close()


def findings_section(findings: FindingGroups, options: TextOptions,
                     multi_day: bool) -> Iterator[str]:
    yield ""
    groups = findings.ordered()
    if not groups:
        yield options.palette.heading("Findings: none")
        return
    summary = ", ".join(f"{len(spool)} {severity}" for severity, spool in groups)
    yield options.palette.heading(f"Findings ({summary})")
    explained: set[str] = set()
    for severity, spool in groups:
        yield f"  {options.palette.severity(severity.upper(), severity)}"
        for finding in spool:
            yield from _finding(finding, options, multi_day, explained)


def _finding(f: dict, options: TextOptions, multi_day: bool,
             explained: set[str]) -> Iterator[str]:
    frames = f.get("frames") or []
    shown = ",".join(str(n) for n in frames[:FRAMES_SHOWN])
    if len(frames) > FRAMES_SHOWN:
        shown += f",... ({len(frames)} frames)"
    where = f"  frames {shown}" if frames else ""
    headline = f"{_when(f, multi_day)}  {fmt.safe(f.get('code'))}{where}"
    width = (options.width or WRAP_PIPE) - 6
    yield from _wrapped(headline, width + 2, indent="    ")
    yield from _wrapped(fmt.safe(f.get("message")), width)
    if f.get("fix"):
        yield from _wrapped("Fix: " + fmt.safe(f.get("fix")), width)
    for log_line in _isc_log(f):
        yield from _wrapped("ISC log: " + fmt.safe(log_line), width)
    code = str(f.get("code"))
    if f.get("explanation") and code not in explained:
        explained.add(code)
        yield from _wrapped(fmt.safe(f.get("explanation")), width)


def _when(f: dict, multi_day: bool) -> str:
    """The capture time; for a finding about a file (config, leases) where it is written too."""
    if not f.get("file"):
        return fmt.clock(f.get("ts"), multi_day)
    place = f"{fmt.safe(f.get('file'))}:{f.get('line') or 0}" + (
        f":{f['column']}" if f.get("column") else "")
    return place if f.get("ts") is None else f"{fmt.clock(f.get('ts'), multi_day)}  {place}"


def _isc_log(f: dict) -> list:
    value = f.get("isc_log")
    if not value:
        return []
    return value if isinstance(value, list) else [value]


def _wrapped(text: str, width: int, indent: str = INDENT) -> Iterator[str]:
    width = max(width, 20)
    if len(text) <= width:
        yield indent + text
        return
    for part in _wrap(text, width):
        yield indent + part


@lru_cache(maxsize=512)     # the same ISC log lines and messages recur (explanations print once per code)
def _wrap(text: str, width: int) -> tuple[str, ...]:
    return tuple(textwrap.wrap(text, width, break_on_hyphens=False))
