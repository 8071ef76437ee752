"""Time the two inputs of issue 14 item 8 at 1x and 4x their size: linear work grows ~4x.

    python benchmarks/hostile.py            # a few seconds

* IPv4 reassembly: one UDP/67 datagram cut into 8-byte fragments, the last one sent first
  (65,000 bytes in 8,125 fragments took 6.8 s of CPU before the fix, 16x more for 4x the fragments).
* failover resynchronisation: a stream of plausible headers that never verify (tests/hostile/
  test_linear_work.py `_unsyncable`), cut into 1,448-byte segments, against normal BNDUPD traffic of
  the same size. Before the fix it cost ~59x the calls per byte of normal traffic.

CPU time (time.process_time) of the best of five rounds, so other processes on a shared machine
matter less; the suite counts calls instead (tests/hostile/test_linear_work.py).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile.test_linear_work import _cut, _fragments, _normal, _reassemble, _unsyncable  # noqa: E402

ROUNDS = 5


def best(work) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    rows = []
    # RFC 791 caps a datagram at 65,535 bytes: 1x is one 65,000-byte datagram, 4x is four of them
    # (sequentially: reassembly state is per datagram), and, within the cap, 2,031 vs 8,125 fragments
    one = _fragments(bytes(8 * 8_125))
    t1 = best(lambda: _reassemble(one))
    t4 = best(lambda: [_reassemble(one) for _ in range(4)])
    rows.append(("reassembly, one datagram of 8,125 fragments last first", t1, "four datagrams", t4))
    quarter = _fragments(bytes(8 * 2_031))
    rows.append(("reassembly, 2,031 fragments", best(lambda: _reassemble(quarter)), "8,125 fragments", t1))
    size = 2_000_000
    hostile1, hostile4 = _unsyncable(size), _unsyncable(4 * size)
    normal = _normal(size)
    h1 = best(lambda: _cut(hostile1, False, 1448))
    h4 = best(lambda: _cut(hostile4, False, 1448))
    n1 = best(lambda: _cut(normal, True, 1448))
    rows.append(("resync, 2 MB never in step", h1, "8 MB", h4))
    for what, t1, big, t4 in rows:
        print(f"{what}: {t1:.3f} s; {big}: {t4:.3f} s; growth {t4 / t1:.1f}x")
    print(f"normal failover traffic, 2 MB: {n1:.3f} s; resync costs {h1 / n1:.1f}x per byte")


if __name__ == "__main__":
    main()
