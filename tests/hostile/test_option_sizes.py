"""Issue 14 item 2: a failover integer option of the wrong size (a 1,900-byte MCLT, an 8-byte
lease-expiration-time) is malformed data: reported as such and not used as a number, so no format
dies on a 4,575-digit integer."""
from __future__ import annotations

import json

from tests.hostile import craft

CONNECT, BNDUPD = 5, 3
HUGE = b"\x7f" + b"\xff" * 1899            # 1,900 bytes: a 4,575-digit number if read as one


def _connect(mclt: bytes) -> bytes:
    return craft.failover_message(CONNECT, [(22, b"FAILOVER"), (14, (10).to_bytes(4, "big")),
                                            (19, (15).to_bytes(4, "big")), (15, mclt)], xid=0)


def _bndupd(ends: bytes) -> bytes:
    return craft.failover_message(BNDUPD, [(2, bytes((192, 168, 100, 60))), (3, b"\x02"),
                                           (5, b"\x01" + craft.MAC_A), (13, ends)])


def test_oversized_integer_options_are_malformed_in_every_format(capsys, tmp_path) -> None:
    path = craft.write(tmp_path, craft.pcap(craft.failover_stream([_connect(HUGE), _bndupd(HUGE)])))
    runs = craft.every_output(capsys, path)
    for name, (code, out, err) in runs.items():
        assert (code, "Traceback" in err) == (0, False), (name, err)
        assert len(max(out.split(), key=len, default="")) < 4000, name     # no 4,575-digit number
    doc = json.loads(runs["report json"][1])
    malformed = [f for f in doc["findings"] if f["code"] == "capture.malformed"]
    assert malformed[0]["message"].endswith("option 15 mclt: length 1900, expected 4")
    assert sorted(frame for f in malformed for frame in f["frames"]) == [3, 4]    # CONNECT, BNDUPD
    assert [rel["mclt"] for rel in doc["failover"]] == [None]
    assert [lease["ends"] for lease in doc["leases"]] == [None]


def test_eight_byte_lease_expiration_time_is_not_a_lease_end(capsys, tmp_path) -> None:
    path = craft.write(tmp_path, craft.pcap(craft.failover_stream([_bndupd((2**40).to_bytes(8, "big"))])))
    code, out, _ = craft.run_cli(capsys, "report", "--format", "json", "--jobs", "1", path)
    assert [lease["ends"] for lease in json.loads(out)["leases"]] == [None]


def test_packets_summary_says_malformed_instead_of_a_long_number(capsys, tmp_path) -> None:
    path = craft.write(tmp_path, craft.pcap(craft.failover_stream([_connect(HUGE)])))
    code, out, _ = craft.run_cli(capsys, "packets", path)
    connect = out.splitlines()[2]
    assert "CONNECT" in connect and "mclt malformed" in connect and len(connect) < 200, connect
