"""The failover benchmark mix (benchmarks/make_capture.build_resync) is what BENCHMARKS.md says:
many pairs resyncing at once, each with its own addresses, every BNDUPD BNDACKed, the peers'
clocks consistent (no skew), failover frames the asked share of the packets."""
from __future__ import annotations

import sys

from tests.conftest import ROOT, SAMPLES
from tests.engine.helpers import run_files

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_capture  # noqa: E402


def test_pairs_resync_side_by_side(tmp_path):
    out = tmp_path / "fo.pcap"
    built = make_capture.build_resync([str(SAMPLES / "resync.pcap")], out, 6000, share=0.25,
                                      relationships=4)
    assert built["waves"] == 6 and built["relevant"] == 1500        # 4 pairs x 66 frames a wave
    run = run_files([out])
    rels = run.summary["failover"]
    assert sorted(tuple(r["peers"]) for r in rels) == [
        (f"10.0.{r}.2", f"10.0.{r}.3") for r in range(4)]
    for rel in rels:
        b = rel["binding_updates"]
        assert b["sent"] >= 4 * 375 and b["acked"] == b["sent"], rel["relationship"]
        assert rel["skew_s"] == 0.0 and rel["sessions_total"] >= 5
    assert not run.codes("failover.update-unacked") and not run.codes("failover.clock-skew")
