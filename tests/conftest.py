"""Shared test helpers: where the shared corpus and the samples are."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SAMPLES = ROOT / "samples"


def corpus_file(relative: str) -> Path:
    """A file of the shared corpus, or skip the test when the corpus is not next to this checkout."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"shared corpus file {relative} not present at {CORPUS}")
    return path


def corpus_captures() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".pcap", ".pcapng"))


def sample_captures() -> list[Path]:
    return sorted(SAMPLES.glob("*.pcap")) + sorted(SAMPLES.glob("*.pcapng"))
