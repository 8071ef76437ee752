"""capture.malformed: bytes that did not decode cleanly.

A truncated frame (snaplen), a damaged DHCP option, a failover message with a bad length, or
bytes of a failover TCP stream lost from the capture. Each is data, not a crash; but conclusions
near it (a missing ACK, an unacked update) may be artefacts of the capture, not of the network.
"""
from __future__ import annotations

from dhcpanalyze.model import CaptureIssue

from ..findings import make_finding
from . import Check


class Malformed(Check):
    failover_kinds = frozenset(("gap",))

    def on_issue(self, rec, ctx) -> list:
        if isinstance(rec, CaptureIssue):
            return [make_finding("capture.malformed", rec.ts, [rec.frame],
                                 f"frame {rec.frame}: {rec.message}", gate=("capture",))]
        kind = "failover" if hasattr(rec.msg, "type_name") else "DHCP"
        issues = "; ".join(rec.msg.issues[:3])
        return [make_finding("capture.malformed", rec.ts, [rec.frame],
                             f"{kind} message in frame {rec.frame} from {rec.src}: {issues}",
                             server=rec.src if kind == "failover" else None,
                             gate=(kind, rec.src))]

    def on_failover(self, ev, ctx) -> list:
        if ev.kind != "gap":
            return []
        message = f"failover stream from {ev.data.sender}: bytes lost ({ev.data.detail})"
        return [make_finding("capture.malformed", ev.ts, ev.frames, message,
                             server=ev.data.sender, relationship=ev.rel.name,
                             gate=("gap", ev.data.sender))]


CHECK = Malformed
