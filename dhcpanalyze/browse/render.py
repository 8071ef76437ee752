"""Pure renderers of the browser's views: session data in, Rich `Text` out (no app needed to test them).

Every string that came from the wire (host names, relationship names, reject messages, server
messages) goes through the project's escaper (`fmt.safe` / `escape_text`) and into `Text` as plain
text: `Text.append(str)` and `Text(str)`, never markup, so `[bold]`, `[link=…]`, escape sequences and
bidi controls in a capture are shown, not obeyed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from rich.text import Text

from dhcpanalyze.engine.findings import Finding
from dhcpanalyze.engine.transactions import Transaction
from dhcpanalyze.model import Record
from dhcpanalyze.reports import fmt
from dhcpanalyze.reports.packets import hex_lines, tree_lines
from dhcpanalyze.reports.text_tables import lease_cells, transaction_cells

from .rows import DHCP, FAILOVER, ICMP, ISSUE, TCP

KIND_STYLES = {DHCP: "", ICMP: "bold red", FAILOVER: "cyan", TCP: "dim", ISSUE: "bold magenta"}
OUTCOME_STYLES = {"ack": "green", "informed": "green", "replied": "green", "released": "",
                  "nak": "red", "unreachable": "red", "no-offer": "red", "no-ack": "red",
                  "no-reply": "red", "declined": "yellow", "offered-only": "yellow",
                  "incomplete": "dim"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _cells(widths: Iterable[int], cells: Iterable[str], styles: dict[int, str] | None = None) -> Text:
    """Fixed-width columns; a cell longer than its column is cut with '…'."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (width, cell) in enumerate(zip(widths, cells)):
        cell = cell if len(cell) <= width else cell[:max(width - 1, 0)] + "…"
        text.append(cell.ljust(width) + " ", (styles or {}).get(i, ""))
    text.rstrip()
    return text


class LazyLines(Sequence):
    """Lines made only when shown: `items` are Text or data that `make(item)` turns into Text.

    The failover events and the findings of a large capture are tens of thousands of lines;
    making each a Text on every redraw would stall the screen for a second."""

    def __init__(self, items: list, make: Callable[[object], Text]) -> None:
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._text(item) for item in self.items[index]]
        return self._text(self.items[index])

    def _text(self, item) -> Text:
        return item if isinstance(item, Text) else self.make(item)


# -- packets ---------------------------------------------------------------------------------------

def packet_line(kind: int, line: str, selected: bool = False) -> Text:
    """One row of the packet list (the line `packets` prints; already escaped when it was made)."""
    text = Text(line, style=KIND_STYLES.get(kind, ""), no_wrap=True, overflow="ellipsis")
    if selected:
        text.stylize("reverse")
    return text


def packet_header() -> Text:
    from dhcpanalyze.reports.packets import HEADER
    return Text(HEADER, style="bold", no_wrap=True)


def detail_text(record: Record | None, t0: float) -> Text:
    """The `packets -V` tree of a record (its lines are escaped by the dissectors)."""
    if record is None:
        return Text("(not kept: this source cannot be read again, and only its latest records are kept)",
                    style="dim")
    text = Text(no_wrap=True)
    for i, line in enumerate(tree_lines(record, t0)):
        text.append(line + "\n", "bold" if i == 0 else "")
    return text


def hex_text(raw: bytes) -> Text:
    """The `packets -x` dump (ASCII column shows dots for anything unprintable)."""
    return Text("\n".join(hex_lines(raw)) if raw else "(no frame bytes)", no_wrap=True)


# -- transactions ------------------------------------------------------------------------------------

# What went wrong first: outcome, client, address and who served fit 140 columns; the rest follows.
# Each column: (header, width, index in `report`'s transaction cells after the time).
TXN_COLUMNS = (("KIND", 11, 0), ("OUTCOME", 12, 12), ("CLIENT", 17, 2), ("ADDRESS", 15, 8),
               ("SERVER", 15, 6), ("EXPECTED", 15, 7), ("OFFERED-BY", 15, 5), ("HOSTNAME", 14, 3),
               ("LEASE", 5, 9), ("XID", 10, 1), ("MESSAGES", 26, 4))
TXN_WIDTHS = (12,) + tuple(width for _, width, _ in TXN_COLUMNS)
TXN_HEADER = ("TIME",) + tuple(name for name, _, _ in TXN_COLUMNS)
_OUTCOME_COLUMN = TXN_HEADER.index("OUTCOME")


def transaction_header() -> Text:
    return _cells(TXN_WIDTHS, TXN_HEADER, {i: "bold" for i in range(len(TXN_HEADER))})


def transaction_row(txn: Transaction) -> Text:
    """A row of `report`'s cells, outcome first (the relay and delay columns left to the ladder)."""
    time, *cells = transaction_cells(txn.to_dict())
    return _cells(TXN_WIDTHS, [fmt.clock(time)] + [cells[i] for _, _, i in TXN_COLUMNS],
                  {_OUTCOME_COLUMN: OUTCOME_STYLES.get(txn.outcome, "")})


# -- leases ------------------------------------------------------------------------------------------

LEASE_WIDTHS = (15, 17, 16, 19, 19, 15, 10, 10)
LEASE_HEADER = ("ADDRESS", "MAC", "HOSTNAME", "STARTS", "ENDS", "SERVER", "STATE", "REPLICATED")


def lease_header() -> Text:
    return _cells(LEASE_WIDTHS, LEASE_HEADER, {i: "bold" for i in range(len(LEASE_HEADER))})


def lease_row(lease) -> Text:
    cells = lease_cells(lease.to_dict())
    style = {None: "", True: "green", False: "bold red"}[lease.replicated]
    return _cells(LEASE_WIDTHS, cells, {7: style})


# -- findings ----------------------------------------------------------------------------------------

def findings_view(groups: list[tuple[str, str, list[Finding]]]) -> LazyLines:
    """Per group (most severe first) a heading with the count and the explanation, then one line
    per finding; a line's item is its Finding (Enter jumps to its frames), or a heading's Text."""
    items: list = []
    for severity, code, findings in groups:
        head = Text()
        head.append(f"{severity.upper():<8}", SEVERITY_STYLES.get(severity, ""))
        head.append(f"{code}  ({sum(f.count for f in findings)})", "bold")
        items += [head, Text("    " + fmt.safe(findings[0].explanation), "italic dim"), *findings]
    return LazyLines(items, finding_line)


def finding_line(f: Finding) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"  {fmt.clock(f.ts)}  ", "dim")
    text.append(fmt.safe(f.message))
    frames = ",".join(str(n) for n in f.frames[:6]) + ("…" if len(f.frames) > 6 else "")
    text.append(f"  [frames {frames}]" if frames else "", "dim")
    return text


def finding_detail(f: Finding) -> Text:
    """The selected finding in full: message, explanation, the ISC log line, its frames."""
    text = Text()
    text.append(f"{f.severity.upper()} {f.code}\n", SEVERITY_STYLES.get(f.severity, "bold"))
    text.append(fmt.safe(f.message) + "\n")
    text.append(fmt.safe(f.explanation) + "\n", "italic")
    for line in f.isc_log if isinstance(f.isc_log, list) else [f.isc_log] if f.isc_log else []:
        text.append("ISC log: ", "bold")
        text.append(fmt.safe(line) + "\n")
    text.append(f"frames: {', '.join(map(str, f.frames)) or '-'}   (Enter: go to the first)", "dim")
    return text
