"""The ISC tokenizer and statement reader: positions, strings, comments, includes, bad input."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from dhcpanalyze.iscfiles import tokens
from dhcpanalyze.iscfiles.statements import statements
from dhcpanalyze.iscfiles.tokens import Source, tokenize, tokenize_file


def toks(text: str) -> tuple[list[tuple[str, str, int, int]], list[str]]:
    source = Source()
    found = [(t.kind, t.text, t.where.line, t.where.column) for t in tokenize(text, "f", source)]
    return found, [f"{p.where.line}:{p.where.column} {p.message}" for p in source.problems]


def test_words_punctuation_and_positions():
    found, problems = toks('lease 10.0.0.1 {\n  hardware ethernet 02:da:01:00:00:01;\n}')
    assert found == [("word", "lease", 1, 1), ("word", "10.0.0.1", 1, 7), ("punct", "{", 1, 16),
                     ("word", "hardware", 2, 3), ("word", "ethernet", 2, 12),
                     ("word", "02:da:01:00:00:01", 2, 21), ("punct", ";", 2, 38),
                     ("punct", "}", 3, 1)]
    assert problems == []


@pytest.mark.parametrize("text, value", [
    (r'"plain"', "plain"),
    (r'"a \"quoted\" word"', 'a "quoted" word'),
    (r'"tab\there"', "tab\there"),
    (r'"\001\002abc"', "\x01\x02abc"),          # uid as dhcpd writes a binary client id
    (r'"\x41\x4a"', "AJ"),
    (r'"back\\slash"', "back\\slash"),
    (r'"# not a comment"', "# not a comment"),
])
def test_quoted_strings_and_escapes(text, value):
    found, problems = toks(text + ";")
    assert found[0][:2] == ("string", value) and problems == []


def test_comments_run_to_the_end_of_the_line():
    found, _ = toks("a; # b;\n# c;\nd;")
    assert [t[1] for t in found] == ["a", ";", "d", ";"]


def test_unterminated_string_is_a_problem_and_the_next_line_still_reads(tmp_path):
    found, problems = toks('client-hostname "c1;\nbinding state active;')
    assert problems == ['1:17 unterminated string']
    assert found[1][1] == "c1;" and found[2][1] == ";"
    assert [t[1] for t in found if t[2] == 2] == ["binding", "state", "active", ";"]
    path = tmp_path / "f"                   # read from a file, line by line: the same tokens
    path.write_bytes(b'client-hostname "c1;\r\nbinding state active;\n')
    source = Source()
    assert [t.text for t in tokenize_file(str(path), source)] == [
        "client-hostname", "c1;", ";", "binding", "state", "active", ";"]


def test_statements_nest_and_report_unbalanced_braces():
    source = Source()
    text = 'subnet 10.0.0.0 netmask 255.0.0.0 { pool { range 10.0.0.5 10.0.0.9; } }\n}\nx {'
    tops = list(statements(tokenize(text, "f", source), source))
    assert [t.head(1) for t in tops] == [("subnet",), ("x",)]
    assert tops[0].block[0].block[0].values() == ["range", "10.0.0.5", "10.0.0.9"]
    assert [(p.where.line, p.message) for p in source.problems] == [
        (2, "unexpected '}'"), (3, "block never closed: missing '}'")]


def test_include_splices_the_file_relative_to_the_includer(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "peer.conf").write_text("mclt 60;\n")
    (tmp_path / "main.conf").write_text('a;\ninclude "sub/peer.conf";\nb;\n')
    source = Source()
    found = [(t.text, t.where.file.rsplit("/", 1)[-1], t.where.line)
             for t in tokenize_file(str(tmp_path / "main.conf"), source)]
    assert found == [("a", "main.conf", 1), (";", "main.conf", 1), ("mclt", "peer.conf", 1),
                     ("60", "peer.conf", 1), (";", "peer.conf", 1), ("b", "main.conf", 3),
                     (";", "main.conf", 3)]
    assert source.problems == [] and len(source.files) == 2


def test_include_cycle_missing_file_and_depth_are_problems(tmp_path):
    (tmp_path / "a.conf").write_text('include "b.conf";\nx;\n')
    (tmp_path / "b.conf").write_text('include "a.conf";\ninclude "nowhere.conf";\n')
    source = Source()
    words = [t.text for t in tokenize_file(str(tmp_path / "a.conf"), source)]
    assert words == ["x", ";"]
    messages = [p.message for p in source.problems]
    assert any("include cycle" in m for m in messages)
    assert any(m.startswith("cannot read") and "nowhere.conf" in m for m in messages)
    for n in range(tokens.MAX_INCLUDE_DEPTH + 2):
        (tmp_path / f"d{n}.conf").write_text(f'include "d{n + 1}.conf";\n')
    source = Source()
    list(tokenize_file(str(tmp_path / "d0.conf"), source))
    assert any("nested deeper" in p.message for p in source.problems)


def test_a_file_beyond_the_size_bound_is_cut_with_a_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_FILE_BYTES", 20)
    path = tmp_path / "big.conf"
    path.write_text("a;\n" * 30)
    source = Source()
    assert len(list(tokenize_file(str(path), source))) == 12     # 20 bytes hold 6 whole "a;" lines
    assert "larger than 20 bytes" in source.problems[0].message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab1.;{}"#\\\n x', max_size=80))
def test_any_text_reads_without_raising(text):
    source = Source()
    list(statements(tokenize(text, "f", source), source))


WORDS = st.sampled_from(['failover', 'peer', '"FO"', 'state', '{', '}', ';', 'lease', '10.0.0.1',
                         'primary', 'secondary', 'split', '300', 'hba', 'ff:00', 'mclt', 'my',
                         'at', '6', '2026/11/28', '10:12:56', 'pool', 'range', 'subnet',
                         'netmask', 'include', '"x"', 'epoch', 'never', '\n', '#', '"', '\\'])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=60), st.binary(max_size=40))
def test_any_file_reads_and_lints_without_raising(tmp_path_factory, words, junk):
    from dhcpanalyze.iscfiles.conf import read_config
    from dhcpanalyze.iscfiles.leases import read_leases
    from dhcpanalyze.iscfiles.lint import lint
    path = tmp_path_factory.mktemp("h") / "f"
    path.write_bytes(" ".join(words).encode() + junk)
    configs = [read_config(str(path)), read_config(str(path))]
    findings = list(lint(configs))
    assert all(f["code"].startswith("config.") for f in findings)
    read_leases(str(path))
