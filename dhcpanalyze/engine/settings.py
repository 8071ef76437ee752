"""Every timeout, threshold and table bound of the correlation engine, in one documented place.

All times are seconds of *capture* time (packet timestamps); the engine never reads a clock.
Defaults follow what ISC dhcpd 4.4 and common clients do on the wire (failover-wire.md §5,
field-guide.md §2); each can be changed per run.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineSettings:
    # --- configuration the capture cannot show -------------------------------------------
    lb_max_secs: int | None = None
    """dhcpd's `load balance max seconds`. A DISCOVER whose secs exceeds it is answered by both
    peers. None = unknown: only secs == 0 DISCOVERs are judged (balanced under any setting > 0)."""
    check_secs_byte_order: bool = False
    """dhcpd's `check-secs-byte-order` (default off): read secs bytes `NN 00` as little-endian."""
    servers: tuple[str, ...] | None = None
    """The DHCP servers that may answer (`--servers`). None: the failover peers seen on the wire."""

    # --- DHCP transactions ------------------------------------------------------------------
    txn_idle_timeout_s: float = 30.0
    """An open transaction with no message for this long is closed. dhclient's retransmission
    back-off is capped at 15 s (backoff-cutoff), so its retries of one xid stay in one transaction."""
    txn_max_duration_s: float = 300.0
    """A transaction still active after this long is closed anyway (a client looping on one xid)."""
    txn_linger_s: float = 2.0
    """After the final message (ACK, NAK, RELEASE, ...) wait this long for copies a relay forwards,
    a repeated ACK, a DECLINE of the address, or an ICMP error, before emitting."""
    reply_timeout_s: float = 5.0
    """A request with no answer after this long is unanswered. ISC answers in well under a second
    (plus ~1 s with ping-check); shorter waits at the end of a capture give outcome `incomplete`."""
    copy_window_s: float = 1.0
    """The same message seen again within this window is a copy (relay hop, second capture point),
    not a retry: client retries come seconds apart (RFC 2131 §4.1: 4 s, 8 s, ...)."""
    max_open_transactions: int = 10_000
    """Open transactions kept at most; beyond it the oldest is emitted early (closed = evicted)."""
    max_messages_per_txn: int = 50
    """Distinct messages per transaction (Zeek's max_msg_types_per_log_entry); then it is emitted."""

    # --- failover ---------------------------------------------------------------------------
    skew_warn_s: float = 30.0
    """Peer clock difference that earns a warning (Kea HA warns at 30 s)."""
    skew_error_s: float = 60.0
    """Beyond this ISC rejects CONNECT/CONNECTACK (`time offset too large`, failover-wire.md §5.10)."""
    bndack_timeout_s: float = 10.0
    """A BNDUPD not acknowledged after this long, while the link is up, is unacked. ISC acks
    within its 2 s batching timer (failover-wire.md §5.5)."""
    replication_timeout_s: float = 10.0
    """An ACK from a peer in touch with its partner must be followed by a BNDUPD for the address
    within this long. ISC queues the update when it commits the lease."""
    default_receive_timer_s: float = 20.0
    """Keep-alive limit when no CONNECT/CONNECTACK showed it: ISC's default max-response-delay."""
    mclt_slack_s: int = 2
    """An ACK lease time within this many seconds of MCLT counts as MCLT-limited."""
    lb_disabled_min: int = 3
    """Low-secs DISCOVERs answered by both peers before `loadbalance.disabled` is raised."""
    max_sessions: int = 1_000
    """Failover TCP connections tracked at once; beyond it the least recently active one ends."""
    max_relationships: int = 256
    """Failover relationships tracked; further pairs share one '(other relationships)' entry."""
    max_servers: int = 10_000
    """DHCP servers counted one by one; further ones share one '(other servers)' entry (a flood
    of forged replies must not grow memory)."""
    max_sessions_listed: int = 10
    """Ended sessions listed per relationship at each end: the first ones (how the pair first
    connected, and on which ports) and the latest; the ones between are counted
    (`sessions_omitted`). A pair that reconnects all day must not grow memory."""
    max_outstanding: int = 4_096
    """Unacked BNDUPDs tracked per direction of a session (a partner never acking stays bounded)."""
    max_states: int = 50
    """STATE entries kept at each end of a relationship's state timeline (and of each peer's
    state lookup): the first ones show how the pair came up, the latest how it is now; the ones
    between are counted (`states_omitted`). ISC's start-up of a pair is ~8 STATE messages (each
    peer's startup, recover / recover-done, normal, several sent twice with and without the
    STARTUP flag), so 50 holds the first and the latest six or so reconnections in full, and the
    text report's timeline stays readable (100 rows at most)."""
    max_link_changes: int = 16
    """Link up/down changes (and HBA changes, one per CONNECT at most) kept at each end of a
    relationship's history: the first and the latest eight drops and reconnections; the ones
    between are counted (`link_omitted`)."""

    # --- leases and findings -----------------------------------------------------------------
    max_leases: int = 100_000
    """Lease table rows kept; the least recently updated row is dropped (and counted) beyond it."""
    max_pending_replication: int = 10_000
    """ACKs waiting for their BNDUPD; the oldest is judged early beyond it."""
    finding_repeat_window_s: float = 300.0
    """The same finding about the same subject is emitted once per window; repeats are counted
    and summarised by `finish()`. 0 emits every occurrence."""
    max_finding_keys: int = 10_000
    """Distinct (code, subject) pairs remembered for repeat suppression."""
    max_frames_listed: int = 64
    """Frames listed in one transaction or finding; the count goes on."""
    expire_interval_s: float = 1.0
    """How often (capture time) feed() sweeps for timeouts."""
