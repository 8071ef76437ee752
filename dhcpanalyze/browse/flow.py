"""Pure renderers of the two drawings: the sngrep-style ladder of a client's transactions, and the
failover relationship over time (state bands, link events, BNDUPD→BNDACK lag, clock skew).

Plain `Text` built by appending strings (wire strings escaped first): see render.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from dhcpanalyze.engine.history import MISSING
from dhcpanalyze.model import DhcpRecord
from dhcpanalyze.reports import fmt
from dhcpanalyze.reports.packets import ICMP_UNREACH
from dhcpanalyze.reports.text_failover import lag_words, skew_words

from .foindex import FoMessage
from .render import LazyLines
from .session import Ladder, Timeline

LANE = 18                       # characters per lane of the ladder
TIME_COL = 22                   # "+12.345678  Δ0.000123 "
BROADCAST = "255.255.255.255"
STEP_STYLES = {"DISCOVER": "", "OFFER": "cyan", "REQUEST": "", "ACK": "green", "NAK": "bold red",
               "RELEASE": "yellow", "DECLINE": "yellow", "ICMP": "bold red", "BNDUPD": "magenta",
               "BNDACK": "magenta"}


# -- the ladder ------------------------------------------------------------------------------------

@dataclass(slots=True)
class Lanes:
    titles: list[str]
    ips: list[set[str]]                  # addresses drawn in each lane
    relay: int | None                    # lane index of the relay, if any

    def of(self, ip: str) -> int | None:
        return next((i for i, ips in enumerate(self.ips) if ip in ips), None)


def lanes_of(ladder: Ladder) -> Lanes:
    """Client | Relay | Server A (primary) | Server B (secondary) | any other server."""
    dhcp = [s for s in ladder.steps if isinstance(s, DhcpRecord)]
    client_ips = {"0.0.0.0"} | {ip for t in ladder.txns for ip in (t.assigned_ip, t.ciaddr, t.requested_ip) if ip}
    relay_ips = {r.msg.giaddr for r in dhcp if r.msg.giaddr != "0.0.0.0"}
    relay_ips |= {r.src for r in dhcp if r.msg.op == 1 and r.msg.giaddr != "0.0.0.0" and r.src not in client_ips}
    servers = []
    if ladder.rel is not None:
        servers += [p for p in (ladder.rel.primary, ladder.rel.secondary) if p]
    for r in dhcp:
        if r.msg.op == 2 and r.via_icmp is None and r.src not in relay_ips and r.src not in servers:
            servers.append(r.src)
        if r.via_icmp is not None and r.via_icmp.sender not in servers and r.via_icmp.sender not in relay_ips:
            servers.append(r.via_icmp.sender)
    for s in ladder.steps:
        if isinstance(s, FoMessage):
            servers += [ip for ip in (s.src, s.dst) if ip not in servers]
    titles = ["Client"] + (["Relay"] if relay_ips else [])
    ips = [client_ips] + ([relay_ips] if relay_ips else [])
    for i, ip in enumerate(servers):
        titles.append(f"Server {chr(65 + i)}")
        ips.append({ip})
    return Lanes(titles, ips, 1 if relay_ips else None)


def _role(ladder: Ladder, ip: str) -> str:
    rel = ladder.rel
    if rel is None:
        return ""
    return " (primary)" if ip == rel.primary else " (secondary)" if ip == rel.secondary else ""


def ladder_header(ladder: Ladder) -> list[Text]:
    """Per transaction: what it was, who offered, who the split designates, who served."""
    lines = []
    for t in ladder.txns:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{fmt.safe(t.kind).upper()} ", "bold")
        line.append(f"xid 0x{t.xid:08x}  client {fmt.safe(t.mac or t.client_id)}")
        if t.hostname:
            line.append(f' "{fmt.safe(t.hostname)}"')
        line.append(f"  offered by {fmt.joined(t.offering_servers())}")
        if t.expected_server:
            line.append(f"  designated by split {fmt.safe(t.expected_server)}{_role(ladder, t.expected_server)}")
        line.append(f"  served by {fmt.safe(t.server)}{_role(ladder, t.server or '')}")
        if t.expected_server and t.server and t.server != t.expected_server:
            line.append(" (not the designated peer)", "bold yellow")
        line.append(f"  → {fmt.safe(t.outcome)}", "green" if t.outcome in ("ack", "released") else "bold red")
        lines.append(line)
    return lines


def lane_titles(ladder: Ladder, lanes: Lanes) -> list[Text]:
    """Three lines above the lanes: the lane's name, its address, the failover role."""
    lines = [Text(" " * TIME_COL, no_wrap=True) for _ in range(3)]
    for title, ips in zip(lanes.titles, lanes.ips):
        shown = sorted(ips - {"0.0.0.0"}) or ["0.0.0.0"]
        lines[0].append(title[:LANE - 1].center(LANE), "bold")
        lines[1].append(fmt.safe(shown[0])[:LANE - 1].center(LANE), "dim")
        lines[2].append(_role(ladder, shown[0]).strip(" ()").center(LANE), "dim")
    return lines


def ladder_lines(ladder: Ladder) -> list[Text]:
    """One line per message, in time order (line i is ladder.steps[i]): time, Δt, arrow, detail."""
    lanes = lanes_of(ladder)
    out, prev = [], None
    t0 = ladder.steps[0].ts if ladder.steps else 0.0
    for step in ladder.steps:
        src, dst, label, note = _endpoints(step, lanes)
        line = Text(no_wrap=True, overflow="ellipsis")
        delta = step.ts - prev if prev is not None else 0.0
        line.append(f"+{step.ts - t0:<10.6f} Δ{delta:<9.6f}"[:TIME_COL].ljust(TIME_COL), "dim")
        line.append_text(_arrow(len(lanes.titles), src, dst, label, STEP_STYLES.get(label.split()[0], "")))
        line.append("  " + note)
        out.append(line)
        prev = step.ts
    return out


def _endpoints(step, lanes: Lanes) -> tuple[int, int | str, str, str]:
    """(from lane, to lane or '*' for a broadcast to every server, arrow label, detail)."""
    servers = len(lanes.titles) - 1
    if isinstance(step, FoMessage):
        note = f"{fmt.safe(step.ip)} {fmt.safe(step.status or '')}".strip()
        if step.lag is not None:
            note += f"  lag {step.lag:.3f} s"
        if step.reject is not None:
            note += f"  rejected: {fmt.safe(step.reason_text)}"
        return lanes.of(step.src) or servers, lanes.of(step.dst) or servers, step.type_name, note
    m = step.msg
    kind = m.msg_type or ("BOOTREQUEST" if m.op == 1 else "BOOTREPLY")
    if step.via_icmp is not None:
        q = step.via_icmp
        why = ICMP_UNREACH.get(q.code, f"code {q.code}") if q.type == 3 else f"type {q.type}"
        sender = lanes.of(q.sender)
        return sender if sender is not None else servers, 0, "ICMP", f"{why} from {fmt.safe(q.sender)} (quoting the {kind})"
    if m.op == 1:
        src = lanes.of(step.src) if step.src not in lanes.ips[0] else 0
        src = 0 if src is None else src
        dst = lanes.of(step.dst)
        if dst is None:
            dst = lanes.relay if step.dst == BROADCAST and src == 0 and lanes.relay is not None else "*"
        return src, dst, kind, _request_note(step)
    src = lanes.of(step.src)
    dst = lanes.of(step.dst) if step.dst not in lanes.ips[0] else 0
    return (servers if src is None else src), (0 if dst is None else dst), kind, _reply_note(step)


def _request_note(rec: DhcpRecord) -> str:
    m = rec.msg
    wanted = m.option(50)
    parts = [str(wanted.value)] if wanted is not None else []
    server = m.option(54)
    if server is not None:
        parts.append(f"server {server.value}")
    if m.secs:
        parts.append(f"secs {m.secs}")
    if m.hops:
        parts.append(f"hops {m.hops}")
    return fmt.safe(" ".join(parts))


def _reply_note(rec: DhcpRecord) -> str:
    m = rec.msg
    parts = [m.yiaddr] if m.yiaddr != "0.0.0.0" else []
    lease = m.option(51)
    if lease is not None:
        parts.append(f"lease {lease.value}s")
    message = m.option(56)
    if message is not None:
        parts.append(f'"{message.value}"')
    return fmt.safe(" ".join(parts))


def _arrow(lanes: int, src: int, dst: int | str, label: str, style: str) -> Text:
    """The lanes as │ with an arrow from lane src to lane dst (dst '*': to the last lane, ticking each)."""
    width = lanes * LANE
    cells = [" "] * width
    centre = [i * LANE + LANE // 2 for i in range(lanes)]
    for c in centre:
        cells[c] = "│"
    end = centre[-1] if dst == "*" else centre[dst]
    start = centre[src]
    lo, hi = sorted((start, end))
    for c in range(lo + 1, hi):
        cells[c] = "─"
    cells[end] = "▶" if end > start else "◀"
    if end == start:
        cells[end] = "●"
    body = f" {label} "
    if hi - lo - 1 >= len(body):
        at = lo + 1 + (hi - lo - 1 - len(body)) // 2
        cells[at:at + len(body)] = list(body)
    if dst == "*":                       # a broadcast reaches every server on the way
        for c in centre[src + 1:-1]:
            if cells[c] == "─":
                cells[c] = "┼"
    text = Text(no_wrap=True)
    text.append("".join(cells[:lo + 1]))
    text.append("".join(cells[lo + 1:hi + 1]), style or "bold")
    text.append("".join(cells[hi + 1:]))
    if hi - lo - 1 < len(body):
        text.append(label, style or "bold")
    return text


# -- the failover relationship ---------------------------------------------------------------------

STATE_MARKS = {"normal": ("N", "on green"), "communications-interrupted": ("C", "on dark_orange"),
               "partner-down": ("P", "on red"), "recover": ("R", "on blue"),
               "recover-wait": ("W", "on blue"), "recover-done": ("D", "on blue"),
               "potential-conflict": ("!", "on magenta"), "startup": ("S", "on grey37"),
               "paused": ("p", "on grey37"), "shutdown": ("s", "on grey37"),
               "conflict-done": ("d", "on blue"), "resolution-interrupted": ("r", "on dark_orange")}
OMITTED = "…"                   # a band's cell among a long history's dropped changes
SPARK = "▁▁▂▃▄▅▆▇█"
EVENT_TYPES = {"CONNECT", "CONNECTACK", "DISCONNECT", "STATE"}


def failover_view(tl: Timeline, width: int = 100) -> LazyLines:
    """Configuration, state bands per peer, the link, update lag and outstanding, skew, then the
    events; an event line's item is its message or TCP event (its `.frame`: Enter jumps there)."""
    rel = tl.rel
    out = [_rel_title(rel), _rel_config(rel)]
    out += _peer_lines(rel)
    out.append(Text(""))
    out += state_bands(tl, max(width - 28, 20))
    out.append(Text(""))
    out += _binding_lines(tl, max(width - 24, 20))
    out.append(Text(""))
    out.append(Text("Events (CONNECT, reject, DISCONNECT, STATE, TCP) — Enter: the packet", "bold"))
    events = tl.messages(EVENT_TYPES) + list(tl.tcp)
    events.sort(key=lambda e: (e.ts, e.frame))
    return LazyLines(out + events, event_line)


def _rel_title(rel) -> Text:
    text = Text()
    text.append("Relationship ", "bold")
    text.append(f'"{fmt.safe(rel.name)}"', "bold cyan")
    text.append(f"  primary {fmt.safe(rel.primary)}  secondary {fmt.safe(rel.secondary)}")
    return text


def _rel_config(rel) -> Text:
    skew = "-" if rel.skew_s is None else skew_words(rel.skew_s)      # as the report says it
    style = "bold red" if rel.skew_s is not None and abs(rel.skew_s) >= 60 else \
        "yellow" if rel.skew_s is not None and abs(rel.skew_s) >= 30 else ""
    text = Text(f"MCLT {fmt.safe(rel.mclt)} s  split {fmt.safe(rel.split)}  "
                f"sessions {rel.sessions_total}  link downs {rel.link_downs}  "
                f"connect rejects {rel.connect_rejects}  clock skew ")
    text.append(skew, style)
    return text


def _peer_lines(rel) -> list[Text]:
    out = []
    for ip in sorted(rel.peers, key=lambda p: (p != rel.primary, p)):
        out.append(Text(f"  {fmt.safe(ip):<15} {rel.role(ip):<9} max-unacked "
                        f"{fmt.safe(rel.max_unacked.get(ip))}  receive-timer "
                        f"{fmt.safe(rel.receive_timer.get(ip))} s  vendor {fmt.safe(rel.vendor.get(ip))}"))
    return out


def _span(tl: Timeline) -> tuple[float, float]:
    first = tl.first_ts if tl.first_ts is not None else 0.0
    last = tl.last_ts if tl.last_ts is not None else first
    return first, max(last - first, 1e-9)


def state_bands(tl: Timeline, cols: int) -> list[Text]:
    """A band per peer, one cell per slice of the capture, coloured by the state it announced."""
    rel = tl.rel
    first, length = _span(tl)
    out = [Text(f"{'':28}{fmt.clock(first)} … {fmt.clock(first + length)}  "
                f"({length:.1f} s, {length / cols:.2f} s per cell; each peer's state as it last "
                "announced it: no STATE crosses a link that is down)", "dim")]
    for ip in sorted(rel.peers, key=lambda p: (p != rel.primary, p)):
        line = Text(f"  {fmt.safe(ip):<15} {rel.role(ip)[:9]:<9} ", no_wrap=True)
        before = None
        for state in _cell_states(rel, ip, first, length, cols):
            mark, style = _state_mark(state)
            # the letter where a stay begins, its colour after: a band reads as runs, not letters
            line.append(mark if state != before or not state else " ", style)
            before = state
        out.append(line)
    link = Text(f"  {'link':<25} ", no_wrap=True)
    for c in range(cols):
        entry = rel.link.at(first + (c + 1) * length / cols)
        up = entry[1] if entry is not None and entry is not MISSING else None
        link.append("━" if up else "╌" if up is False else OMITTED if entry is MISSING else "·",
                    "green" if up else "red" if up is False else "dim")
    out.append(link)
    omitted = _omitted_note(rel)
    if omitted is not None:
        out.append(omitted)
    seen = sorted({s["state"] for s in rel.states})
    legend = Text("  ")
    for state in seen:
        mark, style = STATE_MARKS.get(state, ("?", ""))
        legend.append(mark, style)
        legend.append(f" {fmt.safe(state)}  ")
    legend.append("━ link up  ╌ link down", "dim")
    out.append(legend)
    return out


def _state_mark(state: str | None) -> tuple[str, str]:
    if state is None:
        return "·", "dim"                # nothing announced yet
    return (OMITTED, "dim") if state == OMITTED else STATE_MARKS.get(state, ("?", ""))


def _cell_states(rel, ip: str, first: float, length: float, cols: int) -> list[str | None]:
    """The state shown in each cell: one other than normal announced within it (a short stay in
    communications-interrupted must not vanish between two samples), else the state at its end;
    OMITTED where a long history dropped the STATE messages (history.py)."""
    peer = rel.peer_states.get(ip)
    entries = list(peer) if peer is not None else []
    out, i = [], 0
    for c in range(cols):
        end = first + (c + 1) * length / cols
        within = []
        while i < len(entries) and entries[i][0] <= end:
            within.append(entries[i][1])
            i += 1
        unusual = [name for name in within if name != "normal"]
        entry = peer.at(end) if peer is not None else None
        out.append(unusual[-1] if unusual else OMITTED if entry is MISSING
                   else entry[1] if entry is not None else None)
    return out


def _omitted_note(rel) -> Text | None:
    """Said under the bands when a long history kept only its first and latest changes."""
    states, link = rel.states.omitted, rel.link.omitted
    if not states and not link:
        return None
    times = [rel.states.gap[0]["ts"], rel.states.gap[1]["ts"]] if states else []
    times += [rel.link.gap[0][0], rel.link.gap[1][0]] if link else []
    since, until = min(times), max(times)
    counts = " and ".join(f"{n:,} {what}" for n, what in
                          ((states, "STATE messages"), (link, "link changes")) if n)
    return Text(f"  … {counts} omitted between {fmt.clock(since)} and {fmt.clock(until)} "
                f"({OMITTED} in the bands: not kept) …", "dim")


def _binding_lines(tl: Timeline, cols: int) -> list[Text]:
    rel, (first, length) = tl.rel, _span(tl)
    b = rel.bindings
    mean = b.latency_sum / b.acked if b.acked else None
    out = [Text(f"Binding updates: sent {b.sent}, acked {b.acked}, rejected {b.rejected}; "
                f"{lag_words(mean, b.latency_max)}", "bold")]
    lag = _buckets(tl.lags(), first, length, cols)
    out.append(_spark("  lag", lag, cols, "s"))
    outstanding = _buckets(tl.outstanding(), first, length, cols)
    limit = max(rel.max_unacked.values(), default=None)
    line = _spark("  outstanding", outstanding, cols, "")
    if limit:
        peak = max((v for v in outstanding if v is not None), default=0)
        line.append(f"  (max-unacked {limit})", "bold red" if peak > limit else "dim")
    out.append(line)
    return out


def _buckets(points, first: float, length: float, cols: int) -> list[float | None]:
    """The largest value per time slice (None: nothing in it)."""
    out: list[float | None] = [None] * cols
    for ts, value in points:
        c = min(int((ts - first) / length * cols), cols - 1) if length else 0
        c = max(c, 0)
        out[c] = value if out[c] is None else max(out[c], value)
    return out


def _spark(title: str, values: list[float | None], cols: int, unit: str) -> Text:
    top = max((v for v in values if v is not None), default=0.0)
    text = Text(f"{title:<24}", no_wrap=True)
    for v in values:
        text.append("·" if v is None else SPARK[min(int(v / top * 8) if top else 0, 8)] or "▁",
                    "dim" if v is None else "magenta")
    text.append(f"  max {top:g}{unit}")
    return text


def event_line(event) -> Text:
    """The link's life: CONNECT, CONNECTACK (reject reasons), DISCONNECT, STATE, SYN/RST/FIN."""
    what, style = _fo_event(event) if isinstance(event, FoMessage) else _tcp_event(event)
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"  {fmt.clock(event.ts)} {event.frame:>8}  ", "dim")
    line.append(what, style)
    return line


def _fo_event(m: FoMessage) -> tuple[str, str]:
    where = f"{fmt.safe(m.src)} → {fmt.safe(m.dst)}"
    if m.type_name == "STATE":
        return f"STATE {fmt.safe(m.text)}  from {fmt.safe(m.src)}", "cyan"
    if m.reject is not None:
        return (f"{m.type_name} {where}  REJECT: {fmt.safe(m.reason_text)}"
                + (f' "{fmt.safe(m.text)}"' if m.text else ""), "bold red")
    if m.type_name == "DISCONNECT":
        return f"DISCONNECT {where}", "bold red"
    return f"{m.type_name} {where}" + (f' "{fmt.safe(m.text)}"' if m.text else ""), "green"


def _tcp_event(e) -> tuple[str, str]:
    style = "red" if e.kind in ("rst", "fin") else "dim"
    return f"TCP {e.kind.upper()} {fmt.safe(e.src)}:{e.sport} → {fmt.safe(e.dst)}:{e.dport}", style
