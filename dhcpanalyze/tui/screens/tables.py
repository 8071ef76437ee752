"""Leases (as dhcp-lease-list, with replicated yes/no) and Findings (by severity and code)."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from dhcpanalyze.browse import render

from ..widgets.linelist import LineList
from .base import ViewScreen


class LeasesScreen(ViewScreen):
    MODE = "leases"

    def __init__(self) -> None:
        super().__init__()
        self.leases: list = []

    def body(self):
        yield Static("Leases rebuilt from ACKs and BNDUPDs — Enter: the transactions of the address",
                     id="title", markup=False)
        yield Static(render.lease_header(), id="lease-header")
        yield LineList(lambda: len(self.leases),
                       lambda s, n: [render.lease_row(x) for x in self.leases[s:s + n]], id="lease-list")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#lease-list").focus()

    def refresh_data(self) -> None:
        self.leases = self.session.leases()
        self.query_one("#lease-list", LineList).reload()
        super().refresh_data()

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        from .transactions import TransactionsScreen
        self.app.push_screen(TransactionsScreen(ip=self.leases[event.index].ip))


class FindingsScreen(ViewScreen):
    MODE = "findings"

    def __init__(self) -> None:
        super().__init__()
        self.lines: list = []

    def body(self):
        yield LineList(lambda: len(self.lines), lambda s, n: self.lines[s:s + n], id="finding-list")
        yield Static(id="finding-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#finding-list").focus()

    def refresh_data(self) -> None:
        self.lines = render.findings_view(self.session.findings_grouped())
        self.query_one("#finding-list", LineList).reload()
        super().refresh_data()

    def _finding(self, index: int):
        """The finding of a line, or of the first line below a heading."""
        return next((item for item in self.lines.items[index:] if not isinstance(item, Text)), None)

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        finding = self._finding(event.index)
        if finding is not None:
            self.query_one("#finding-detail", Static).update(render.finding_detail(finding))

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        finding = self._finding(event.index)
        if finding is not None and finding.frames:
            self.app.goto_frame(finding.frames[0])
