"""The lint against the real dhcpd's own parser: `dhcpd -t` (test the configuration and exit) on
the lab's configs with one mistake each. dhcpd refuses a file exactly when the lint finds an error
in it, and each line dhcpd logs is one of the lint's findings, at the same line where dhcpd's
parser stops on the statement itself. Skips where isc-dhcp-server is not installed."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dhcpanalyze.iscfiles.conf import read_config
from dhcpanalyze.iscfiles.lint import lint_file
from tests.conftest import SAMPLES

DHCPD = shutil.which("dhcpd")
pytestmark = pytest.mark.skipif(DHCPD is None, reason="dhcpd not installed (package isc-dhcp-server)")
LINE = re.compile(r"^\S+ line (\d+): (.+)$", re.M)
# dhcpd drops a peer declaration that has a bad statement, and then its pools name an unknown peer:
# a consequence the lint reports once, at the statement.
CONSEQUENCE = re.compile(r"^failover peer \S+: not found$")

MUTATIONS = {
    "clean primary": ("primary", []),
    "clean secondary": ("secondary", []),
    "no split": ("primary", [("  split 128;\n", "")]),
    "no mclt": ("primary", [("  mclt 60;\n", "")]),
    "mclt 0": ("primary", [("mclt 60", "mclt 0")]),
    "split on the secondary": ("secondary", [("  secondary;\n", "  secondary;\n  split 128;\n")]),
    "split before secondary": ("secondary", [("  secondary;\n", "  split 128;\n  secondary;\n")]),
    "hba on the secondary": ("secondary", [("  secondary;\n", "  secondary;\n  hba "
                                            + ":".join(["0f"] * 32) + ";\n")]),
    "split 257": ("primary", [("split 128", "split 257")]),
    "no peer address": ("primary", [("  peer address 192.168.100.3;\n", "")]),
    "peer declared after the pool": ("primary", "move"),
    "unknown statement": ("primary", [("  mclt 60;\n", "  mclt 60;\n  frob 1;\n")]),
    "mclt on the secondary": ("secondary", [("  secondary;\n", "  secondary;\n  mclt 60;\n")]),
    "no role": ("primary", [("  primary;\n", "")]),
    "unterminated string": ("primary", [('ddns-update-style none;', 'option domain-name "x;')]),
    "pool without failover": ("primary", [('    failover peer "FAILOVER";\n', "")]),
    "hba of 31 bytes": ("primary", [("split 128", "hba " + ":".join(["ff"] * 31))]),
    "peer declared twice": ("primary", "twice"),
    "load balance max secs": ("primary", [("max seconds 3", "max secs 3")]),
    "load balance seconds": ("secondary", [("balance max seconds", "balance seconds")]),
    "keywords in capitals": ("primary", [("  primary;", "  PRIMARY;"), ("  mclt 60", "  MCLT 60")]),
    "every balance statement": ("primary", [("  mclt 60;\n", "  mclt 60;\n  auto-partner-down 0;\n"
                                             "  max-lease-misbalance 10;\n  max-lease-ownership 5;\n"
                                             "  max-balance 100;\n  min-balance 20;\n")]),
}


def mutated(tmp_path: Path, role: str, edits) -> Path:
    text = (SAMPLES / "seed" / f"dhcpd-{role}.conf").read_text()
    peer = text[text.index("failover peer"):text.index("}\n") + 2]
    if edits == "move":
        text = text.replace(peer, "") + peer
    elif edits == "twice":
        text = text.replace(peer, peer + "\n" + peer)
    else:
        for old, new in edits:
            assert old in text
            text = text.replace(old, new)
    path = tmp_path / f"dhcpd-{role}.conf"
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", MUTATIONS, ids=list(MUTATIONS))
def test_dhcpd_refuses_what_the_lint_calls_an_error(tmp_path, case):
    if not (SAMPLES / "seed" / "dhcpd-primary.conf").exists():
        pytest.skip("samples/seed not committed")
    path = mutated(tmp_path, *MUTATIONS[case])
    done = subprocess.run([DHCPD, "-t", "-4", "-cf", str(path)], capture_output=True, text=True,
                          timeout=30)
    logged = [(int(n), m) for n, m in LINE.findall(done.stderr + done.stdout)
              if not CONSEQUENCE.match(m)]
    findings = list(lint_file(read_config(str(path))))
    errors = [f for f in findings if f["severity"] == "error"]
    assert (done.returncode != 0) == bool(errors), (done.stderr[-800:], errors)
    said = {(f["line"], log) for f in errors for log in _logs(f)}
    peer = read_config(str(path)).peer()
    # after a syntax error the two parsers resynchronise differently (dhcpd's strings run on
    # across lines): what dhcpd says after it need only be an error there too
    first_syntax = min((f["line"] for f in errors if f["code"] == "config.syntax"), default=None)
    for line, message in logged:
        if first_syntax is not None and line >= first_syntax:
            continue
        # a missing statement is noticed at the declaration's closing brace; the lint names
        # the declaration's first line
        at_end = peer is not None and peer.end is not None and line == peer.end.line
        assert (line, message) in said or (at_end and (peer.where.line, message) in said), \
            (line, message, said)


def _logs(finding: dict) -> list[str]:
    value = finding.get("isc_log")
    return value if isinstance(value, list) else [value] if value else []
