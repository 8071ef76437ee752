"""The one table of lab checks: what the decoder (tests/lab/checks.py, scenario_checks.py) and
the correlation engine (tests/engine/sample_checks.py) must show for each scenario. The same
checks run on the committed samples and on every live run (test_live.py).

Adding a check: write `def check_x(run: LabRun) -> list[str]` in one of those modules and list
it in its GENERAL (every scenario) or BY_SCENARIO; the samples and the live runs pick it up.
"""
from __future__ import annotations

from collections.abc import Callable

from ..engine import sample_checks
from . import checks, scenario_checks
from .labrun import SCENARIOS, LabRun

Check = Callable[[LabRun], list[str]]
DECODE = (checks.GENERAL, scenario_checks.BY_SCENARIO)
ENGINE = (sample_checks.GENERAL, sample_checks.BY_SCENARIO)


def cases(*tables) -> list[tuple[str, Check]]:
    """(scenario, check) for every scenario and every check of these tables."""
    return [(scenario, check) for general, by_scenario in tables for scenario in SCENARIOS
            for check in general + by_scenario.get(scenario, [])]


def case_id(case: tuple[str, Check]) -> str:
    """`seed-engine-takeover...`: scenario, the layer checked (decode or engine), the check."""
    scenario, check = case
    layer = "engine" if check.__module__.endswith("sample_checks") else "decode"
    return f"{scenario}-{layer}-{check.__name__.removeprefix('check_')}"
