"""A compiled display filter: closures over the parsed tree, for records and report objects.

`matches(record, context)` answers for one decoded message (what `packets -Y` and the TUI's
packet list ask). The correlated namespaces (`txn.*`, `lease.*`, `finding.*`) read `context`,
a mapping from namespace to the report object(s) the record belongs to; without one they are
absent, as a field missing from a frame is.

For `report -Y` the question is asked of a transaction, lease or finding, whose packets went by
long before it is complete. So each record is reduced to a bit mask (`packet_mask`) with one bit
per packet test that holds for it, and an object is judged as if it were one frame holding all
its packets' fields: a packet test holds when it holds for any of the object's frames (the OR of
their masks), and a namespace test reads the object itself. `a != v` is `a and not a == v`, so
"all occurrences differ" keeps its meaning across the object's packets as well.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from dhcpanalyze.dfilter import fields as F
from dhcpanalyze.dfilter.parser import Leaf, Node, parse

Context = Mapping[str, object]      # namespace -> a report dict, or a list of them


class DisplayFilter:
    """A display filter ready to run; build it with compile_filter(text)."""

    def __init__(self, text: str) -> None:
        parsed = parse(text)
        self.text = text
        self.t0: float | None = None        # frame.time_relative counts from the first record
        self.leaves: list[Leaf] = parsed.leaves
        self.packet_leaves = [i for i, leaf in enumerate(parsed.leaves) if leaf.field.ns == F.PACKET]
        self.namespaces = {leaf.field.ns for leaf in parsed.leaves} - {F.PACKET}
        self._direct = _compile(parsed.tree, [self._direct_leaf(leaf) for leaf in parsed.leaves])
        self._by_env = _compile(parsed.tree, [_env_leaf(i) for i in range(len(parsed.leaves))])
        self._packet_tests = [(1 << n, self._packet_getter(self.leaves[i]), self.leaves[i].predicate)
                              for n, i in enumerate(self.packet_leaves)]

    def __repr__(self) -> str:
        return f"DisplayFilter({self.text!r})"

    @property
    def is_empty(self) -> bool:
        return not self.leaves

    # --- one record ----------------------------------------------------------------------------
    def matches(self, record: object, context: Context | None = None) -> bool:
        """True when the record (a DhcpRecord, FailoverRecord, TcpEvent or CaptureIssue) passes."""
        if self.t0 is None:
            self.t0 = getattr(record, "ts", None)
        return self._direct(record, context)

    def _packet_getter(self, leaf: Leaf) -> Callable[[object], tuple]:
        if leaf.field.name != "frame.time_relative":
            return leaf.field.get
        return lambda record: (record.ts - (self.t0 if self.t0 is not None else record.ts),)

    def _direct_leaf(self, leaf: Leaf) -> Callable[[object, Context | None], bool]:
        predicate = leaf.predicate
        if leaf.field.ns == F.PACKET:
            get = self._packet_getter(leaf)
            return lambda record, context: predicate(get(record))
        ns, get = leaf.field.ns, leaf.field.get
        return lambda record, context: predicate(_context_values(context, ns, get))

    # --- report objects ------------------------------------------------------------------------
    def packet_mask(self, record: object) -> int:
        """One bit per packet test (in `packet_leaves` order) that holds for this record."""
        if self.t0 is None:
            self.t0 = getattr(record, "ts", None)
        mask = 0
        for bit, get, predicate in self._packet_tests:
            if predicate(get(record)):
                mask |= bit
        return mask

    def matches_object(self, namespace: str, obj: dict, mask: int) -> bool:
        """The verdict on a report object (`txn`, `lease` or `finding`) whose frames' packet
        masks OR to `mask`."""
        env = [False] * len(self.leaves)
        for n, i in enumerate(self.packet_leaves):
            env[i] = bool(mask >> n & 1)
        for i, leaf in enumerate(self.leaves):
            if leaf.field.ns == namespace:
                env[i] = leaf.predicate(leaf.field.get(obj))
            elif leaf.field.ns != F.PACKET:
                env[i] = leaf.predicate(())
        return self._by_env(env, None)


def _context_values(context: Context | None, ns: str, get: Callable[[dict], tuple]) -> tuple:
    objs = context.get(ns) if context else None
    if objs is None:
        return ()
    if isinstance(objs, dict):
        return get(objs)
    return tuple(v for obj in objs for v in get(obj))


def _env_leaf(i: int) -> Callable[[list, None], bool]:
    return lambda env, _unused: env[i]


def _compile(node: Node | None, leaves: list[Callable]) -> Callable[[object, object], bool]:
    """Closures of two arguments for the tree (record and context, or the leaf results and None).
    An and/or chain becomes one closure over its operands, so `a or b or c ...` neither recurses
    per term when compiled nor when run."""
    if node is None:
        return lambda a, b: True
    kind = node[0]
    if kind == "leaf":
        return leaves[node[1]]
    if kind == "not":
        inner = _compile(node[1], leaves)
        return lambda a, b: not inner(a, b)
    parts = [_compile(part, leaves) for part in _flatten(node, kind)]
    if len(parts) == 2:
        first, second = parts
        if kind == "and":
            return lambda a, b: first(a, b) and second(a, b)
        return lambda a, b: first(a, b) or second(a, b)
    if kind == "and":
        return lambda a, b: all(part(a, b) for part in parts)
    return lambda a, b: any(part(a, b) for part in parts)


def _flatten(node: Node, kind: str) -> list[Node]:
    """The operands of a left-nested chain of one operator, in order, without recursion."""
    out: list[Node] = []
    while node[0] == kind:
        out.append(node[2])
        node = node[1]
    out.append(node)
    out.reverse()
    return out


def frame_masks_or(masks: Callable[[int], int], frames: Iterable[int]) -> int:
    """The OR of the packet masks of these frames."""
    mask = 0
    for frame in frames:
        mask |= masks(frame)
    return mask
