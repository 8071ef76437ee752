"""The bars around every view: tabs on top, the filter/command bar and the status line at the bottom."""
from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.widgets import Input, Static

TABS = (("1", "packets", "Packets"), ("2", "transactions", "Transactions"), ("3", "failover", "Failover"),
        ("4", "leases", "Leases"), ("5", "findings", "Findings"))


class TabBar(Static):
    """`1 Packets  2 Transactions …`, the current one highlighted; a click switches."""

    def __init__(self, current: str, **kwargs) -> None:
        self._spans: list[tuple[int, int, str]] = []      # (first column, end column, view)
        super().__init__(self._text(current), **kwargs)
        self.current = current

    def _text(self, current: str) -> Text:
        text, self._spans = Text(no_wrap=True), []
        for key, mode, title in TABS:
            start = len(text)
            text.append(f" {key} {title} ", "bold reverse" if mode == current else "")
            self._spans.append((start, len(text), mode))
            text.append(" ")
        text.append("   ? help  / filter  ctrl+q quit", "dim")
        return text

    def on_click(self, event: Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.app.switch_mode(mode)


class StatusLine(Static):
    """Source, counts, the filter, loading progress."""


class CommandBar(Input):
    """`/` filter (validated as typed) or `:` command; Esc closes it."""

    class Closed(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = "filter"

    def open(self, kind: str, value: str = "") -> None:
        self.kind = kind
        self.placeholder = ("filter: client MAC, IPv4 address or xid (Enter applies, empty clears)"
                            if kind == "filter" else "command: w FILE (write the shown packets as pcap), q, 1-5")
        self.value = value
        self.remove_class("valid", "invalid")
        self.display = True
        self.focus()

    def close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

    def key_escape(self) -> None:
        self.close()
