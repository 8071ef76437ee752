"""What every view shares: the tab bar, the filter/command bar, the status line, back and close."""
from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from dhcpanalyze.browse.search import BadFilter, compile_text

from ..widgets.bars import CommandBar, StatusLine, TabBar
from ..widgets.linelist import LineList


class ViewScreen(Screen):
    MODE = "packets"            # the tab shown as current
    BINDINGS = [
        Binding("backspace,escape", "back", "back"),
        Binding("q", "back", "close view"),
        Binding("slash", "open_bar('filter')", "filter"),
        Binding("colon", "open_bar('command')", "command"),
        Binding("w", "open_bar('command', 'w ')", "write pcap"),
    ]

    def compose(self):
        yield TabBar(self.MODE, id="tabs")
        yield from self.body()
        yield CommandBar(id="bar")
        yield StatusLine(id="status")

    def body(self):
        return []

    @property
    def session(self):
        return self.app.session

    def on_mount(self) -> None:
        self.query_one(CommandBar).display = False
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """The session has more (or filtered) data: redraw what depends on it."""
        self.update_status()

    def update_status(self) -> None:
        self.query_one(StatusLine).update(self.app.status_text(self.filter_text()))

    def filter_text(self) -> str:
        return ""

    def main_list(self) -> LineList | None:
        lists = self.query(LineList)
        return lists.first() if lists else None

    # --- back, close, the bar ---------------------------------------------------------------------

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.notify("this is a top view: 1-5 switch views, ctrl+q quits", timeout=2)

    def action_open_bar(self, kind: str, value: str = "") -> None:
        value = value or (self.filter_text() if kind == "filter" else "")
        self.query_one(CommandBar).open(kind, value)

    def on_input_changed(self, event: Input.Changed) -> None:
        bar = self.query_one(CommandBar)
        if bar.kind != "filter":
            return
        try:
            self.check_filter(event.value)
            bar.set_class(bool(event.value.strip()), "valid")
            bar.remove_class("invalid")
        except BadFilter:
            bar.remove_class("valid")
            bar.add_class("invalid")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        bar = self.query_one(CommandBar)
        if bar.kind == "filter":
            try:
                self.apply_filter(event.value)
            except BadFilter as exc:
                self.notify(exc.message, severity="error")
                return
        else:
            self.app.run_command(event.value)
        bar.close()

    def on_command_bar_closed(self, event: CommandBar.Closed) -> None:
        main = self.main_list()
        if main is not None:
            main.focus()
        self.update_status()

    def check_filter(self, text: str) -> None:
        """Raise BadFilter if `text` is not a filter of this view."""
        compile_text(text)

    def apply_filter(self, text: str) -> None:
        self.notify("the filter applies to the packet list (1)", timeout=2)
