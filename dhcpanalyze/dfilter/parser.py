"""Recursive-descent parser: display-filter text -> a small tree whose leaves are predicates.

    expr  := and {("or" | "||") and}
    and   := unary {("and" | "&&") unary}
    unary := ("not" | "!") unary | "(" expr ")" | test
    test  := FIELD [relop value | "contains" value | ("matches" | "~") STRING
                    | "in" "{" item {[","] item} "}"]
    relop := == eq != ne > gt >= ge < lt <= le          item := value [".." value]

Precedence is not > and > or, as in wireshark-filter(4). Literals are read against the field's
type as soon as the field is known (literals.py), so every error has the column of the token at
fault. A leaf is (field, predicate over the field's occurrences); `a != v` becomes
`a and not a == v`, tshark 4.0's "present, and every occurrence differs". Nesting deeper than
MAX_DEPTH is refused, so no input can exhaust Python's stack; everything else is one pass.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from dhcpanalyze.dfilter import fields as F
from dhcpanalyze.dfilter import literals
from dhcpanalyze.dfilter.bounded_re import compile_bounded, search
from dhcpanalyze.dfilter.lexer import FilterError, Token, tokenize

MAX_DEPTH = 64
RELOPS = {"==": "==", "eq": "==", "!=": "!=", "ne": "!=", ">": ">", "gt": ">", ">=": ">=",
          "ge": ">=", "<": "<", "lt": "<", "<=": "<=", "le": "<="}
KEYWORDS = {"and", "or", "not", "contains", "matches", "in", *RELOPS}
_ORDERED = {F.UINT, F.INT, F.BOOL, F.IPV4, F.ETHER, F.BYTES, F.STRING, F.TIME, F.RELTIME, F.SEVERITY}


class Leaf(NamedTuple):
    field: F.Field
    predicate: Callable[[tuple], bool]   # the field's occurrences -> bool
    text: str                             # the source of the test, for messages and tests


# Tree nodes: ("leaf", index) | ("not", node) | ("and", a, b) | ("or", a, b)
Node = tuple


class Parsed(NamedTuple):
    tree: Node | None        # None for an empty filter (matches everything)
    leaves: list[Leaf]


def parse(text: str) -> Parsed:
    tokens = tokenize(text)
    parser = _Parser(text, tokens)
    if tokens[0].kind == "end":
        return Parsed(None, [])
    tree = parser.expr(0)
    tok = parser.peek()
    if tok.kind != "end":
        raise FilterError(f'"{_shown(tok)}" was unexpected in this context', tok.column, tok.width)
    return Parsed(tree, parser.leaves)


def _shown(tok: Token) -> str:
    return tok.text if tok.kind != "string" else f'"{tok.text}"'


def _is(tok: Token, *words: str) -> bool:
    """The token is one of these operators or (any case) keywords."""
    if tok.kind == "word":
        return tok.text.lower() in words
    return tok.kind == "op" and tok.text in words


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.leaves: list[Leaf] = []

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    # --- boolean structure -------------------------------------------------------------------
    def expr(self, depth: int) -> Node:
        node = self.conjunction(depth)
        while _is(self.peek(), "or", "||"):
            self.take()
            node = ("or", node, self.conjunction(depth))
        return node

    def conjunction(self, depth: int) -> Node:
        node = self.unary(depth)
        while _is(self.peek(), "and", "&&"):
            self.take()
            node = ("and", node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        tok = self.peek()
        if depth >= MAX_DEPTH:
            raise FilterError(f"filter nested deeper than {MAX_DEPTH} levels", tok.column, tok.width)
        if _is(tok, "not", "!"):
            self.take()
            return ("not", self.unary(depth + 1))
        if _is(tok, "("):
            self.take()
            node = self.expr(depth + 1)
            close = self.take()
            if not _is(close, ")"):
                raise self._unexpected(close, 'a ")" is missing')
            return node
        return self.test()

    # --- one test ----------------------------------------------------------------------------
    def test(self) -> Node:
        tok = self.take()
        field = self._field(tok)
        nxt = self.peek()
        if _is(nxt, *RELOPS):
            self.take()
            return self._compare(field, RELOPS[nxt.text.lower()], tok, nxt)
        if _is(nxt, "contains"):
            self.take()
            return self._leaf(field, _contains(field, self.take()), tok)
        if _is(nxt, "matches", "~"):
            self.take()
            return self._leaf(field, _matches(field, self.take(), nxt), tok)
        if _is(nxt, "in"):
            self.take()
            return self._leaf(field, self._membership(field, nxt), tok)
        return self._leaf(field, bool, tok)          # bare field: present

    def _field(self, tok: Token) -> F.Field:
        if tok.kind == "end":
            raise FilterError("Unexpected end of filter expression", tok.column, 1)
        if tok.kind != "word" or tok.text.lower() in KEYWORDS or not tok.text[:1].isalpha():
            raise FilterError(f'"{_shown(tok)}" was unexpected in this context', tok.column, tok.width)
        field = F.lookup(tok.text)
        if field is None:
            raise FilterError(f'"{tok.text}" is not a valid protocol or protocol field{_suggest(tok.text)}',
                              tok.column, tok.width)
        return field

    def _compare(self, field: F.Field, op: str, ftok: Token, optok: Token) -> Node:
        value_tok = self.take()
        if value_tok.kind == "end":
            raise FilterError("Unexpected end of filter expression", value_tok.column, 1)
        value = literals.read(field, value_tok)
        if isinstance(value, literals.Cidr) and op not in ("==", "!="):
            raise FilterError("a network (CIDR) can only be compared with == or !=",
                              optok.column, optok.width)
        if op == "!=":
            present = self._leaf(field, bool, ftok)
            return ("and", present, ("not", self._leaf(field, _predicate(field, "==", value), ftok)))
        return self._leaf(field, _predicate(field, op, value), ftok)

    def _membership(self, field: F.Field, intok: Token) -> Callable[[tuple], bool]:
        opening = self.take()
        if not _is(opening, "{"):
            raise self._unexpected(opening, 'a "{" must follow "in"')
        exact: set = set()                   # plain values: one set lookup per occurrence
        others: list[Callable[[tuple], bool]] = []
        while True:
            tok = self.take()
            if _is(tok, "}") and (exact or others):
                break
            if _is(tok, ",") and (exact or others):
                tok = self.take()
            if tok.kind == "end":
                raise FilterError("Unexpected end of filter expression", tok.column, 1)
            item = self._item(field, tok)
            if callable(item):
                others.append(item)
            else:
                exact.add(item)
        return _any_of(exact, others, _norm(field) if field.ftype in (F.SEVERITY, F.BOOL) else None)

    def _item(self, field: F.Field, tok: Token) -> object:
        """A plain value (to look up in a set), or a predicate for a range or a network."""
        low = literals.read(field, tok)
        if not _is(self.peek(), ".."):
            return _predicate(field, "==", low) if isinstance(low, literals.Cidr) else low
        dots = self.take()
        high_tok = self.take()
        if isinstance(low, literals.Cidr):
            raise FilterError("a range cannot start with a network (CIDR)", dots.column, dots.width)
        if field.ftype not in _ORDERED:
            raise FilterError(f"{field.name} has no order, so it cannot take a range", dots.column, 2)
        high = literals.read(field, high_tok)
        if isinstance(high, literals.Cidr):
            raise FilterError("a range cannot end with a network (CIDR)", high_tok.column, high_tok.width)
        return _range(field, low, high)

    def _leaf(self, field: F.Field, predicate: Callable[[tuple], bool], tok: Token) -> Node:
        self.leaves.append(Leaf(field, predicate, tok.text))
        return ("leaf", len(self.leaves) - 1)

    @staticmethod
    def _unexpected(tok: Token, hint: str) -> FilterError:
        if tok.kind == "end":
            return FilterError(f"Unexpected end of filter expression ({hint})", tok.column, 1)
        return FilterError(f'"{_shown(tok)}" was unexpected in this context ({hint})', tok.column, tok.width)


def _suggest(name: str) -> str:
    if len(name) > 64:                       # difflib is quadratic; long junk gets no hint
        return ""
    close = difflib.get_close_matches(name, F.field_names(), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


# --- predicates over a field's occurrences ----------------------------------------------------

def _norm(field: F.Field) -> Callable[[object], object]:
    """How an occurrence is turned into the literal's form for ordering and networks."""
    if field.ftype == F.IPV4:
        return _ip_or_none
    if field.ftype == F.SEVERITY:
        return lambda v: F.SEVERITY_ORDER.get(str(v).lower(), -1)
    if field.ftype == F.BOOL:
        return lambda v: 1 if v else 0
    return lambda v: v


@lru_cache(maxsize=4096)
def _ip_or_none(value: object) -> int:
    """An address occurrence as an int (-1 when it is not one); the same few addresses recur in
    every packet of a capture, so a small cache saves most of the parsing."""
    try:
        return literals.ip_int(str(value))
    except ValueError:
        return -1


_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b}


def _predicate(field: F.Field, op: str, value: object) -> Callable[[tuple], bool]:
    norm = _norm(field)
    if isinstance(value, literals.Cidr):
        net, mask = value
        return lambda vals: any(n >= 0 and n & mask == net for n in map(norm, vals))
    if op == "==":
        if field.ftype in (F.SEVERITY, F.BOOL):
            return lambda vals: any(norm(v) == value for v in vals)
        return lambda vals: value in vals
    compare = _OPS[op]
    bound = norm(value) if field.ftype == F.IPV4 else value
    if field.ftype in (F.IPV4, F.SEVERITY, F.BOOL):
        return lambda vals: any(n >= 0 and compare(n, bound) for n in map(norm, vals))
    return lambda vals: any(compare(v, bound) for v in vals)


def _range(field: F.Field, low: object, high: object) -> Callable[[tuple], bool]:
    norm = _norm(field)
    if field.ftype == F.IPV4:
        low, high = norm(low), norm(high)
    else:
        norm = (lambda v: v) if field.ftype not in (F.SEVERITY, F.BOOL) else norm
    return lambda vals: any(low <= norm(v) <= high for v in vals)


def _any_of(exact: set, others: list[Callable[[tuple], bool]],
            norm: Callable[[object], object] | None) -> Callable[[tuple], bool]:
    """`in {...}`: an occurrence equal to a listed value, or inside a listed range or network."""
    values = frozenset(exact)
    if norm is not None:
        return lambda vals: any(norm(v) in values for v in vals) or any(item(vals) for item in others)
    if not others:
        return lambda vals: not values.isdisjoint(vals)
    return lambda vals: not values.isdisjoint(vals) or any(item(vals) for item in others)


def _contains(field: F.Field, tok: Token) -> Callable[[tuple], bool]:
    if tok.kind == "end":
        raise FilterError("Unexpected end of filter expression", tok.column, 1)
    if field.ftype == F.STRING:
        needle = literals.read(field, tok)
        return lambda vals: any(needle in v for v in vals)
    if field.ftype in (F.BYTES, F.ETHER):
        needle = literals.read(F.Field(field.name, F.BYTES, field.get), tok)
        if field.ftype == F.ETHER:
            return lambda vals: any(needle in bytes.fromhex(v.replace(":", "")) for v in vals)
        return lambda vals: any(needle in v for v in vals)
    raise FilterError(f'{field.name} is not a string or byte field, so it cannot be used with "contains"',
                      tok.column, tok.width)


def _matches(field: F.Field, tok: Token, optok: Token) -> Callable[[tuple], bool]:
    if tok.kind == "end":
        raise FilterError("Unexpected end of filter expression", tok.column, 1)
    if field.ftype not in (F.STRING, F.BYTES):
        raise FilterError(f'{field.name} is not a string or byte field, so it cannot be used with "matches"',
                          optok.column, optok.width)
    if tok.kind != "string":
        raise FilterError(f'"{tok.text}" is not a string: the pattern of "matches" must be quoted',
                          tok.column, tok.width)
    rx: re.Pattern = compile_bounded(tok.text, tok.column, tok.width)
    return lambda vals: any(search(rx, v) for v in vals)
