"""The failover parts of a dhcpd.conf: `failover peer` declarations, subnets, pools and ranges.

Statements of a peer follow server/confpars.c `parse_failover_peer` (ISC DHCP 4.4); what dhcpd
itself would refuse there (a non-number, a split above 255, an unknown statement) is a Problem of
the file, with its position. Defaults and the rules between statements are lint.py's business; this
module only records what is written, and where.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from dhcpanalyze.iscfiles.statements import Statement, statements
from dhcpanalyze.iscfiles.tokens import Problem, Source, Where, tokenize_file

# Peer statements taking one number: statement words -> FailoverPeer field (confpars.c parse_idle).
NUMBER_STATEMENTS = {
    ("max-response-delay",): "max_response_delay",
    ("max-unacked-updates",): "max_unacked_updates",
    ("mclt",): "mclt",
    ("max-lease-misbalance",): "max_lease_misbalance",
    ("max-lease-ownership",): "max_lease_ownership",
    ("max-balance",): "max_balance",
    ("min-balance",): "min_balance",
    ("auto-partner-down",): "auto_partner_down",
    ("load", "balance", "max", "seconds"): "load_balance_max_seconds",
    ("port",): "port",
    ("peer", "port"): "peer_port",
}
ADDRESS_STATEMENTS = {("address",): "address", ("peer", "address"): "peer_address"}


@dataclass
class FailoverPeer:
    """One `failover peer "NAME" { … }` as written; None = the statement is absent."""

    name: str
    where: Where
    role: str | None = None                 # "primary" / "secondary"
    address: str | None = None
    port: int | None = None
    peer_address: str | None = None
    peer_port: int | None = None
    max_response_delay: int | None = None
    max_unacked_updates: int | None = None
    mclt: int | None = None
    split: int | None = None
    hba: bytes | None = None                # 32 bytes; set by `hba` or from `split`
    load_balance_max_seconds: int | None = None
    auto_partner_down: int | None = None
    max_lease_misbalance: int | None = None
    max_lease_ownership: int | None = None
    max_balance: int | None = None
    min_balance: int | None = None
    seen: dict[str, Where] = field(default_factory=dict)    # field name -> where it is written
    end: Where | None = None                # the closing brace (where dhcpd reports what is missing)
    seq: int = 0                            # reading order among declarations (includes too)


@dataclass
class Range:
    first: str
    last: str
    where: Where
    dynamic_bootp: bool = False

    def contains(self, ip: str) -> bool:
        try:
            value = int(ipaddress.IPv4Address(ip))
            return int(ipaddress.IPv4Address(self.first)) <= value <= int(
                ipaddress.IPv4Address(self.last))
        except ValueError:
            return False


@dataclass
class Pool:
    """A `pool { }`, or a range written straight in a subnet (dhcpd makes an implicit pool of it)."""

    where: Where
    subnet: str | None                      # "192.168.100.0/24" of the enclosing subnet
    peer: str | None = None                 # the `failover peer "X";` it names (or inherits)
    peer_where: Where | None = None
    ranges: list[Range] = field(default_factory=list)
    implicit: bool = False
    seq: int = 0                            # reading order among declarations (includes too)


@dataclass
class Config:
    path: str
    peers: dict[str, FailoverPeer] = field(default_factory=dict)
    pools: list[Pool] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    redeclared: list[FailoverPeer] = field(default_factory=list)

    def peer(self) -> FailoverPeer | None:
        """The failover peer of this server (the first declared; a pair has one)."""
        return next(iter(self.peers.values()), None)


def read_config(path: str) -> Config:
    """The failover view of one dhcpd.conf (and its includes); problems collected, never raised."""
    source = Source()
    config = Config(path)
    reader = _Reader(config, source)
    for statement in statements(tokenize_file(path, source), source):
        reader.declaration(statement, scope=None)
    config.problems = source.problems
    config.files = source.files
    return config


class _Reader:
    def __init__(self, config: Config, source: Source) -> None:
        self.config, self.source = config, source
        self.seq = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def warn(self, where: Where | None, message: str, isc: bool = True) -> None:
        """A problem in dhcpd's own words (isc=False: in ours, where dhcpd's are not known)."""
        self.source.problem(where or Where(self.config.path, 0, 0), message, isc)

    def declaration(self, st: Statement, scope: dict | None) -> None:
        """One statement at any level; scope carries the subnet and the inherited peer name."""
        head = st.head(2)
        if head[:2] == ("failover", "peer"):
            self.failover(st, scope)
        elif head and head[0] in ("subnet", "shared-network", "group", "pool", "range"):
            getattr(self, head[0].replace("-", "_"))(st, scope or {})
        elif st.block is not None:                 # host, class, if … : nothing of failover
            for inner in st.block:
                self.declaration(inner, scope)

    def failover(self, st: Statement, scope: dict | None) -> None:
        name = st.text(2)
        if name is None:
            self.warn(st.where, "expecting failover peer name.")
            return
        if st.block is None:                            # `failover peer "X";` in a pool / network
            if scope is not None:
                scope["peer"], scope["peer_where"] = name, st.where
            else:
                self.warn(st.where, "failover peer reference not in shared-network declaration")
            return
        if st.text(3) == "state":                       # a state block belongs in dhcpd.leases
            return
        self.peer_declaration(st, name)

    def peer_declaration(self, st: Statement, name: str) -> None:
        peer = FailoverPeer(name, st.where, end=st.close, seq=self.next_seq())
        for inner in st.block or []:
            self.peer_statement(peer, inner)
        if name in self.config.peers:          # lint.py reports it (config.peer-redeclared)
            self.config.redeclared.append(peer)
        else:
            self.config.peers[name] = peer

    def peer_statement(self, peer: FailoverPeer, st: Statement) -> None:
        words = st.head(len(st.words))
        if words in (("primary",), ("secondary",)):
            peer.role = words[0]
            peer.seen["role"] = st.where
        elif words[:1] == ("split",) or words[:1] == ("hba",):
            self.balance(peer, st, words[0])
        elif words[:1] == ("load",) and words[1:4] != ("balance", "max", "seconds"):
            self.load_balance_error(st, words)
        elif words[:-1] in NUMBER_STATEMENTS:
            self.number(peer, st, NUMBER_STATEMENTS[words[:-1]], st.words[-1].text)
        elif words[:-1] in ADDRESS_STATEMENTS:
            setattr(peer, ADDRESS_STATEMENTS[words[:-1]], st.words[-1].text)
            peer.seen[ADDRESS_STATEMENTS[words[:-1]]] = st.where
        else:
            self.warn(st.where, "invalid statement in peer declaration")

    def load_balance_error(self, st: Statement, words: tuple[str, ...]) -> None:
        """`load balance max seconds N` misspelt: the word dhcpd expected, in its words."""
        for i, expected in enumerate(("balance", "max", "seconds"), start=1):
            if words[i:i + 1] != (expected,):
                where = st.words[i].where if i < len(st.words) else st.where
                self.warn(where, f"expecting '{'secs' if expected == 'seconds' else expected}'")
                return

    def number(self, peer: FailoverPeer, st: Statement, name: str, text: str) -> int | None:
        """One number; dhcpd's message when it is not one (`expecting number.`, for ports
        without the period)."""
        if not text.isdigit():
            period = "" if name in ("port", "peer_port") else "."
            self.warn(st.words[-1].where, f"expecting number{period}")
            return None
        setattr(peer, name, int(text))
        peer.seen[name] = st.where
        return int(text)

    def balance(self, peer: FailoverPeer, st: Statement, keyword: str) -> None:
        """`split N` (0 to 256: dhcpd 4.4.3-P1 accepts 256, all buckets the primary's) or
        `hba` with 32 colon-separated bytes; the messages are dhcpd's own."""
        if keyword == "split":
            text = st.text(1) or ""
            if len(st.words) != 2 or not text.lstrip("-").isdigit():
                self.warn(st.where, "expecting number")
            elif not 0 <= int(text) <= 256:
                self.warn(st.words[1].where, "split must be between 0 and 256, inclusive")
            else:
                peer.split, peer.hba = int(text), split_to_hba(int(text))
                peer.seen["split"] = peer.seen["hba"] = st.where
            return
        count = len("".join(st.values()[1:]).split(":"))
        hba = parse_hba(st.values()[1:])
        if hba is None:
            self.warn(st.where, "semicolon expected." if count > 32 else "too few numbers.")
        else:
            peer.hba = hba
            peer.seen["hba"] = st.where

    def subnet(self, st: Statement, scope: dict) -> None:
        network = st.text(1)
        if st.head(3)[2:] == ("netmask",):
            try:
                network = str(ipaddress.IPv4Network(f"{st.text(1)}/{st.text(3)}"))
            except ValueError:
                self.warn(st.where, "expecting subnet ADDRESS netmask MASK", isc=False)
        self.config.subnets.append(network or "")
        self.scoped_block(st, {**scope, "subnet": network})

    def shared_network(self, st: Statement, scope: dict) -> None:
        self.scoped_block(st, dict(scope))

    def group(self, st: Statement, scope: dict) -> None:
        self.scoped_block(st, dict(scope))

    def scoped_block(self, st: Statement, scope: dict) -> None:
        """A block whose pools inherit its `failover peer` statement wherever it is written."""
        ranges = []
        for inner in st.block or []:
            if inner.head(2) == ("failover", "peer") and inner.block is None:
                self.failover(inner, scope)
        for inner in st.block or []:
            if inner.head(1) == ("range",):
                ranges.append(inner)
            elif inner.head(2) != ("failover", "peer") or inner.block is not None:
                self.declaration(inner, scope)
        if ranges:          # ranges outside a pool: dhcpd puts them in a pool of their own
            pool = Pool(ranges[0].where, scope.get("subnet"), scope.get("peer"),
                        scope.get("peer_where"), implicit=True, seq=self.next_seq())
            for inner in ranges:
                self.add_range(pool, inner)
            self.config.pools.append(pool)

    def pool(self, st: Statement, scope: dict) -> None:
        inner_scope = dict(scope)
        pool = Pool(st.where, scope.get("subnet"), seq=self.next_seq())
        for inner in st.block or []:
            if inner.head(1) == ("range",):
                self.add_range(pool, inner)
            elif inner.head(2) == ("failover", "peer"):
                self.failover(inner, inner_scope)
        pool.peer = inner_scope.get("peer")
        pool.peer_where = inner_scope.get("peer_where")
        self.config.pools.append(pool)

    def range(self, st: Statement, scope: dict) -> None:
        pool = Pool(st.where, scope.get("subnet"), scope.get("peer"), scope.get("peer_where"),
                    implicit=True, seq=self.next_seq())
        self.add_range(pool, st)
        self.config.pools.append(pool)

    def add_range(self, pool: Pool, st: Statement) -> None:
        words = st.values()[1:]
        bootp = bool(words) and words[0].lower() == "dynamic-bootp"
        words = words[1:] if bootp else words
        if not words or len(words) > 2 or not all(_is_ipv4(w) for w in words):
            self.warn(st.where, "expecting range: [dynamic-bootp] FIRST [LAST];", isc=False)
            return
        pool.ranges.append(Range(words[0], words[-1], st.where, bootp))


def split_to_hba(split: int) -> bytes:
    """The 256-bit hash bucket map of `split N` (confpars.c): buckets 0..N-1 are the primary's."""
    hba = bytearray(32)
    for bucket in range(split):
        hba[bucket // 8] |= 1 << (bucket & 7)
    return bytes(hba)


def parse_hba(words: list[str]) -> bytes | None:
    """`hba xx:xx:…` (32 colon-separated hex bytes), None if it is not exactly that."""
    text = "".join(words)
    parts = text.split(":")
    if len(parts) != 32 or not all(1 <= len(p) <= 2 for p in parts):
        return None
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        return None


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
        return True
    except ValueError:
        return False
