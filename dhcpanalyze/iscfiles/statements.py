"""ISC statements from tokens: `words… ;` or `words… { statements }`, streamed one top-level
statement at a time, so a large dhcpd.leases never sits in memory as a whole tree.

The grammar of both files is this shape (conf.c/confpars.c parse declarations the same way); what
the words mean is up to the readers (conf.py, leases.py). A stray `}` or a file that ends inside a
block is a Problem at its position, and reading goes on.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dhcpanalyze.iscfiles.tokens import PUNCTUATION, STRING, Source, Token, Where

MAX_NESTING = 32    # dhcpd.conf nests shared-network > subnet > pool > class a few levels deep


@dataclass(slots=True)
class Statement:
    words: list[Token]                          # the tokens before `;` or `{` (commas included)
    block: list[Statement] | None = None        # the statements inside `{ }`, None for `… ;`
    where: Where | None = None                  # the first word's position
    close: Where | None = None                  # where the block's `}` is (None: missing)

    def text(self, i: int) -> str | None:
        """The i-th word's text, None past the end."""
        return self.words[i].text if i < len(self.words) else None

    def head(self, n: int) -> tuple[str, ...]:
        """The first n words' texts, lower-cased unless quoted (keywords are case-blind in ISC)."""
        return tuple(t.text if t.kind == STRING else t.text.lower() for t in self.words[:n])

    def values(self) -> list[str]:
        """Every word's text, commas left out."""
        return [t.text for t in self.words if not (t.kind == PUNCTUATION and t.text == ",")]


def statements(tokens: Iterable[Token], source: Source) -> Iterator[Statement]:
    """The top-level statements; nested blocks are complete within each."""
    stack: list[Statement] = []         # open blocks, innermost last
    words: list[Token] = []
    for token in tokens:
        if token.kind != PUNCTUATION or token.text == ",":
            words.append(token)
            continue
        if token.text == ";":
            done = Statement(words, None, words[0].where if words else token.where)
            words = []
            if not done.words:
                continue                # a lone `;` is harmless (ISC skips it too)
        elif token.text == "{":
            if len(stack) >= MAX_NESTING:
                source.problem(token.where, f"blocks nested deeper than {MAX_NESTING}")
            stack.append(Statement(words, [], words[0].where if words else token.where))
            words = []
            continue
        else:                           # "}"
            if words:
                source.problem(words[0].where, "expecting ';' before '}'")
                words = []
            if not stack:
                source.problem(token.where, "unexpected '}'")
                continue
            done = stack.pop()
            done.close = token.where
        if stack:
            stack[-1].block.append(done)
        else:
            yield done
    if words:
        source.problem(words[0].where, "expecting ';' at the end of the file")
    while stack:
        done = stack.pop()
        source.problem(done.where, "block never closed: missing '}'")
        if stack:
            stack[-1].block.append(done)
        else:
            yield done
