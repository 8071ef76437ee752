"""What the real dhcpd did with each broken configuration of the `misconfig` scenario, against what
`dhcpanalyze config` says about the same two files. Used on the committed record
(samples/misconfig/) and on a live run (tests/lab/test_config_lab.py).

The outcome dhcpd shows, and the finding that must predict it:
- it refuses to start: every `file line N: message` it logs is an error finding on that file,
  with that message as isc_log and the line inside the peer declaration it names;
- it starts, but rejects the partner: the lines it logs about the connection are among the
  isc_log lines of the pair's error findings (name, address);
- it starts and the pair never talks, without a word in the logs: a pair error (crossed ports);
- nothing wrong in the files (the clock is): the lint finds no error, so the cause is elsewhere.
"""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from dhcpanalyze.cli import main
from dhcpanalyze.iscfiles.conf import read_config

# Connection lines that come with the rejection but name no cause (the cause's line is logged too).
ECHOES = ("failover: disconnect: ",)


def lint(files: Path, case: str) -> tuple[int, list[dict]]:
    """`dhcpanalyze config --format json --fail-on error` on the case's two files."""
    out, err = io.StringIO(), io.StringIO()
    paths = [str(files / f"dhcpd-{role}-{case}.conf") for role in ("primary", "secondary")]
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["config", "--format", "json", "--fail-on", "error", *paths])
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return code, json.loads(out.getvalue())["findings"]


def check_case(files: Path, case: str, outcome: dict) -> list[str]:
    code, findings = lint(files, case)
    errors = [f for f in findings if f["severity"] == "error"]
    refused = {r: s for r, s in outcome["servers"].items() if not s["started"]}
    problems = []
    for role, server in refused.items():
        problems += _refusal_predicted(files, case, role, server, errors)
    connection = outcome.get("connection")
    if connection is not None:
        problems += _connection_predicted(case, connection, errors)
    if not errors and code != 0:
        problems.append(f"{case}: exit {code} without an error finding")
    if errors and code != 1:
        problems.append(f"{case}: exit {code} with error findings (--fail-on error)")
    return problems


def _refusal_predicted(files: Path, case: str, role: str, server: dict,
                       errors: list[dict]) -> list[str]:
    conf = files / f"dhcpd-{role}-{case}.conf"
    peer = read_config(str(conf)).peer()
    problems = [] if server["parse_errors"] else [f"{case}: {role} exited with no parse error logged"]
    for name, line, message in server["parse_errors"]:
        match = [f for f in errors if Path(f["file"]).name == name and message in _logs(f)]
        if not match:
            problems.append(f"{case}: dhcpd {role} logged {message!r}; no error finding says it")
        elif not peer.where.line <= line <= peer.end.line:
            problems.append(f"{case}: dhcpd's line {line} is outside the peer declaration")
    return problems


def _connection_predicted(case: str, connection: dict, errors: list[dict]) -> list[str]:
    talks = all(connection["partner_talks"].values())
    lines = [x for role_lines in connection["failover_lines"].values() for x in role_lines
             if not x.startswith(ECHOES)]
    pair = [f for f in errors if f["code"] in PAIR_CODES]
    if talks:
        return [f"{case}: the pair connected, yet the lint says {f['code']}" for f in pair]
    if not pair and not lines:
        return [f"{case}: the pair never talked and nothing explains it"]
    if not pair:                        # a cause outside the files (the clock): the lint is silent
        return [f"{case}: lint error {f['code']} though the files were not the cause"
                for f in errors]
    predicted = {line for f in pair for line in _logs(f)}
    return [f"{case}: dhcpd logged {line!r}; no pair finding predicts it"
            for line in lines if not any(p in line for p in predicted)]


PAIR_CODES = {"config.name-mismatch", "config.address-mismatch", "config.port-mismatch",
              "config.same-role"}


def _logs(finding: dict) -> list[str]:
    value = finding.get("isc_log")
    return value if isinstance(value, list) else [value] if value else []


def check_misconfig(files: Path) -> list[str]:
    record = json.loads((files / "scenario.json").read_text())
    problems = []
    for case, outcome in record["misconfig"].items():
        problems += check_case(files, case, outcome)
    return problems
