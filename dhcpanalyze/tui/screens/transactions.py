"""Transactions (one row per client exchange, as `report`) and the ladder of one or more of them."""
from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Static

from dhcpanalyze.browse import flow, render
from dhcpanalyze.browse.search import compile_search
from dhcpanalyze.reports import fmt

from ..widgets.linelist import LineList
from .base import ViewScreen


class TransactionsScreen(ViewScreen):
    """All transactions, or those of one client / one address (`client=`, `ip=`)."""

    MODE = "transactions"
    BINDINGS = [Binding("c", "client", "client ladder")]

    def __init__(self, client: str | None = None, ip: str | None = None) -> None:
        super().__init__()
        self.client, self.ip = client, ip
        self.search = ""
        self.txns: list = []

    def body(self):
        scope = f"client {fmt.safe(self.client)}" if self.client else \
            f"address {fmt.safe(self.ip)}" if self.ip else "all clients"
        yield Static(f"Transactions of {scope} — Enter: ladder, c: every transaction of the client",
                     id="title", markup=False)
        yield Static(render.transaction_header(), id="txn-header")
        yield LineList(lambda: len(self.txns), self._fetch, id="txn-list")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#txn-list").focus()

    def _fetch(self, start: int, n: int):
        return [render.transaction_row(t) for t in self.txns[start:start + n]]

    def refresh_data(self) -> None:
        txns = self.session.transactions_sorted(client=self.client, ip=self.ip)
        flt = compile_search(self.search)
        if flt is not None:
            txns = [t for t in txns if flt.matches_line(render.transaction_row(t).plain)]
        self.txns = txns
        self.query_one("#txn-list", LineList).reload()
        super().refresh_data()

    def filter_text(self) -> str:
        return self.search

    def check_filter(self, text: str) -> None:
        compile_search(text)

    def apply_filter(self, text: str) -> None:
        """A client MAC, an address or an xid (display filters are for packets)."""
        compile_search(text)
        self.search = text.strip()
        self.refresh_data()

    def selected(self):
        lst = self.query_one("#txn-list", LineList)
        return self.txns[lst.cursor] if self.txns else None

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        self.app.push_screen(LadderScreen([self.txns[event.index]]))

    def action_client(self) -> None:
        txn = self.selected()
        if txn is not None and txn.mac:
            self.app.push_screen(LadderScreen(self.session.transactions_sorted(client=txn.mac)))


class LadderScreen(ViewScreen):
    """The sngrep-style flow: Client | Relay | Server A | Server B; Enter jumps to the packet."""

    MODE = "transactions"

    def __init__(self, txns: list) -> None:
        super().__init__()
        self.ladder = None
        self.txns = txns
        self.lines: list = []

    def body(self):
        yield Static(id="ladder-head")
        yield LineList(lambda: len(self.lines), lambda s, n: self.lines[s:s + n], id="ladder")

    def on_mount(self) -> None:
        self.ladder = self.session.ladder(self.txns)
        lanes = flow.lanes_of(self.ladder)
        head = flow.ladder_header(self.ladder) + flow.lane_titles(self.ladder, lanes)
        from rich.text import Text
        self.query_one("#ladder-head", Static).update(Text("\n").join(head))
        self.lines = flow.ladder_lines(self.ladder)
        super().on_mount()
        self.query_one("#ladder").focus()

    def refresh_data(self) -> None:
        lst = self.query(LineList)
        if lst:
            lst.first().reload()
        super().refresh_data()

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        self.app.goto_frame(self.ladder.steps[event.index].frame)
