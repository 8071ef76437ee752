"""Terminal presentation choices: whether to colour, how wide to be, and the ANSI palette.

Colour is for a person at a terminal only: never in a pipe or file, never with --no-color, never
when NO_COLOR is set to anything (https://no-color.org). Width is the terminal's when stdout is
one; pipes get unlimited width so scripts and diffs see whole cells.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

# SGR codes (ECMA-48 §8.3.117).
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
        "magenta": "35", "cyan": "36"}
_RESET = "\x1b[0m"

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
OUTCOME_STYLE = {"ack": "green", "nak": "red", "no-offer": "yellow", "no-ack": "yellow",
                 "unreachable": "red", "decline": "yellow"}
HEALTH_STYLE = {"healthy": "green", "degraded": "yellow", "broken": "red"}


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # closed or replaced streams
        return False


def wants_color(stream: TextIO, no_color: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and not when the user said no (flag or NO_COLOR)."""
    return not no_color and not environ.get("NO_COLOR") and is_tty(stream)


def terminal_width(stream: TextIO) -> int | None:
    """Columns of the terminal behind `stream`, or None (no limit) for pipes and files."""
    if not is_tty(stream):
        return None
    return shutil.get_terminal_size(fallback=(100, 24)).columns


@dataclass(frozen=True, slots=True)
class Palette:
    """Wraps text in SGR sequences when enabled; the identity otherwise."""

    enabled: bool = False

    def paint(self, text: str, *styles: str | None) -> str:
        codes = [_SGR[s] for s in styles if s in _SGR]
        if not self.enabled or not codes or not text:
            return text
        return f"\x1b[{';'.join(codes)}m{text}{_RESET}"

    def severity(self, text: str, severity: str) -> str:
        return self.paint(text, SEVERITY_STYLE.get(severity.lower()), "bold")

    def outcome(self, text: str, outcome: str) -> str:
        return self.paint(text, OUTCOME_STYLE.get(outcome.strip()))

    def health(self, text: str, verdict: str) -> str:
        return self.paint(text, HEALTH_STYLE.get(verdict), "bold")

    def heading(self, text: str) -> str:
        return self.paint(text, "bold")


@dataclass(slots=True)
class TextOptions:
    """How the text report looks: width None means a pipe (nothing is cut)."""

    width: int | None = None
    palette: Palette = field(default_factory=Palette)
    filters: dict = field(default_factory=dict)     # the active filters, shown in the summary
