"""Golden-file comparison for report output.

Regenerate after an intended change with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports
tests/cli` and review the diff of tests/reports/golden/ before committing it.
"""
from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare `text` with golden/<name>, or (re)write it when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        return
    assert path.exists(), f"golden file {path} missing: run with UPDATE_GOLDEN=1 to create it"
    with open(path, encoding="utf-8", newline="") as stored:
        expected = stored.read()
    assert text == expected, f"output differs from {path} (UPDATE_GOLDEN=1 rewrites it)"
