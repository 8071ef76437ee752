"""The `config.*` and `leases.*` finding codes: severity, explanation, and how a finding is built.

They have the shape of the report's findings (engine/findings.py `Finding.to_dict`), so every
report renderer prints them, plus where the cause is written: `file`, `line`, `column`, and a
`fix` in the operator's terms. Findings about files carry no capture time (`ts` None, no frames)
unless they compare the files with a capture.
"""
from __future__ import annotations

from dhcpanalyze.iscfiles.tokens import Where

REFUSES = "dhcpd refuses to start ('Configuration file errors encountered -- exiting')."

CATALOG: dict[str, tuple[str, str]] = {
    "config.syntax": ("error", "The file does not read as ISC dhcpd syntax. " + REFUSES),
    "config.unreadable": ("error", "The file (or a file it includes) cannot be read."),
    "config.no-failover": ("warning",
        "The file declares no `failover peer`: this server runs alone, not as half of a pair."),
    "config.role-missing": ("warning",
        "Neither `primary;` nor `secondary;` is written: dhcpd takes the server as the primary."),
    "config.primary-needs-split": ("error",
        "The primary decides the load balancing and sends it to the secondary in the CONNECT, so it "
        "needs `split` or `hba`. " + REFUSES),
    "config.primary-needs-mclt": ("error",
        "The primary sends the maximum client lead time to the secondary in the CONNECT, so it needs "
        "`mclt`. " + REFUSES),
    "config.secondary-load-balance": ("error",
        "Only the primary may set `split`/`hba`; the secondary takes them from the primary's "
        "CONNECT. " + REFUSES),
    "config.secondary-mclt": ("warning",
        "dhcpd ignores `mclt` on the secondary: the secondary uses the MCLT of the primary's CONNECT "
        "(and writes it to its lease file). A different value here misleads whoever reads it."),
    "config.peer-address-missing": ("error",
        "Without `peer address` the server cannot reach its partner. " + REFUSES),
    "config.peer-redeclared": ("error", "Two `failover peer` declarations of the same name. " + REFUSES),
    "config.peer-unknown": ("error",
        "A pool names a failover peer that is not declared (or declared after the pool). " + REFUSES),
    "config.peer-unused": ("error",
        "No pool names the failover peer: dhcpd's start-up sanity check refuses a relationship "
        "without pools ('Failover configuration sanity check failed') and exits."),
    "config.pool-without-failover": ("warning",
        "A pool without `failover peer` is served by this server alone; the partner does not know "
        "its leases, and both may give the same address away (dhcpd.conf(5) warns against pools "
        "with and without failover on one network)."),
    "config.default": ("info",
        "The statement is omitted and dhcpd uses its built-in default (confpars.c, failover.h); "
        "dhcpd.conf(5) says it must be specified."),
    "config.same-role": ("error",
        "A pair needs one primary and one secondary; two of a kind reject each other's CONNECT."),
    "config.name-mismatch": ("error",
        "The peers name the relationship differently. The name is sent in the CONNECT, and the "
        "partner rejects a CONNECT for a relationship it does not know."),
    "config.address-mismatch": ("error",
        "One server's `address` must be the other's `peer address`: otherwise it connects to the "
        "wrong host, or the partner rejects its CONNECT as coming from an unknown peer."),
    "config.port-mismatch": ("error",
        "One server's `port` must be the other's `peer port`: each listens on its own port and "
        "connects to the partner's, so crossed ports leave the pair out of touch."),
    "config.max-response-delay-mismatch": ("warning",
        "`max-response-delay` differs between the peers; each declares the other down after its "
        "own value, so one side reacts to a lost link sooner than the other."),
    "config.max-unacked-mismatch": ("warning",
        "`max-unacked-updates` differs between the peers; each limits the updates it sends to what "
        "the other accepts, so a mismatch is legal, but the lab guide keeps them equal."),
    "config.lb-max-secs-mismatch": ("warning",
        "`load balance max seconds` differs between the peers: a client whose secs falls between "
        "the two values is answered by one peer only when the other is its server."),
    "config.pool-mismatch": ("warning",
        "The failover pools differ between the peers: addresses only one side knows are refused in "
        "binding updates ('unknown IP address') and never balanced."),
    "config.wire-mismatch": ("error",
        "The capture's failover CONNECT carries a value that differs from the configuration: the "
        "file is not what the server runs, or the partner was configured differently."),
    "config.wire-name": ("error",
        "The relationship name on the wire is not the one the configuration declares."),
    "config.outside-pool": ("warning",
        "A server handed out an address outside every range of its configuration: another pool, a "
        "fixed address, or a configuration that is not the one the server runs."),
    "leases.syntax": ("warning",
        "The lease file does not read cleanly here: dhcpd warns about such a line when it starts "
        "and keeps what it can read of the lease, so this lease may not be what the file meant."),
    "leases.unreadable": ("error", "The lease file cannot be read."),
    "leases.missing": ("warning",
        "The server ACKed this lease on the wire but its lease file holds no later block for the "
        "address: the lease was not written, or the file is not this server's."),
    "leases.not-replicated": ("warning",
        "The partner's lease file does not know a lease the other server ACKed: the binding update "
        "never arrived, so after MCLT the partner may give the address to another client."),
    "leases.disagrees": ("warning",
        "The lease file and the wire disagree about this lease (binding state, client or end)."),
    "leases.mac-conflict": ("error",
        "Both servers hold the address as active for different clients: the lease databases are "
        "out of sync and two clients may use one address."),
    "leases.state-missing": ("warning",
        "The server announced a failover state on the wire that its lease file never recorded."),
    "leases.clock-offset": ("warning",
        "The times in the server's state history differ from the capture's clock when it announced "
        "them: the server's clock is off (ISC rejects a partner more than 60 s apart)."),
}


def finding(code: str, message: str, fix: str | None = None, where: Where | None = None, *,
            isc_log: str | None = None, relationship: str | None = None,
            server: str | None = None, ip: str | None = None, client: str | None = None,
            ts: float | None = None, frames: list[int] | None = None,
            severity: str | None = None) -> dict:
    """A findings[] object of the report contract, with where the cause is written and a fix."""
    default, explanation = CATALOG[code]
    return {"code": code, "severity": severity or default, "ts": ts, "frames": frames or [],
            "message": message, "explanation": explanation, "isc_log": isc_log,
            "client": client, "ip": ip, "server": server, "relationship": relationship,
            "count": 1, "file": where.file if where else None,
            "line": where.line if where else None, "column": where.column if where else None,
            "fix": fix}
