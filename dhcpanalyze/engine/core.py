"""The sans-I/O correlation engine: records in, transactions and findings out, as soon as known.

    engine = Engine(EngineSettings(lb_max_secs=3))
    for record in records:                 # DhcpRecord / FailoverRecord / TcpEvent / CaptureIssue
        for out in engine.feed(record):    # Transaction and Finding objects
            ...
    outs = engine.expire(now_ts)           # live use: time passes without packets
    outs = engine.finish()                 # end of input: flush everything still open
    doc = engine.summary()                 # capture, servers, failover, leases, counts

Time comes only from the records. The engine never reads files, the clock, or imports a UI.
"""
from __future__ import annotations

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, TcpEvent

from .checks import COPY, ICMP, NEW, HookTable, all_checks, overriding, wants_dhcp, \
    wants_failover
from .context import Context
from .failover import FailoverTracker
from .findings import Finding, FindingGate
from .leases import LeaseTable
from .loadbalance import designate
from .servers import ServerTable
from .settings import EngineSettings
from .summary import CaptureStats, Counts, Summary
from .transactions import Transaction
from .txntable import TransactionTable

Output = Transaction | Finding


class Engine:
    def __init__(self, settings: EngineSettings | None = None) -> None:
        s = self.settings = settings or EngineSettings()
        self.ctx = Context(s, FailoverTracker(s), ServerTable(s.max_servers),
                           LeaseTable(s.max_leases))
        self.txns = TransactionTable(s)
        checks = all_checks()
        # hooks by record key, so a record costs only the checks that look at its kind
        self._on_dhcp = HookTable(checks, "on_dhcp", wants_dhcp)
        self._on_failover = HookTable(checks, "on_failover", wants_failover)
        self._on_transaction = overriding(checks, "on_transaction")
        self._on_issue = overriding(checks, "on_issue")
        self._on_expire = overriding(checks, "expire")
        self._on_finish = overriding(checks, "finish")
        # the handler per record class (one dict lookup instead of isinstance tests)
        self._handlers = {DhcpRecord: self._dhcp, FailoverRecord: self._failover,
                          TcpEvent: self._tcp, CaptureIssue: self._issue}
        self.gate = self.ctx.gate = FindingGate(s.finding_repeat_window_s, s.max_finding_keys,
                                                s.max_frames_listed)
        self.capture = CaptureStats()
        self.counts = Counts()
        self._next_sweep = float("-inf")
        self._finished = False

    def note_input(self, files: list[str], packets: int | None = None) -> None:
        """Tell the engine what it is reading (for the capture summary only)."""
        self.capture.files = list(files)
        self.capture.packets = packets

    # --- the three verbs -------------------------------------------------------------------

    def feed(self, record) -> list[Output]:
        """Apply one record; returns what became known because of it."""
        out: list[Output] = []
        self.capture.note(record)           # its last_ts is the engine's clock
        if record.ts >= self._next_sweep:
            self._sweep(record.ts, out)
        try:
            handler = self._handlers[type(record)]
        except KeyError:
            handler = self._handler_of(record)
        handler(record, out)
        return out

    def _handler_of(self, record):
        """The handler for a subclass of a record type, kept in the table from now on."""
        handler = next((h for kind, h in self._handlers.items() if isinstance(record, kind)),
                       self._ignore)
        self._handlers[type(record)] = handler
        return handler

    def expire(self, now: float) -> list[Output]:
        """Emit what timed out by capture time `now` (live captures between packets)."""
        out: list[Output] = []
        self._sweep(now, out)
        return out

    def finish(self) -> list[Output]:
        """Flush everything still open; call once at the end of the input."""
        out: list[Output] = []
        if self._finished:
            return out
        self._finished = True
        now = self.capture.last_ts if self.capture.last_ts is not None else 0.0
        self._sweep(now, out)
        emitted: list[Transaction] = []
        self.txns.drain(now, emitted)
        self._transactions(emitted, out)
        self._events(self.ctx.failover.finish(now), out)
        self._run(self._on_finish, out, now)
        for finding in self.gate.flush():
            self._admitted(finding, out)
        return out

    def summary(self) -> Summary:
        ctx = self.ctx
        rels = ctx.failover.relationships
        for rel in rels:
            for peer in sorted(rel.peers):      # a set: its order changes with the hash seed
                server = ctx.servers.get(peer, bounded=False)
                server.role, server.relationship = rel.role(peer), rel.name
        for ip, peer in ctx.aliases.items():
            rel = ctx.failover.for_server(peer)
            if rel is not None:
                server = ctx.servers.get(ip, bounded=False)
                server.role, server.relationship = rel.role(peer), rel.name
        counts = self.counts.to_dict(self.txns.evicted, ctx.leases.dropped)
        return Summary(self.capture, ctx.servers.all(), list(rels), ctx.leases.rows(), counts)

    # --- plumbing ------------------------------------------------------------------------------

    def _sweep(self, now: float, out: list[Output]) -> None:
        self._next_sweep = now + self.settings.expire_interval_s
        # the failover side first: a link found dead now dates its end back, and transactions
        # closing below are judged against that
        self._events(self.ctx.failover.expire(now), out)
        emitted: list[Transaction] = []
        self.txns.expire(now, emitted)
        if emitted:
            self._transactions(emitted, out)
        self._run(self._on_expire, out, now)

    def _run(self, methods: list, out: list[Output], subject) -> None:
        """Call each hook method with (subject, ctx) and emit what it finds."""
        ctx = self.ctx
        for method in methods:
            findings = method(subject, ctx)
            if findings:
                self._emit_all(findings, out)

    def _emit_all(self, findings: list[Finding], out: list[Output]) -> None:
        for finding in findings:
            for admitted in self.gate.admit(finding):
                self._admitted(admitted, out)

    def _admitted(self, finding: Finding, out: list[Output]) -> None:
        self.counts.finding(finding)
        self.ctx.failover.note_finding(finding)
        out.append(finding)

    def _transactions(self, emitted: list[Transaction], out: list[Output]) -> None:
        for txn in emitted:
            if txn.discovers:               # only a DISCOVER is load balanced
                designate(txn, self.ctx.rel_for_txn(txn), self.settings)
            self.counts.transaction(txn)
            out.append(txn)
            self._run(self._on_transaction, out, txn)

    def _dhcp(self, rec: DhcpRecord, out: list[Output]) -> None:
        self.capture.dhcp_messages += 1
        if rec.via_icmp is not None:
            self.capture.icmp_quoted += 1
        emitted: list[Transaction] = []
        applied = self.txns.feed(rec, emitted)
        if emitted:
            self._transactions(emitted, out)
        if applied.distinct:
            self._account(rec, applied)
        seen = NEW if applied.distinct else ICMP if rec.via_icmp is not None else COPY
        ctx = self.ctx
        for method in self._on_dhcp[applied.mtype, seen]:
            findings = method(rec, applied, ctx)
            if findings:
                self._emit_all(findings, out)
        if rec.msg.issues:
            self._issue(rec, out)

    def _account(self, rec: DhcpRecord, applied) -> None:
        """Server counts and the lease table, once per distinct message."""
        txn, ctx = applied.txn, self.ctx
        if rec.msg.op == 2:
            server = applied.server
            if server is not None:
                ctx.servers.reply(server, rec.src, rec.msg.giaddr, applied.mtype, rec.ts)
            if applied.mtype == "ACK" and txn.assigned_ip and server == txn.server:
                if txn.msg_types.count("ACK") == 1:      # before this exchange changed it
                    txn.prev_server = ctx.leases.server_of_client(txn.mac)
                ctx.leases.ack(txn, rec.ts, rec.frame, ctx.rel_for(txn.server) is not None)
        elif applied.mtype == "RELEASE" and txn.ciaddr:
            ctx.leases.client_event(txn.ciaddr, txn.mac, "released", rec.frame)
        elif applied.mtype == "DECLINE" and txn.requested_ip:
            ctx.leases.client_event(txn.requested_ip, txn.mac, "abandoned", rec.frame)

    def _failover(self, rec: FailoverRecord, out: list[Output]) -> None:
        self.capture.failover_messages += 1
        events = self.ctx.failover.message(rec)
        if events:
            self._events(events, out)
        if rec.msg.issues:
            self._issue(rec, out)

    def _tcp(self, ev: TcpEvent, out: list[Output]) -> None:
        self.capture.tcp_events += 1
        events = self.ctx.failover.feed(ev)
        if events:
            self._events(events, out)

    def _issue(self, rec, out: list[Output]) -> None:
        """A decoding problem: counted once per record, then the on_issue checks."""
        self.capture.malformed += 1
        self._run(self._on_issue, out, rec)

    def _ignore(self, rec, out: list[Output]) -> None:
        """A record of no known kind: counted as an event, nothing else."""
        self.capture.tcp_events += 1

    def _events(self, events, out: list[Output]) -> None:
        ctx, hooks = self.ctx, self._on_failover
        for ev in events:
            kind = ev.kind
            if kind == "bndupd":                # the event is its own data (events.py)
                ctx.leases.bndupd(ev, ev.frames[-1])
            elif kind == "bndack":
                ctx.leases.bndack(ev.ip, ev.reason is not None)
            for method in hooks[kind]:         # _run, without a call per event
                findings = method(ev, ctx)
                if findings:
                    self._emit_all(findings, out)
