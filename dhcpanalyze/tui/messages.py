"""Messages the loading worker posts to the app (from its thread; post_message is thread-safe)."""
from __future__ import annotations

from textual.message import Message


class Loaded(Message):
    """A batch of records went into the session (at most ~10 a second); `done` at the end."""

    def __init__(self, done: bool) -> None:
        super().__init__()
        self.done = done

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Loaded) and not message.done


class LoadFailed(Message):
    """The input could not be read at all (not a capture, missing)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class Written(Message):
    """`:w FILE` finished: how many frames went to which file, or what went wrong."""

    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text, self.ok = text, ok


class Filtered(Message):
    """The packet filter was applied to the rows loaded so far (the file was read again)."""
