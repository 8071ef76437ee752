"""Failover: per relationship the configuration seen on the wire, state bands, link events, lag, skew."""
from __future__ import annotations

from rich.text import Text

from dhcpanalyze.browse import flow
from dhcpanalyze.browse.render import LazyLines

from ..widgets.linelist import LineList
from .base import ViewScreen


class FailoverScreen(ViewScreen):
    MODE = "failover"

    def __init__(self, rel=None) -> None:
        super().__init__()
        self.rel = rel
        self.lines: list = []

    def body(self):
        yield LineList(lambda: len(self.lines), lambda s, n: self.lines[s:s + n], id="failover")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#failover").focus()

    def on_resize(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        rels = [self.rel] if self.rel is not None else self.session.relationships()
        width = max(self.size.width, 60)
        items: list = []
        for rel in rels:
            items += flow.failover_view(self.session.timeline(rel), width).items + [Text("")]
        self.lines = LazyLines(items or [Text("No failover traffic (TCP 647) in this capture.")],
                               flow.event_line)
        self.query_one("#failover", LineList).reload()
        super().refresh_data()

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        item = self.lines.items[event.index]
        if not isinstance(item, Text):
            self.app.goto_frame(item.frame)
