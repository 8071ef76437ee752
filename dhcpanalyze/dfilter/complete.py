"""Completion for a filter bar: the field names and keywords that can continue what is typed."""
from __future__ import annotations

from dhcpanalyze.dfilter import fields as F

WORDS = ("and", "or", "not", "contains", "matches", "in", "eq", "ne", "gt", "ge", "lt", "le")


def field_names(prefix: str = "") -> list[str]:
    """Field names starting with `prefix`, sorted (bootp.* spellings when the prefix is bootp)."""
    if prefix.startswith("bootp"):
        return ["bootp" + name[4:] for name in F.field_names()
                if ("bootp" + name[4:]).startswith(prefix) and name.startswith("dhcp")]
    return [name for name in F.field_names() if name.startswith(prefix)]


def complete(text: str, limit: int = 50) -> tuple[int, list[str]]:
    """(column where the word being typed starts, candidates for it): field names, keywords and,
    after `field ==`, the field's value names."""
    start = len(text)
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
        start -= 1
    word = text[start:]
    before = text[:start].rstrip()
    names = _value_names(before)
    if names is not None:
        return start, [n for n in names if n.lower().startswith(word.lower())][:limit]
    out = field_names(word) + [w for w in WORDS if w.startswith(word.lower()) and word]
    return start, out[:limit]


def _value_names(before: str) -> list[str] | None:
    """The value names of the field compared just before the cursor (`dhcp.option.dhcp == `)."""
    for op in ("==", "!=", " eq", " ne"):
        if before.endswith(op):
            name = before[: -len(op)].rstrip().rsplit(None, 1)[-1] if before[: -len(op)].strip() else ""
            field = F.lookup(name.lstrip("(!"))
            if field is not None and field.names:
                return sorted({k for k in field.names})
            return None
    return None
