"""One analysis per module; each turns transactions, DHCP records or failover events into findings.

A check overrides only the hooks it needs; the engine calls a hook only on the checks that
override it, so a check costs nothing on records it does not look at.
"""
from __future__ import annotations


class Check:
    """Base class: every hook returns a list of Findings (empty by default)."""

    def on_transaction(self, txn, ctx) -> list:
        """A transaction is complete (emitted)."""
        return []

    def on_dhcp(self, rec, applied, ctx) -> list:
        """A DHCP record was applied to its transaction (`applied.distinct`: not a copy)."""
        return []

    def on_failover(self, event, ctx) -> list:
        """The failover tracker reported an event."""
        return []

    def on_issue(self, rec, ctx) -> list:
        """A record carries decoding problems (CaptureIssue, or a message with issues)."""
        return []

    def expire(self, now: float, ctx) -> list:
        """Capture time has advanced to `now`."""
        return []

    def finish(self, now: float, ctx) -> list:
        """End of input: conclude what is still pending."""
        return []


HOOKS = ("on_transaction", "on_dhcp", "on_failover", "on_issue", "expire", "finish")


def all_checks() -> list[Check]:
    """A fresh instance of every check, in the order their findings should appear."""
    from . import (clock_skew, connect, link, loadbalance, malformed, mclt, outcomes, offers,
                   replication, secs, states, takeover, unknown_server, unreachable, updates)
    modules = (malformed, clock_skew, connect, link, states, updates, replication, mclt,
               unreachable, outcomes, offers, loadbalance, secs, takeover, unknown_server)
    return [module.CHECK() for module in modules]


def overriding(checks: list[Check], hook: str) -> list:
    """The bound `hook` methods of the checks that define it."""
    return [getattr(c, hook) for c in checks if getattr(type(c), hook) is not getattr(Check, hook)]


def via(txn) -> str:
    """How dhcpd names where a message came from in its log: the relay, else an interface."""
    return txn.relay if txn and txn.relay else "<interface>"
