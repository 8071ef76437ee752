"""Packets: Wireshark's three panes — the list (as `packets`), the decode tree (`-V`) and hex (`-x`)."""
from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, VerticalScroll
from textual.widgets import Static

from dhcpanalyze.browse import render

from ..widgets.linelist import LineList
from .base import ViewScreen

DETAIL_DELAY_S = 0.04          # decode details once the cursor rests (holding j does not decode each row)


class PacketsScreen(ViewScreen):
    MODE = "packets"
    BINDINGS = [
        Binding("t", "transaction", "transaction"),
        Binding("c", "client", "client"),
        Binding("s", "relationship", "relationship"),
    ]

    def body(self):
        yield Static(render.packet_header(), id="packet-header")
        yield LineList(self.session.row_count, self._fetch, id="packet-list")
        with Horizontal(id="lower"):
            with ScrollableContainer(id="details-pane", can_focus=True):
                yield Static(id="details")
            with VerticalScroll(id="hex-pane", can_focus=True):
                yield Static(id="hex")

    def _fetch(self, start: int, n: int):
        return [render.packet_line(kind, line) for _, kind, line in self.session.rows(start, n)]

    def on_mount(self) -> None:
        super().on_mount()
        self._timer = None
        self.query_one("#packet-list").focus()

    def refresh_data(self) -> None:
        lst = self.query_one("#packet-list", LineList)
        empty = lst._total == 0
        lst.reload()
        if empty and lst._total:
            self._show(lst.cursor)
        super().refresh_data()

    def filter_text(self) -> str:
        flt = self.session.filter
        return flt.text if flt is not None else ""

    def apply_filter(self, text: str) -> None:
        self.session.set_filter(text)
        self.query_one("#packet-list", LineList).reload(keep_cursor=False)

    # --- the selected packet -----------------------------------------------------------------------

    def current_row(self) -> int | None:
        lst = self.query_one("#packet-list", LineList)
        rows = self.session.rows(lst.cursor, 1)
        return rows[0][0] if rows else None

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DETAIL_DELAY_S, lambda: self._show(event.index))

    def _show(self, index: int) -> None:
        rows = self.session.rows(index, 1)
        if not rows:
            return
        record = self.session.record(rows[0][0])
        self.query_one("#details", Static).update(render.detail_text(record, self.session.rows_.t0 or 0.0))
        self.query_one("#hex", Static).update(render.hex_text(getattr(record, "raw", b"") if record else b""))

    def select_row(self, row: int) -> None:
        lst = self.query_one("#packet-list", LineList)
        lst.reload()
        lst.go(self.session.position_of(row))
        lst.focus()

    # --- cross-navigation ----------------------------------------------------------------------------

    def _follow(self, lookup, open_screen, missing: str) -> None:
        """Open what the selected packet belongs to (t, c, s)."""
        row = self.current_row()
        found = lookup(row) if row is not None else None
        if found is None:
            self.notify(missing, timeout=3)
        else:
            self.app.push_screen(open_screen(found))

    def action_transaction(self) -> None:
        from .transactions import LadderScreen
        self._follow(self.session.transaction_of_row, lambda txn: LadderScreen([txn]),
                     "no transaction for this packet (failover, TCP, or not closed yet)")

    def action_client(self) -> None:
        from .transactions import TransactionsScreen
        self._follow(self.session.client_of_row, lambda mac: TransactionsScreen(client=mac),
                     "no client for this packet")

    def action_relationship(self) -> None:
        from .failover import FailoverScreen
        self._follow(self.session.relationship_of_row, lambda rel: FailoverScreen(rel=rel),
                     "no failover relationship for this packet")
