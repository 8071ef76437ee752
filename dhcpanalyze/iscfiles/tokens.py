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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

MAX_FILE_BYTES = 64 * 1024 * 1024   # a dhcpd.leases of ~300k blocks; beyond it the file is cut
MAX_INCLUDE_DEPTH = 8               # ISC has no limit; a deeper nest is surely a loop or a mistake
MAX_TOKENS = 20_000_000             # all files together (a 64 MiB leases file has ~12M)
MAX_STRING = 4096                   # longest quoted string kept (ISC's token buffer is 1500)
ESCAPES = {"t": "\t", "r": "\r", "n": "\n", "b": "\b"}
# One line's tokens: blanks, a comment, punctuation, a string (closed or not), a word.
TOKEN = re.compile(r'[ \t\r\f\v]+|#.*|([{};,])|"((?:[^"\\\r\n]|\\.)*)("?)|([^\s{};,"#]+)')
ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))")

WORD, STRING, PUNCTUATION = "word", "string", "punct"


class Where(NamedTuple):
    """Where something is written: file path, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Token(NamedTuple):
    kind: str       # WORD, STRING or PUNCTUATION
    text: str       # a string's text without its quotes, escapes resolved
    where: Where


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that does not read as ISC syntax; dhcpd would refuse the file."""

    where: Where
    message: str
    isc: bool = False       # the message is dhcpd's own wording (what its log will say)


@dataclass
class Source:
    """The problems found while reading, and every file read (includes too)."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    tokens: int = 0

    def problem(self, where: Where, message: str, isc: bool = False) -> None:
        self.problems.append(Problem(where, message, isc))


def read_lines(path: str, source: Source, where: Where | None) -> Iterator[str] | None:
    """The file's lines, read as they are needed (bytes beyond MAX_FILE_BYTES are dropped with a
    problem); None, with a problem, if it cannot be opened."""
    try:
        f = open(path, "rb")
    except OSError as exc:
        source.problem(where or Where(path, 0, 0), f"cannot read {path}: {exc.strerror or exc}")
        return None
    return _lines(f, path, source)


def _lines(f, path: str, source: Source) -> Iterator[str]:
    with f:
        size = 0
        try:
            for raw in f:
                if b"\x00" in raw:     # ISC's files are text: a capture or other binary given by mistake
                    source.problem(Where(path, 0, 0), f"cannot read {path}: a binary file, not "
                                   "dhcpd's text (captures go to `dhcpanalyze report`)")
                    return
                size += len(raw)
                if size > MAX_FILE_BYTES:
                    source.problem(Where(path, 0, 0), f"file larger than {MAX_FILE_BYTES} "
                                   "bytes; the rest is not read")
                    return
                yield raw.decode("utf-8", "surrogateescape")
        except OSError as exc:          # a directory, or an I/O error half-way
            source.problem(Where(path, 0, 0), f"cannot read {path}: {exc.strerror or exc}")


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
    lines = read_lines(path, source, where)
    if lines is None:
        return
    source.files.append(path)
    yield from _with_includes(tokenize(lines, path, source), path, source, (*stack, real))


def _with_includes(tokens: Iterator[Token], path: str, source: Source,
                   stack: tuple[str, ...]) -> Iterator[Token]:
    """`include "file";` replaced by the tokens of that file (relative to the including file)."""
    tokens = iter(tokens)
    for token in tokens:
        if token.text != "include" or token.kind != WORD:
            yield token
            continue
        name, semi = next(tokens, None), next(tokens, None)
        if name is None or semi is None or name.kind != STRING or semi != (
                PUNCTUATION, ";", semi.where):
            source.problem(token.where, 'expecting include "file";')
            yield from (t for t in (name, semi) if t is not None)
            continue
        target = name.text if os.path.isabs(name.text) else os.path.join(
            os.path.dirname(path), name.text)
        yield from _file_tokens(target, source, stack, name.where)


def tokenize(text: str | Iterable[str], path: str, source: Source) -> Iterator[Token]:
    """The tokens of one file's text (or its lines); problems go to `source`. No token spans a
    line."""
    lines = text.split("\n") if isinstance(text, str) else text
    for number, line in enumerate(lines, 1):
        for m in TOKEN.finditer(line):
            punct, string, closed, word = m.groups()
            if punct is None and string is None and word is None:
                continue                            # blanks and comments
            if source.tokens >= MAX_TOKENS:
                source.problem(Where(path, number, m.start() + 1),
                               f"more than {MAX_TOKENS} tokens; the rest is not read")
                return
            source.tokens += 1
            where = Where(path, number, m.start() + 1)
            if word is not None:
                yield Token(WORD, word, where)
            elif punct is not None:
                yield Token(PUNCTUATION, punct, where)
            else:
                yield Token(STRING, unescape(string)[:MAX_STRING], where)
                if not closed:      # ends the statement, so the lines after it are still read
                    source.problem(where, "unterminated string")
                    yield Token(PUNCTUATION, ";", where)


def unescape(text: str) -> str:
    """C escapes as conflex.c reads them: \\t \\r \\n \\b, octal \\ooo, hex \\xHH; any other
    escaped character stands for itself."""
    return ESCAPE.sub(_escape, text) if "\\" in text else text


def _escape(m: re.Match) -> str:
    octal, hexa, other = m.groups()
    if octal is not None:
        return chr(int(octal, 8) & 0xFF)
    if hexa is not None:
        return chr(int(hexa, 16))
    return ESCAPES.get(other, other)
