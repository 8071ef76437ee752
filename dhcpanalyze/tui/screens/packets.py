"""Packets: Wireshark's three panes — the list (as `packets`), the decode tree (`-V`) and hex (`-x`)."""
from __future__ import annotations

import time

from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, VerticalScroll
from textual.widgets import Static

from dhcpanalyze.browse import render
from dhcpanalyze.browse.search import compile_text

from ..widgets.linelist import LineList
from .base import ViewScreen

DETAIL_DELAY_S = 0.04          # while the cursor keeps moving (j held), details wait until it rests


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
        self._last_move = 0.0
        lst = self.query_one("#packet-list", LineList)
        lst.can_follow = lst.following = getattr(self.app, "capture", None) is not None
        lst.focus()

    def refresh_data(self) -> None:
        lst = self.query_one("#packet-list", LineList)
        empty = lst._total == 0
        lst.reload(appended=True)
        if empty and lst._total:
            self._show(lst.cursor)
        super().refresh_data()

    def filter_text(self) -> str:
        flt = self.session.filter
        return flt.text if flt is not None else ""

    def apply_filter(self, text: str) -> None:
        compile_text(text)                      # a bad filter is refused here, at once
        self.app.filter_packets(text)

    def filtered(self) -> None:
        self.query_one("#packet-list", LineList).reload(keep_cursor=False)
        self.update_status()

    # --- the selected packet -----------------------------------------------------------------------

    def current_row(self) -> int | None:
        return self.session.row_at(self.query_one("#packet-list", LineList).cursor)

    def on_line_list_moved(self, event: LineList.Moved) -> None:
        """A single move shows its details at once; a quick run of moves only the last one's."""
        if self._timer is not None:
            self._timer.stop()
        now = time.monotonic()
        if now - self._last_move >= DETAIL_DELAY_S:
            self.call_after_refresh(self._show, event.index)
        else:
            self._timer = self.set_timer(DETAIL_DELAY_S, lambda: self._show(event.index))
        self._last_move = now

    def _show(self, index: int) -> None:
        row = self.session.row_at(index)
        if row is None:
            return
        record = self.session.record(row)
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
