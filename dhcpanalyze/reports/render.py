"""Pick the renderer for --format and set it up for where stdout goes (terminal or pipe)."""
from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from typing import TextIO

from dhcpanalyze.reports.csvout import render_csv
from dhcpanalyze.reports.events import Event
from dhcpanalyze.reports.filters import ReportFilter
from dhcpanalyze.reports.jsonout import render_json, render_jsonl
from dhcpanalyze.reports.style import Palette, TextOptions, terminal_width, wants_color
from dhcpanalyze.reports.text import render_text


def lines(args: argparse.Namespace, events: Iterable[Event], flt: ReportFilter,
          out: TextIO) -> Iterator[str]:
    """The report lines for args.format (text, json, jsonl, csv), without line ends."""
    shown_filters = flt.as_dict()
    if args.format == "json":
        return render_json(events, shown_filters)
    if args.format == "jsonl":
        return render_jsonl(events, shown_filters)
    if args.format == "csv":
        return render_csv(events, args.csv_table)
    options = TextOptions(width=terminal_width(out),
                          palette=Palette(wants_color(out, args.no_color)),
                          filters=shown_filters)
    return render_text(events, options)
