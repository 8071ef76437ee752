"""Regular expressions for `matches` / `~` that cannot run away.

Python's `re` backtracks, so a pattern such as `(a+)+b` takes exponential time and `.*a.*a.*a`
polynomial time on a hostile value. Three limits keep every match cheap, checked on the parsed
pattern before it is compiled:

- the pattern is at most MAX_PATTERN characters and its counted repeats at most MAX_COUNT;
- no repeat contains another repeat or an alternation (`(a+)+`, `(a|ab)*`), and there are no
  backreferences: the shapes that backtrack exponentially;
- at most MAX_UNBOUNDED open-ended repeats (`*`, `+`, `{n,}`) in the whole pattern, so the
  polynomial degree stays at most 2, and the counted repeats (`{2,5}`, `?`) together offer at
  most MAX_CHOICES ways to split a value;

and the value searched is cut to MAX_SUBJECT characters (DHCP options are at most 255 bytes, so only a
forged RFC 3396 long option or a long failover message text is ever cut). Matching is
case-insensitive, as in tshark 4.0.
"""
from __future__ import annotations

import re

try:                                     # Python 3.11+
    from re import _constants as C, _parser as sre_parse
except ImportError:                      # pragma: no cover - Python 3.10
    import sre_constants as C            # type: ignore[no-redef]
    import sre_parse                     # type: ignore[no-redef]

from dhcpanalyze.dfilter.lexer import FilterError

MAX_PATTERN = 256
MAX_COUNT = 1000
MAX_UNBOUNDED = 2
MAX_SUBJECT = 1024
MAX_CHOICES = 1000
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
_REFS = {C.GROUPREF, C.GROUPREF_EXISTS}


def compile_bounded(pattern: str, column: int, width: int) -> re.Pattern:
    """The compiled pattern, or FilterError at `column` saying which limit it breaks."""
    if len(pattern) > MAX_PATTERN:
        raise FilterError(f"regular expression longer than {MAX_PATTERN} characters", column, width)
    try:
        tree = sre_parse.parse(pattern, re.IGNORECASE)
        problem = _problem(tree, inside_repeat=False, unbounded=[0, 1])
        if problem is None:
            return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        problem = f"invalid regular expression: {exc.msg}"
    except (RecursionError, OverflowError, ValueError):
        problem = "regular expression too complex"
    raise FilterError(problem, column, width)


def _problem(items, inside_repeat: bool, unbounded: list[int]) -> str | None:
    for op, av in items:
        if op in _REFS:
            return "backreferences are not allowed in a filter's regular expression"
        if op in _REPEATS:
            low, high, body = av
            if high != C.MAXREPEAT and high > MAX_COUNT or low > MAX_COUNT:
                return f"repeat counts above {MAX_COUNT} are not allowed"
            if high == C.MAXREPEAT:
                unbounded[0] += 1
                if unbounded[0] > MAX_UNBOUNDED:
                    return f"more than {MAX_UNBOUNDED} open-ended repeats (*, +, {{n,}})"
            else:
                unbounded[1] *= high - low + 1
                if unbounded[1] > MAX_CHOICES:
                    return "too many counted repeats; the pattern could take very long"
            if high > 1 and inside_repeat:
                return "nested repeats such as (a+)+ can take exponential time"
            found = _problem(body, inside_repeat or high > 1, unbounded)
        elif op is C.BRANCH:
            if inside_repeat:
                return "an alternation inside a repeat, such as (a|ab)*, can take exponential time"
            found = _first(_problem(branch, inside_repeat, unbounded) for branch in av[1])
        else:
            found = _first(_problem(sub, inside_repeat, unbounded) for sub in _children(op, av))
        if found:
            return found
    return None


def _children(op, av) -> list:
    """The sub-patterns of a group, an assertion or an atomic group."""
    if op is C.SUBPATTERN:
        return [av[-1]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is getattr(C, "ATOMIC_GROUP", None):
        return [av]
    return []


def _first(problems) -> str | None:
    return next((p for p in problems if p), None)


def search(rx: re.Pattern, value: object) -> bool:
    """True when the pattern occurs in the value (bytes read as Latin-1), cut to MAX_SUBJECT."""
    if isinstance(value, bytes):
        value = value[:MAX_SUBJECT].decode("latin-1")
    elif not isinstance(value, str):
        value = str(value)
    return rx.search(value[:MAX_SUBJECT]) is not None
