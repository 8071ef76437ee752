"""Aligned text tables whose widths come from a first pass over the rows, fitted to a terminal.

Cells are already-safe strings (see fmt.safe). Widths are measured on all rows before the first
is printed; a SpooledTable measures rows as they arrive and parks them in a Spool, so a table of a
million transactions lines up without holding them in memory.
On a terminal the flexible columns are shortened until the table fits, the least important first
(highest `flex`), each down to its minimum before the next is touched; a cut cell ends in '…'.
If that is not enough, columns marked `drop` are left out, highest first. For pipes there is no
width limit, so nothing is ever cut or dropped.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from dhcpanalyze.reports.events import Spool

GAP = "  "
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    align: str = "<"            # '<' left, '>' right (numbers)
    flex: int = 0               # 0 never shortened; higher numbers are shortened first
    min_width: int = 6
    drop: int = 0               # 0 always shown; higher numbers are left out first when narrow
    late: bool = False          # cells are raw values formatted at print time (SpooledTable)


Paint = dict[int, Callable[[str, str], str]]   # column index -> (raw cell, padded cell) -> shown


def measure(columns: list[Column], rows: Iterable[list[str]]) -> list[int]:
    """The natural width of each column: its widest cell or header."""
    widths = [len(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    return widths


def fit(columns: list[Column], widths: list[int], max_width: int | None, indent: int) -> list[int]:
    """Widths for a row to fit `max_width`: shrink flexible columns, then drop some (width 0),
    then give any room the drops freed back to the shrunk columns, most important first."""
    natural, widths = widths, list(widths)
    if max_width is None:
        return widths
    over = indent + sum(widths) + len(GAP) * (len(widths) - 1) - max_width
    for i in _order(columns, "flex"):
        cut = min(max(over, 0), max(widths[i] - columns[i].min_width, 0))
        widths[i] -= cut
        over -= cut
    for i in _order(columns, "drop"):
        if over > 0:
            over -= widths[i] + len(GAP)
            widths[i] = 0
    for i in reversed(_order(columns, "flex")):
        grow = min(max(-over, 0), natural[i] - widths[i]) if widths[i] else 0
        widths[i] += grow
        over += grow
    return widths


def _order(columns: list[Column], attr: str) -> list[int]:
    """Indexes of columns with a non-zero `attr`, highest first."""
    marked = [i for i, c in enumerate(columns) if getattr(c, attr)]
    return sorted(marked, key=lambda i: -getattr(columns[i], attr))


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[:max(width - 1, 0)] + ELLIPSIS


def line(columns: list[Column], widths: list[int], cells: list[str], indent: int = 2,
         paint: Paint | None = None) -> str:
    """One table row; the last left-aligned cell is not padded (no trailing blanks)."""
    parts = []
    last = max((i for i, w in enumerate(widths) if w), default=0)
    for i, (column, width, cell) in enumerate(zip(columns, widths, cells)):
        if not width:
            continue
        shown = _cut(cell, width)
        padded = shown if i == last and column.align == "<" else f"{shown:{column.align}{width}}"
        parts.append(paint[i](cell, padded) if paint and i in paint else padded)
    return (" " * indent + GAP.join(parts)).rstrip()


def render(columns: list[Column], rows: list[list[str]], max_width: int | None,
           indent: int = 2, paint: Paint | None = None) -> Iterator[str]:
    """A small in-memory table: header plus rows."""
    widths = fit(columns, measure(columns, rows), max_width, indent)
    yield line(columns, widths, [c.header for c in columns], indent)
    for cells in rows:
        yield line(columns, widths, cells, indent, paint)


class SpooledTable:
    """A large table: rows are measured as they are added and parked in a Spool.

    Cells of columns marked `late` hold a raw value (a timestamp) formatted only when printed,
    because how to show it (with the date or not) is known only at the end of the capture.
    """

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        self.widths = [len(c.header) for c in columns]
        self.samples: dict[int, object] = {}
        self.rows = Spool()

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, cells: list) -> None:
        widths = self.widths
        for i, cell in enumerate(cells):
            if self.columns[i].late:
                if cell is not None:
                    self.samples.setdefault(i, cell)
            elif len(cell) > widths[i]:
                widths[i] = len(cell)
        self.rows.append(cells)

    def lines(self, max_width: int | None, late: Callable[[object], str], indent: int = 2,
              paint: Paint | None = None) -> Iterator[str]:
        widths = list(self.widths)
        for i, sample in self.samples.items():
            widths[i] = max(widths[i], len(late(sample)), len(late(None)))
        widths = fit(self.columns, widths, max_width, indent)
        yield line(self.columns, widths, [c.header for c in self.columns], indent)
        late_columns = [i for i, c in enumerate(self.columns) if c.late]
        for cells in self.rows:
            for i in late_columns:
                cells[i] = late(cells[i])
            yield line(self.columns, widths, cells, indent, paint)

    def close(self) -> None:
        self.rows.close()
