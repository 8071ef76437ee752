"""A tokenizer of ISC dhcpd's file syntax (dhcpd.conf, dhcpd.leases), with file/line/column positions.

ISC's own lexer (common/conflex.c) is what dhcpd uses; this one keeps only what both readers need:
`{` `}` `;` `,` as punctuation, double-quoted strings with C escapes, `#` comments to the end of the
line, and everything else as words (addresses, MACs, numbers and keywords alike; the readers decide
what a word means). `include "file";` is spliced in here, as conflex.c does, with a depth bound and
a cycle check. A problem (an unterminated string, a missing include) is recorded with its position
and tokenizing goes on, so one bad line does not hide the rest of the file.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_FILE_BYTES = 64 * 1024 * 1024   # a dhcpd.leases of ~300k blocks; beyond it the file is cut
MAX_INCLUDE_DEPTH = 8               # ISC has no limit; a deeper nest is surely a loop or a mistake
MAX_TOKENS = 20_000_000             # all files together (a 64 MiB leases file has ~12M)
MAX_STRING = 4096                   # longest quoted string kept (ISC's token buffer is 1500)
PUNCT = "{};,"
WORD_END = frozenset(" \t\r\n\f\v{};,\"#")
ESCAPES = {"t": "\t", "r": "\r", "n": "\n", "b": "\b", "\\": "\\", '"': '"'}

WORD, STRING, PUNCTUATION = "word", "string", "punct"


@dataclass(frozen=True, slots=True)
class Where:
    """Where something is written: file path, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str       # WORD, STRING or PUNCTUATION
    text: str       # a string's text without its quotes, escapes resolved
    where: Where


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that does not read as ISC syntax; dhcpd would refuse the file."""

    where: Where
    message: str


@dataclass
class Source:
    """The problems found while reading, and every file read (includes too)."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    tokens: int = 0

    def problem(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where, message))


def read_text(path: str, source: Source, where: Where | None) -> str | None:
    """The file's text (bytes beyond MAX_FILE_BYTES dropped with a problem), or None if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        source.problem(where or Where(path, 0, 0), f"cannot read {path}: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        data = data[:MAX_FILE_BYTES]
        source.problem(Where(path, 0, 0), f"file larger than {MAX_FILE_BYTES} bytes; the rest is not read")
    return data.decode("utf-8", "surrogateescape")


def tokenize_file(path: str, source: Source) -> Iterator[Token]:
    """Every token of `path` and the files it includes, in reading order."""
    yield from _file_tokens(path, source, (), None)


def _file_tokens(path: str, source: Source, stack: tuple[str, ...],
                 where: Where | None) -> Iterator[Token]:
    real = os.path.realpath(path)
    if real in stack:
        source.problem(where or Where(path, 0, 0), f"include cycle: {path} includes itself")
        return
    if len(stack) >= MAX_INCLUDE_DEPTH:
        source.problem(where or Where(path, 0, 0),
                       f"includes nested deeper than {MAX_INCLUDE_DEPTH}: {path} not read")
        return
    text = read_text(path, source, where)
    if text is None:
        return
    source.files.append(path)
    yield from _with_includes(tokenize(text, path, source), path, source, (*stack, real))


def _with_includes(tokens: Iterator[Token], path: str, source: Source,
                   stack: tuple[str, ...]) -> Iterator[Token]:
    """`include "file";` replaced by the tokens of that file (relative to the including file)."""
    pending: list[Token] = []
    for token in tokens:
        pending.append(token)
        if pending[0].kind != WORD or pending[0].text != "include":
            yield from pending
            pending.clear()
        elif len(pending) == 3:
            name, semi = pending[1], pending[2]
            if name.kind != STRING or semi.text != ";" or semi.kind != PUNCTUATION:
                source.problem(pending[0].where, 'expecting include "file";')
            else:
                target = name.text if os.path.isabs(name.text) else os.path.join(
                    os.path.dirname(path), name.text)
                yield from _file_tokens(target, source, stack, name.where)
            pending.clear()
    yield from pending


def tokenize(text: str, path: str, source: Source) -> Iterator[Token]:
    """The tokens of one file's text; problems go to `source`."""
    i, line, line_start, end = 0, 1, 0, len(text)
    while i < end:
        ch = text[i]
        if ch == "\n":
            line, line_start, i = line + 1, i + 1, i + 1
            continue
        if ch in " \t\r\f\v":
            i += 1
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        if source.tokens >= MAX_TOKENS:
            source.problem(Where(path, line, i - line_start + 1),
                           f"more than {MAX_TOKENS} tokens; the rest is not read")
            return
        source.tokens += 1
        where = Where(path, line, i - line_start + 1)
        if ch in PUNCT:
            yield Token(PUNCTUATION, ch, where)
            i += 1
        elif ch == '"':
            value, i, closed = _string(text, i + 1, where, source)
            yield Token(STRING, value, where)
            if not closed:      # ends the statement, so the lines after it are still read
                yield Token(PUNCTUATION, ";", where)
        else:
            j = i + 1
            while j < end and text[j] not in WORD_END:
                j += 1
            yield Token(WORD, text[i:j], where)
            i = j


def _string(text: str, i: int, where: Where, source: Source) -> tuple[str, int, bool]:
    """A quoted string from just after its opening quote: (value, next index, closed).

    Escapes as conflex.c reads them: \\t \\r \\n \\b \\\\ \\", octal \\ooo and hex \\xHH; any other
    escaped character stands for itself. An unterminated string ends at the end of its line.
    """
    out: list[str] = []
    end = len(text)
    while i < end:
        ch = text[i]
        if ch == '"':
            return "".join(out)[:MAX_STRING], i + 1, True
        if ch == "\n":
            break
        if ch == "\\" and i + 1 < end:
            value, i = _escape(text, i + 1)
            out.append(value)
            continue
        out.append(ch)
        i += 1
    source.problem(where, "unterminated string")
    return "".join(out)[:MAX_STRING], i, False


def _escape(text: str, i: int) -> tuple[str, int]:
    ch = text[i]
    if ch in ESCAPES:
        return ESCAPES[ch], i + 1
    if ch in "01234567":
        digits = _run(text, i, "01234567", 3)
        return chr(int(digits, 8) & 0xFF), i + len(digits)
    if ch == "x":
        digits = _run(text, i + 1, "0123456789abcdefABCDEF", 2)
        if digits:
            return chr(int(digits, 16)), i + 1 + len(digits)
    return ch, i + 1


def _run(text: str, i: int, allowed: str, limit: int) -> str:
    j = i
    while j < len(text) and j - i < limit and text[j] in allowed:
        j += 1
    return text[i:j]
