"""Wireshark-style display filters over dhcpanalyze's records and report objects.

    compile_filter("dhcp.option.dhcp == ACK && ip.src == 192.168.100.0/24") -> DisplayFilter
    DisplayFilter.matches(record[, context]) -> bool
        record: a DhcpRecord, FailoverRecord, TcpEvent or CaptureIssue;
        context: {"txn": dict, "lease": dict, "finding": [dict, ...]} (report-contract dicts)
        for the txn.* / lease.* / finding.* fields, which are absent without it;
        .t0: where frame.time_relative counts from (the first record matched, unless set)
    DisplayFilter.matches_object("txn" | "lease" | "finding", obj, packet_mask) -> bool
        (report -Y; see compiled.py and reports/filters.PacketMarks)
    FilterError: .message, .column (0-based), .length, for every bad input, nothing else raised
    check(text) -> FilterError | None            red/green as the user types
    complete(text) -> (column, candidates)       field names, keywords, value names
    field_names(prefix="") -> [name, ...]
    caret_lines(text, error) -> tshark's three-line message with a caret

Hand-written tokenizer and recursive-descent parser (lexer.py, parser.py) compiled to closures
(compiled.py); never eval. Field names are tshark 4.0's (fields.py).
"""
from __future__ import annotations

from dhcpanalyze.dfilter.compiled import Context, DisplayFilter
from dhcpanalyze.dfilter.complete import complete, field_names
from dhcpanalyze.dfilter.lexer import FilterError

__all__ = ["Context", "DisplayFilter", "FilterError", "compile_filter", "complete", "field_names",
           "check"]


def compile_filter(text: str) -> DisplayFilter:
    """The compiled filter; FilterError (with the column) for anything that is not a valid filter."""
    if not isinstance(text, str):
        raise FilterError("a display filter is text", 0)
    try:
        return DisplayFilter(text)
    except FilterError:
        raise
    except RecursionError:          # not reachable with MAX_DEPTH; kept as a last guard
        raise FilterError("filter nested too deeply", 0) from None


def check(text: str) -> FilterError | None:
    """None when `text` compiles, else the error (for a red/green filter bar)."""
    try:
        compile_filter(text)
    except FilterError as exc:
        return exc
    return None


def caret_lines(text: str, error: FilterError) -> list[str]:
    """tshark's way of showing a filter error: the message, the filter, a caret under the fault.

        tshark: "zz" is not a valid number.
            dhcp.id == zz
                       ^~
    Control characters in the filter are escaped so the caret still lines up on a terminal.
    """
    from dissectors.text import escape_text
    start = len(escape_text(text[:error.column]))
    width = max(1, len(escape_text(text[error.column:error.column + error.length])))
    return [f"{escape_text(error.message)}.", f"    {escape_text(text)}",
            "    " + " " * start + "^" + "~" * (width - 1)]
