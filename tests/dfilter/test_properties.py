"""Hypothesis: any text compiles or raises FilterError (nothing else), long input stays linear,
and spellings that mean the same filter select the same records."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from dhcpanalyze.dfilter import FilterError, compile_filter
from tests.dfilter.records import frames, records

PIECES = ["dhcp", "dhcpfo", "ip.src", "dhcp.option.dhcp", "dhcp.hw.mac_addr", "dhcpfo.type", "txn.outcome",
          "finding.severity", "frame.number", "==", "!=", "<", ">=", "eq", "ne", "and", "or", "not",
          "&&", "||", "!", "(", ")", "{", "}", ",", "..", "in", "contains", "matches", "~", "ACK",
          "BNDUPD", "5", "0x1f", "-1", "192.168.100.0/24", "10.0.0.1", "02:da:01:00:00:01", "aa:bb",
          '"c1"', '"(a+)+"', '"\\x41"', '"', "\\", "/", ".", ":", "warning", " ", "\t", "\x00", "é"]


def _compiles_or_filter_error(text: str) -> None:
    try:
        flt = compile_filter(text)
    except FilterError as exc:
        assert isinstance(exc.message, str) and 0 <= exc.column <= len(text)
        return
    for record in records():
        assert flt.matches(record) in (True, False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join))
def test_token_soup_compiles_or_raises_filter_error(text):
    _compiles_or_filter_error(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_compiles_or_raises_filter_error(text):
    _compiles_or_filter_error(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PIECES[:-4]), st.integers(min_value=20_000, max_value=100_000))
def test_long_input_finishes(piece, size):
    """100k characters of one piece (deep nesting, long chains, a huge literal or string):
    it compiles or raises FilterError, without recursion errors or quadratic blow-up."""
    text = (piece + " ") * (size // (len(piece) + 1))
    _compiles_or_filter_error(text)
    _compiles_or_filter_error("dhcp " + "or dhcp " * (size // 8))
    _compiles_or_filter_error("(" * size + "dhcp" + ")" * size)
    _compiles_or_filter_error('dhcp.option.hostname == "' + "x" * size + '"')


TESTS = ["dhcp", "dhcpfo", "dhcp.option.dhcp == ACK", "dhcp.option.dhcp == 1", "ip.src == 192.168.100.2",
         "dhcp.option.hostname", "tcp.port == 647", "icmp", "dhcpfo.type == BNDUPD", "frame.number > 20"]
_WORDS = {"&&": "and", "||": "or", "!": "not", "==": "eq", "!=": "ne", ">": "gt"}

tree = st.recursive(
    st.sampled_from(TESTS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        inner.map(lambda t: f"!({t})")),
    max_leaves=6)


def _wordy(text: str) -> str:
    out = text
    for symbol, word in _WORDS.items():
        out = out.replace(f" {symbol} ", f" {word} ").replace(f"{symbol}(", f"{word} (")
    return out


@settings(max_examples=150, deadline=None)
@given(tree)
def test_word_forms_and_symbols_select_the_same(text):
    assert frames(compile_filter(_wordy(text))) == frames(compile_filter(text))


@settings(max_examples=150, deadline=None)
@given(tree, tree)
def test_boolean_laws_hold(a, b):
    """De Morgan, double negation, and != being `present and not ==` on real records."""
    fa, fb = f"({a})", f"({b})"
    assert frames(compile_filter(f"!({fa} && {fb})")) == frames(compile_filter(f"!{fa} || !{fb}"))
    assert frames(compile_filter(f"!!{fa}")) == frames(compile_filter(fa))
    assert frames(compile_filter("dhcp.option.dhcp != 5")) == frames(
        compile_filter("dhcp.option.dhcp && !(dhcp.option.dhcp == 5)"))
