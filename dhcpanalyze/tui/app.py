"""`BrowseApp`: the shell. Key bindings, the loading worker, switching views and jumping to frames.

Everything it shows comes from a dhcpanalyze.browse Session; loading runs in a thread worker that
posts at most ~10 `Loaded` messages a second, so the first screen is up before the file is read.
"""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable

from textual import work
from textual.app import App
from textual.binding import Binding

from dhcpanalyze.browse.loader import Item, load
from dhcpanalyze.browse.session import Session
from dhcpanalyze.decode import CaptureError
from dissectors.text import escape_text

from .messages import Filtered, Loaded, LoadFailed, Written
from .screens.failover import FailoverScreen
from .screens.help import HelpScreen
from .screens.packets import PacketsScreen
from .screens.tables import FindingsScreen, LeasesScreen
from .screens.transactions import TransactionsScreen

SUMMARY_EVERY_S = 1.0


class BrowseApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "dhcpanalyze"
    MODES = {"packets": PacketsScreen, "transactions": TransactionsScreen, "failover": FailoverScreen,
             "leases": LeasesScreen, "findings": FindingsScreen}
    BINDINGS = [
        Binding("1", "switch_mode('packets')", "packets"),
        Binding("2", "switch_mode('transactions')", "transactions"),
        Binding("3", "switch_mode('failover')", "failover"),
        Binding("4", "switch_mode('leases')", "leases"),
        Binding("5", "switch_mode('findings')", "findings"),
        Binding("question_mark", "help", "help"),
        Binding("ctrl+q", "quit", "quit", priority=True),
        Binding("ctrl+c", "stop_capture", "stop capture", priority=True),
    ]

    def __init__(self, session: Session, source: Callable[[], Iterable[Item]], tune_gc: bool = False,
                 capture=None) -> None:
        super().__init__()
        self.session = session
        self.source = source
        self.tune_gc = tune_gc                  # the app owns the process: see on_loaded
        self.capture = capture                  # a LiveCapture (tui -i), else None
        self.error: str | None = None
        self.filtering: str | None = None       # a filter being applied (the file read again)
        self._drawn = 0.0                       # when a summarising view was last redrawn

    def on_mount(self) -> None:
        self.switch_mode("packets")
        self.load_source()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_source(self) -> None:
        try:
            for counts in load(self.session, self.source()):
                self.post_message(Loaded(counts.done))
        except CaptureError as exc:
            self.post_message(LoadFailed(str(exc)))

    def on_loaded(self, message: Loaded) -> None:
        """The packet list grows with each batch; the other views, which sort or summarise
        everything loaded so far, are redrawn at most once a second while loading."""
        if message.done and self.tune_gc:
            # What was loaded stays until the app ends: moved out of the collector's sight, a key
            # press no longer pays for a full collection over a million objects now and then.
            gc.collect()
            gc.freeze()
        now = time.monotonic()
        if not (message.done or isinstance(self.screen, PacketsScreen) or now - self._drawn >= SUMMARY_EVERY_S):
            return
        self._drawn = now
        with self.batch_update():
            self.screen.refresh_data()

    def on_load_failed(self, message: LoadFailed) -> None:
        self.error = message.error
        self.notify(escape_text(message.error), severity="error", timeout=10, markup=False)
        self.screen.refresh_data()

    # --- status ----------------------------------------------------------------------------------

    def status_text(self, filter_text: str = ""):
        from rich.text import Text
        s, c = self.session, self.session.counts
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" " + escape_text(", ".join(os.path.basename(p) for p in s.sources)) + " ", "bold reverse")
        shown = s.row_count()
        total = len(s.rows_)
        text.append(f"  {_count(total, 'packet')}" + (f" ({shown:,} shown)" if s.view is not None else ""))
        text.append(f" · {_count(c.transactions, 'transaction')} · {_count(c.findings, 'finding')}")
        if self.filtering is not None:
            text.append(f" · filtering {escape_text(self.filtering)}…", "bold yellow")
        elif filter_text:
            text.append(f" · filter: {escape_text(filter_text)}", "yellow")
        if self.error:
            text.append(f" · {escape_text(self.error)}", "bold red")
        elif c.done:
            text.append(f" · {_count(c.frames_read, 'frame')} read", "dim")
            if self.capture is not None:
                text.append(f" · {self._drops()}", "dim")
        elif self.capture is not None:
            text.append(" · live" + (" (stopping)" if self.capture.stopping else ", ctrl+c stops"),
                        "bold green")
        else:
            text.append(f" · loading {self._progress()}", "bold yellow")
        return text

    def _drops(self) -> str:
        live = self.capture.summary()
        dropped = live.get("dropped")
        return "drops unknown" if dropped is None else f"{dropped:,} dropped"

    def _progress(self) -> str:
        spans = self.session.store.spans
        if not spans:
            return "…"
        span = spans[-1]
        try:
            size = os.path.getsize(span.path)
        except OSError:
            return "…"
        done = max(span.offsets[-1], 0)
        return f"{min(done * 100 // max(size, 1), 99)}%" if not span.path.endswith(".gz") else "…"

    # --- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """ctrl+c stops a live capture; reading a file it is left to Textual."""
        return self.capture is not None if action == "stop_capture" else True

    def action_stop_capture(self) -> None:
        """The capture program ends; what it still holds is read, then the session finishes."""
        if not self.capture.stopping:
            self.capture.stop()
            self.notify("capture stopped; ctrl+q quits", timeout=4)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def goto_frame(self, frame: int) -> None:
        """Show a frame in the packet list (clearing a filter that hides it)."""
        row = self.session.row_of_frame(frame)
        if row is None:
            self.notify(f"frame {frame} carries no DHCP or failover message", timeout=3)
            return
        if self.session.view is not None and row not in self.session.view:
            self.session.set_filter("")
        self.switch_mode("packets")
        screen = self.screen
        if isinstance(screen, PacketsScreen):
            screen.select_row(row)

    def run_command(self, text: str) -> None:
        """`:` commands: w FILE, q, 1-5 or a view's name."""
        word, _, rest = text.strip().partition(" ")
        views = {"1": "packets", "2": "transactions", "3": "failover", "4": "leases", "5": "findings"}
        if word in ("w", "write") and rest.strip():
            self.write_pcap(rest.strip())
        elif word in ("q", "quit"):
            self.exit()
        elif word in views or word in views.values():
            self.switch_mode(views.get(word, word))
        else:
            self.notify("commands: w FILE, q, 1-5", severity="warning", timeout=3)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def filter_packets(self, text: str) -> None:
        """Judge every packet loaded so far (reading the file again) off the UI thread."""
        self.filtering = text
        self.session.set_filter(text)
        self.filtering = None
        self.post_message(Filtered())

    def on_filtered(self, message: Filtered) -> None:
        screen = self.screen
        if isinstance(screen, PacketsScreen):
            screen.filtered()
        else:
            screen.refresh_data()

    @work(thread=True, exit_on_error=False)
    def write_pcap(self, path: str) -> None:
        try:
            count = self.session.write_pcap(path)
            self.post_message(Written(f"wrote {count} frames to {path}", True))
        except OSError as exc:
            self.post_message(Written(f"{path}: {exc.strerror or exc}", False))

    def on_written(self, message: Written) -> None:
        self.notify(escape_text(message.text), severity="information" if message.ok else "error",
                    markup=False)


def _count(n: int, noun: str) -> str:
    """'1 transaction', '1,234 packets'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
