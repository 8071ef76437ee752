"""Tokens of a display filter, with the 0-based column of each, and the one error type.

The scanner is a single left-to-right pass (linear in the input); every problem is a FilterError
carrying the column a caret should point at, like tshark's `^~~~` message.
"""
from __future__ import annotations

from typing import NamedTuple

MAX_FILTER_LENGTH = 200_000     # longer text is refused before scanning


class FilterError(Exception):
    """A display filter that cannot be compiled: `message` says why, `column` where (0-based)."""

    def __init__(self, message: str, column: int, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.length = max(1, length)

    def __str__(self) -> str:
        return f"{self.message} (column {self.column + 1})"


class Token(NamedTuple):
    kind: str       # "op", "word", "string", "end"
    text: str       # the operator, the word, or the decoded string value
    column: int
    width: int      # characters of the source it spans


# Two-character operators are tried first, so "==" wins over "=" and ".." is not two dots.
OPERATORS_2 = frozenset(("==", "!=", "<=", ">=", "&&", "||", ".."))
OPERATORS_1 = frozenset("<>!(){},~")
WORD_EXTRA = frozenset("_.:/-")
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a",
           "b": "\b", "f": "\f", "v": "\v"}


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an "end" token; FilterError on a character out of place."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"filter longer than {MAX_FILTER_LENGTH} characters", MAX_FILTER_LENGTH)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            i = _string(text, i, tokens)
        elif ch.isalnum() or ch in WORD_EXTRA and not text.startswith("..", i):
            i = _word(text, i, tokens)
        else:
            op = text[i:i + 2] if text[i:i + 2] in OPERATORS_2 else ch if ch in OPERATORS_1 else None
            if op is None:
                raise FilterError(f'"{_printable(ch)}" was unexpected in this context', i)
            tokens.append(Token("op", op, i, len(op)))
            i += len(op)
    tokens.append(Token("end", "", n, 1))
    return tokens


def _word(text: str, start: int, tokens: list[Token]) -> int:
    """A field name, keyword, number, address or bare value: letters, digits and _ . : / -,
    stopping before ".." so that `1..3` is a range."""
    i, n = start, len(text)
    while i < n and (text[i].isalnum() or text[i] in WORD_EXTRA) and not text.startswith("..", i):
        i += 1
    tokens.append(Token("word", text[start:i], start, i - start))
    return i


def _string(text: str, start: int, tokens: list[Token]) -> int:
    """A double-quoted string with C-style escapes (\\" \\\\ \\n \\t \\xHH \\NNN)."""
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            tokens.append(Token("string", "".join(out), start, i + 1 - start))
            return i + 1
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        i = _escape(text, i, out)
    raise FilterError("the string is not closed (a \" is missing)", start, n - start)


def _escape(text: str, i: int, out: list[str]) -> int:
    nxt = text[i + 1:i + 2]
    if nxt in ESCAPES:
        out.append(ESCAPES[nxt])
        return i + 2
    if nxt == "x" and _is_hex(text[i + 2:i + 4]):
        out.append(chr(int(text[i + 2:i + 4], 16)))
        return i + 4
    if nxt[:1] in "01234567" and nxt and all(c in "01234567" for c in text[i + 1:i + 4]) \
            and len(text[i + 1:i + 4]) == 3:
        out.append(chr(int(text[i + 1:i + 4], 8) & 0xFF))
        return i + 4
    raise FilterError(f'"\\{_printable(nxt)}" is not a valid escape in a string', i, 2)


def _is_hex(text: str) -> bool:
    return len(text) == 2 and all(c in "0123456789abcdefABCDEF" for c in text)


def _printable(ch: str) -> str:
    """The character as typed; whoever shows a message escapes it for the terminal (caret_lines)."""
    return ch
