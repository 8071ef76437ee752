"""One analysis per module; each turns transactions, DHCP records or failover events into findings.

A check overrides only the hooks it needs and says which DHCP message types and failover event
kinds it looks at; the engine calls a hook only on the checks that override it and care about
the record at hand (HookTable), so a check costs nothing on records it does not look at.
"""
from __future__ import annotations


# How a DHCP record reached its transaction: a new message, a copy (relay hop, second capture
# point) or a message quoted in an ICMP error.
NEW, COPY, ICMP = "new", "copy", "icmp"


class Check:
    """Base class: every hook returns a list of Findings (empty by default).

    The class attributes narrow which records reach on_dhcp / on_failover (None: all); the hook
    still judges each record it gets, the narrowing only spares calls that would return [].
    """

    dhcp_types: frozenset[str] | None = None
    """Option 53 names (DhcpView.mtype) whose records on_dhcp looks at."""
    dhcp_seen: frozenset[str] = frozenset((NEW, COPY, ICMP))
    """Which of NEW / COPY / ICMP records on_dhcp looks at."""
    failover_kinds: frozenset[str] | None = None
    """FoEvent kinds on_failover looks at."""

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


def all_checks() -> list[Check]:
    """A fresh instance of every check, in the order their findings should appear."""
    modules = (malformed, clock_skew, connect, link, states, updates, replication, mclt,
               unreachable, outcomes, offers, loadbalance, silent, secs, takeover, unknown_server)
    return [module.CHECK() for module in modules]


def overriding(checks: list[Check], hook: str) -> list:
    """The bound `hook` methods of the checks that define it."""
    return [getattr(c, hook) for c in checks if getattr(type(c), hook) is not getattr(Check, hook)]


class HookTable(dict):
    """key of a record -> the bound methods of one hook that look at it. For speed: one dict
    lookup per record instead of a call per check. Keys are few (message types, event kinds),
    so each list is built on first use (__missing__) and kept."""

    def __init__(self, checks: list[Check], hook: str, wants) -> None:
        super().__init__()
        self._entries = [(method, method.__self__) for method in overriding(checks, hook)]
        self._wants = wants                 # (check, key) -> bool

    def __missing__(self, key) -> list:
        methods = self[key] = [m for m, c in self._entries if self._wants(c, key)]
        return methods


def wants_dhcp(check: Check, key: tuple[str, str]) -> bool:
    """Whether on_dhcp of `check` looks at a record of key (mtype, NEW/COPY/ICMP)."""
    mtype, seen = key
    return (check.dhcp_types is None or mtype in check.dhcp_types) and seen in check.dhcp_seen


def wants_failover(check: Check, kind: str) -> bool:
    """Whether on_failover of `check` looks at an event of this kind."""
    return check.failover_kinds is None or kind in check.failover_kinds


def via(txn) -> str:
    """How dhcpd names where a message came from in its log: the relay, else an interface."""
    return txn.relay if txn and txn.relay else "<interface>"


# The check modules import Check from here, so they are imported last, but at import time (not
# when an engine is first built): a live capture gives up root after opening its socket, and a
# module first imported after that may no longer be readable by the user it became.
from . import (clock_skew, connect, link, loadbalance, malformed, mclt, offers, outcomes,  # noqa: E402
               replication, secs, silent, states, takeover, unknown_server, unreachable, updates)
