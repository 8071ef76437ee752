"""Issue 14 item 1: a time no calendar can show (pcapng year 38558, a 1-second-resolution
timestamp near 2^64, a failover lease-expiration-time of 8 bytes) is data: every format still
renders, the value is shown raw and flagged, never a traceback."""
from __future__ import annotations

import json

import pytest

from tests.hostile import craft
from tests.hostile.seed import seed_frames

YEAR_38558_US = int((38558 - 1970) * 365.2425 * 86400 * 1e6)      # µs since the epoch


def _pcapng_with_one_far_packet(stamp: int, tsresol: int | None) -> bytes:
    frames = seed_frames()
    stamps = [int(ts * 1e6) for ts, _ in frames]
    if tsresol == 0:                               # 1-second units
        stamps = [s // 1_000_000 for s in stamps]
    stamps[-1] = stamp                             # the last frame (a DHCP ACK) in the far future
    return craft.pcapng(list(zip(stamps, (f for _, f in frames))), tsresol)


@pytest.mark.parametrize("stamp, tsresol", [
    (YEAR_38558_US, None), (2**64 - 1, 0), (2**63, 0),
], ids=["pcapng-year-38558", "pcapng-1s-resolution-max", "pcapng-1s-resolution-2^63"])
def test_far_future_packet_time_renders_in_every_format(capsys, tmp_path, stamp, tsresol) -> None:
    path = craft.write(tmp_path, _pcapng_with_one_far_packet(stamp, tsresol), "far.pcapng")
    for name, (code, out, err) in craft.every_output(capsys, path).items():
        assert code == 0 and "Traceback" not in err, (name, err)
        assert out, name
        if "json" in name:
            for line in out.splitlines() if "jsonl" in name else [out]:
                json.loads(line)
    code, out, _ = craft.run_cli(capsys, "report", "--jobs", "1", path)
    assert "out of range" in out


def test_eight_byte_lease_expiration_time_is_malformed_not_a_crash(capsys, tmp_path) -> None:
    # BNDUPD for 192.168.100.60, ACTIVE, with lease-expiration-time (13) of 8 bytes: 2^63 s.
    bndupd = craft.failover_message(3, [(2, bytes((192, 168, 100, 60))), (3, b"\x02"),
                                        (5, b"\x01" + craft.MAC_A), (13, (2**63).to_bytes(8, "big"))])
    path = craft.write(tmp_path, craft.pcap(craft.failover_stream([bndupd])))
    runs = craft.every_output(capsys, path)
    for name, (code, out, err) in runs.items():
        assert code == 0 and "Traceback" not in err, (name, err)
    doc = json.loads(runs["report json"][1])
    assert [f["message"] for f in doc["findings"] if f["code"] == "capture.malformed"] == [
        "failover message in frame 3 from 10.0.0.2: option 13 lease-expiration-time: length 8, expected 4"]


def test_far_future_packet_time_is_flagged_once_per_file(capsys, tmp_path) -> None:
    frames = seed_frames()
    stamps = [YEAR_38558_US + n for n in range(len(frames))]       # every packet in year 38558
    path = craft.write(tmp_path, craft.pcapng(list(zip(stamps, (f for _, f in frames)))), "far.pcapng")
    code, out, err = craft.run_cli(capsys, "report", "--jobs", "1", path)
    flags = [line for line in err.splitlines() if "year 9999" in line]
    assert code == 0 and len(flags) == 1, err
    assert f"{len(frames)} packets" in flags[0] and "packet 1:" in flags[0]
