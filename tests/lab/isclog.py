"""Which failover states a dhcpd log says were announced on the wire.

dhcpd logs every change of its own state (`failover peer X: I move from A to B`), but announces
one in a STATE message only when its partner can hear it (failover-wire.md §5.3, §5.8):
- a move to `startup` is never sent: a starting server sends its saved state with the STARTUP
  flag instead (ISC never sends server-state 1);
- a move made while connected is sent at once;
- a move made while disconnected (the usual `normal -> communications-interrupted`) is sent only
  if the connection comes back while the server is still in that state: every new connection
  starts with both sides sending their current state.
The connection is up from the first `peer moves from` line (the partner's STATE arrived) until a
disconnect, a timeout, a rejected CONNECT or a restart of dhcpd.
"""
from __future__ import annotations

import re

MOVE = re.compile(r"failover peer \S+: I move from (\S+) to (\S+)$")
PEER_STATE = re.compile(r"failover peer \S+: peer moves from ")
LINK_LOST = re.compile(r"^(peer \S+: disconnected|timeout waiting for failover peer"
                       r"|Failover CONNECT (to|from) \S+|Failover CONNECTACK from"
                       r"|Failover DISCONNECT from|Internet Systems Consortium DHCP Server)")


def announced_states(log: str) -> list[str]:
    """The ISC state names this server must have sent in STATE messages, in order."""
    announced: list[str] = []
    connected, unsent = False, None
    for line in log.splitlines():
        move = MOVE.search(line)
        if move:
            state = move.group(2)
            unsent = None if state == "startup" else state
            if connected and unsent:
                announced.append(unsent)
                unsent = None
        elif PEER_STATE.search(line):
            if not connected and unsent:
                announced.append(unsent)        # sent as the current state on the new connection
            connected, unsent = True, None
        elif LINK_LOST.search(line):
            connected = False
    return announced


def state_moves(log: str) -> list[tuple[str, str]]:
    """Every (from, to) of `I move from A to B`, in order."""
    return [m.groups() for m in map(MOVE.search, log.splitlines()) if m]


def is_subsequence(wanted: list, seen: list) -> tuple[bool, int]:
    """Whether `wanted` occurs in order within `seen`; and how many of it were found."""
    it, found = iter(seen), 0
    for item in wanted:
        if not any(x == item for x in it):
            return False, found
        found += 1
    return True, found
