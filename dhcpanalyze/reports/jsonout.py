"""The machine-readable reports: one JSON document, or JSON Lines with one object per record.

`--format json` prints the `dhcpanalyze.report/1` document of issue 5 with its keys in the
documented order (schema, filters, capture, servers, failover, transactions, leases, findings);
each array element sits on its own line so the document streams and diffs well. Transactions and
findings arrive before the summary, so they are spooled to keep that order with flat memory.

`--format jsonl` prints every object as soon as it is known, with `"record"` (capture, server,
failover, transaction, lease, finding) and `"schema"` keys: transactions and findings while the
capture is read, the capture summary, servers, failover relationships and leases at the end.

Both escape every non-ASCII character (ensure_ascii), so no wire string reaches a terminal raw.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import c_make_encoder, encode_basestring_ascii

from dhcpanalyze.reports.events import (
    CAPTURE, FAILOVER, FINDING, LEASE, SCHEMA, SERVER, TRANSACTION, Event, Spool)

# Document key for each record kind, in document order.
SECTIONS = ((SERVER, "servers"), (FAILOVER, "failover"), (TRANSACTION, "transactions"),
            (LEASE, "leases"), (FINDING, "findings"))


# One encoder for every line; report objects are trees of fresh dicts and lists, so the
# circular-reference check is skipped. JSONEncoder.encode builds a new C encoder on every call;
# the C encoder is built here once and called directly (the same bytes: tests/reports).
_ENCODER = json.JSONEncoder(ensure_ascii=True, check_circular=False, separators=(", ", ": "))
_C_ENCODE = None if c_make_encoder is None else c_make_encoder(
    None, _ENCODER.default, encode_basestring_ascii, None, ": ", ", ", False, False, True)
_HEAD_KEYS = ("record", "schema")


def dumps(obj: object) -> str:
    if _C_ENCODE is None or not isinstance(obj, dict):
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODE(obj, 0))


def render_jsonl(events: Iterable[Event], filters: dict | None = None,
                 schema: str = SCHEMA) -> Iterator[str]:
    """One line per object, emitted as it arrives (`schema`: another document's, e.g. config's)."""
    heads: dict[str, str] = {}
    for kind, obj in events:
        if (kind == CAPTURE and filters) or "record" in obj or "schema" in obj:
            yield dumps(_with_head(kind, obj, filters, schema))
            continue
        # for speed: the head keys as text before the object's own encoding, instead of a
        # merged copy of every object; the same bytes as dumps(_with_head(kind, obj, None))
        head = heads.get(kind)
        if head is None:
            head = heads[kind] = dumps({"record": kind, "schema": schema})[:-1]
        body = dumps(obj)
        yield head + (", " + body[1:] if obj else "}")


def _with_head(kind: str, obj: dict, filters: dict | None, schema: str = SCHEMA) -> dict:
    """The object with "record" and "schema" first (its own keys of those names dropped)."""
    record = {"record": kind, "schema": schema}
    record.update((k, v) for k, v in obj.items() if k not in _HEAD_KEYS)
    if kind == CAPTURE and filters:
        record.setdefault("filters", filters)
    return record


def render_json(events: Iterable[Event], filters: dict | None = None) -> Iterator[str]:
    """The single report document, one array element per line."""
    spools = {kind: Spool() for kind, _ in SECTIONS}
    capture: dict = {}
    try:
        for kind, obj in events:
            if kind == CAPTURE:
                capture = obj
            elif kind in spools:
                spools[kind].append(obj)
        yield "{" + f'"schema": {dumps(SCHEMA)},'
        yield f' "filters": {dumps(filters or {})},'
        yield f' "capture": {dumps(capture)},'
        for index, (kind, key) in enumerate(SECTIONS):
            yield from _array(key, spools[kind], last=index == len(SECTIONS) - 1)
        yield "}"
    finally:
        for spool in spools.values():
            spool.close()


def _array(key: str, items: Spool, last: bool) -> Iterator[str]:
    end = "]" if last else "],"
    if not len(items):
        yield f' "{key}": [{end}'
        return
    yield f' "{key}": ['
    last_index = len(items) - 1
    for index, stored in enumerate(items.lines()):     # stored as dumps() would write it
        yield "  " + stored + ("" if index == last_index else ",")
    yield " " + end
