"""Sessions loaded from the real samples."""
from __future__ import annotations

from pathlib import Path

import pytest

from dhcpanalyze.browse.loader import file_source, load
from dhcpanalyze.browse.session import Session

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def loaded(*paths) -> Session:
    paths = [str(p) for p in paths]
    session = Session(paths)
    for _ in load(session, file_source(session, paths)):
        pass
    return session


@pytest.fixture(scope="session")
def seed() -> Session:
    return loaded(SAMPLES / "seed.pcap")
