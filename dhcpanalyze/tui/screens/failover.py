"""Failover: per relationship the configuration seen on the wire, state bands, link events, lag, skew."""
from __future__ import annotations

from textual.widgets import Static

from dhcpanalyze.browse import flow

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
        lines = []
        for rel in rels:
            lines += flow.failover_lines(self.session.timeline(rel), width)
            lines.append(flow.Text(""))
        if not rels:
            lines = [flow.Text("No failover traffic (TCP 647) in this capture.")]
        self.lines = lines
        self.query_one("#failover", LineList).reload()
        super().refresh_data()
