"""`LineList`: a cursor list of any length that renders only the lines on screen (Textual's line API).

The owner gives a line count and a function for lines start..start+n (Rich Text); nothing is
stored per line, so a million rows cost what the visible ones cost (DataTable measures every row
it is given: 100k rows take about a minute, ../shared/docs/wave2-design.md §1.5).
"""
from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

CURSOR = Style(reverse=True)
BLURRED = Style(underline=True, bold=True)


class LineList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "move(1)", "down", show=False),
        Binding("k,up", "move(-1)", "up", show=False),
        Binding("pagedown,space,ctrl+f", "page(1)", "page down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "page up", show=False),
        Binding("g,home", "top", "top", show=False),
        Binding("G,end", "bottom", "bottom", show=False),
        Binding("enter", "choose", "open", show=False),
    ]
    cursor = reactive(0, always_update=True, init=False)

    class Moved(Message):
        """The cursor moved to `index`."""

        def __init__(self, lines: "LineList", index: int) -> None:
            super().__init__()
            self.lines, self.index = lines, index

    class Chosen(Message):
        """Enter (or a click on the chosen line) at `index`."""

        def __init__(self, lines: "LineList", index: int) -> None:
            super().__init__()
            self.lines, self.index = lines, index

    def __init__(self, count: Callable[[], int], fetch: Callable[[int, int], list[Text]],
                 width: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.count, self.fetch = count, fetch
        self.line_width = width
        self._window: tuple[int, list[Text]] = (0, [])
        self._total = 0
        self.following = False          # a live capture: the cursor stays on the newest line

    # --- data ------------------------------------------------------------------------------

    def reload(self, keep_cursor: bool = True, appended: bool = False) -> None:
        """The owner's data changed (a new filter, other lines): size and lines again. With
        `appended`, lines were only added at the end: what is on screen is redrawn only if the new
        lines show (a capture loading below the first screen costs just the scrollbar)."""
        before, self._total = self._total, self.count()
        self.virtual_size = Size(max(self.line_width, self.size.width), self._total)
        if self.following and appended and self._total > before:
            self._window = (0, [])
            self.cursor = self._total - 1
            return
        if appended and before >= self.scroll_offset.y + self.size.height and self._total >= before:
            return
        self._window = (0, [])
        if not keep_cursor or self.cursor >= self._total:
            self.cursor = max(min(self.cursor if keep_cursor else 0, self._total - 1), 0)
        self.refresh()

    def _line(self, index: int) -> Text | None:
        start, lines = self._window
        if not start <= index < start + len(lines):
            height = max(self.size.height, 1)
            start = max(index - height, 0)
            lines = self.fetch(start, height * 3)
            self._window = (start, lines)
        offset = index - start
        return lines[offset] if offset < len(lines) else None

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self.rich_style
        text = self._line(index) if index < self._total else None
        if text is None:
            return Strip.blank(width, style)
        # the widget's colours under the line's own, so a line and the space after it share one background
        strip = Strip(text.render(self.app.console), text.cell_len).apply_style(style)
        strip = strip.crop_extend(scroll_x, scroll_x + width, style)
        if index == self.cursor:
            strip = Strip(Segment.apply_style(strip, post_style=CURSOR if self.has_focus else BLURRED), width)
        return strip

    def on_resize(self) -> None:
        self.virtual_size = Size(max(self.line_width, self.size.width), self._total)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- the cursor ------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Moved(self, new))

    def scroll_to_cursor(self) -> None:
        top, height = self.scroll_offset.y, max(self.size.height, 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def go(self, index: int) -> None:
        self.cursor = max(min(index, self._total - 1), 0)

    def action_move(self, step: int) -> None:
        self._stop_following()
        self.go(self.cursor + step)

    def action_page(self, pages: int) -> None:
        self._stop_following()
        self.go(self.cursor + pages * max(self.size.height - 1, 1))

    def action_top(self) -> None:
        self._stop_following()
        self.go(0)

    def action_bottom(self) -> None:
        """G: the last line; following a live capture again."""
        self.following = self.can_follow
        self.go(self._total - 1)

    can_follow = False                  # set by the owner of a live list

    def _stop_following(self) -> None:
        """The user scrolls: new lines no longer move the cursor (G resumes)."""
        self.following = False

    def on_mouse_scroll_up(self) -> None:
        self._stop_following()

    def action_choose(self) -> None:
        if self._total:
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self._total:
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.go(index)
