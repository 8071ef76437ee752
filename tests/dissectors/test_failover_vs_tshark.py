"""Differential test against the real tshark: every failover message tshark shows in the lab captures
(shared/corpus/isc-failover and samples/) is decoded by the pipeline with the same frame, endpoints,
type code, xid, time, length, option codes/lengths and option values.

Where tshark 4.0 is wrong for ISC 4.x (failover-wire.md §8) the expectation is named below: for the
7/9 type labels and the IP-flags bits the project's own value is asserted; for DDNS and the binary
client-identifier the test checks that tshark's reading follows from our raw bytes, not our value.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dhcpanalyze.decode import iter_records
from dhcpanalyze.model import FailoverRecord
from dissectors.failover import tables

pytestmark = pytest.mark.tshark

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "corpus" / "isc-failover"
CAPTURES = sorted(CORPUS.glob("fo-capture*.pcap")) + sorted((ROOT / "samples").glob("*.pcap"))
TSHARK = shutil.which("tshark")
HEADER = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "dhcpfo.type", "dhcpfo.xid",
          "dhcpfo.time", "dhcpfo.length", "dhcpfo.optioncode", "dhcpfo.optionlength"]


def c_string(raw: bytes) -> str:
    """How `tshark -T fields` prints bytes it takes for a NUL-terminated string: up to the first NUL."""
    return raw.split(b"\x00", 1)[0].decode("latin-1")


# --- named places where tshark 4.0.17 is wrong for ISC 4.x -------------------------------------------

def tshark_wrong_client_identifier(raw: bytes) -> str:
    """tshark reads option 4 as a string, so 01 02 00 00 00 00 01 shows as the two control characters
    01 02 ("Trailing stray characters"); ISC sends DHCP option 61's bytes, kept here as hex (+ MAC)."""
    return c_string(raw)


def tshark_wrong_ddns(raw: bytes) -> str:
    """tshark reads option 9 (2-byte flags + name) as one string, so flags 00 01 end it at once."""
    return c_string(raw)


def tshark_wrong_ip_flags_reserved(raw: bytes) -> str:
    """tshark takes RESERVED as mask 0x80 of the first byte; ISC's RESERVED is 0x0001 of the 16 bits."""
    return "1" if raw[0] & 0x80 else "0"


# tshark's type labels (tshark -G values) for what ISC 4.x calls 7 UPDREQALL and 9 UPDREQ: swapped.
TSHARK_WRONG_TYPE_LABELS = {7: "Update request", 9: "Update request all"}


def code_of(table: dict[int, str]):
    """Our enum name back to the number tshark prints."""
    inverse = {name: code for code, name in table.items()}
    return lambda opt: str(inverse[opt.value])


def value(opt) -> str:
    return str(opt.value)


def key(name: str):
    # an option of the wrong size keeps its hex as value; tshark then prints the hex too (HBA of 16)
    return lambda opt: str(opt.value[name]) if isinstance(opt.value, dict) else opt.value


# tshark field -> (draft-12 option code, how tshark prints our decoded option)
VALUE_FIELDS = {
    "dhcpfo.addressestransferred": (1, value),
    "dhcpfo.assignedipaddress": (2, value),
    "dhcpfo.bindingstatus": (3, code_of(tables.BINDING_STATUS)),
    "dhcpfo.clientidentifier": (4, lambda opt: tshark_wrong_client_identifier(bytes.fromhex(opt.value["hex"]))),
    "dhcpfo.clienthardwaretype": (5, lambda opt: f"0x{opt.value['htype']:02x}"),
    "dhcpfo.clienthardwareaddress": (5, key("mac")),
    "dhcpfo.clientlasttransactiontime": (6, value),
    "dhcpfo.ftddns": (9, lambda opt: tshark_wrong_ddns(opt.raw)),
    "dhcpfo.hashbucketassignment": (11, key("hex")),
    "dhcpfo.ipflags": (12, lambda opt: f"0x{opt.value['value']:04x}"),
    "dhcpfo.ipflags.reserved": (12, lambda opt: tshark_wrong_ip_flags_reserved(opt.raw)),
    "dhcpfo.leaseexpirationtime": (13, value),
    "dhcpfo.maxunackedbndupd": (14, value),
    "dhcpfo.mclt": (15, value),
    "dhcpfo.message": (16, value),
    "dhcpfo.potentialexpirationtime": (18, value),
    "dhcpfo.receivetimer": (19, value),
    "dhcpfo.protocolversion": (20, value),
    "dhcpfo.rejectreason": (21, code_of(tables.REJECT_REASONS)),
    "dhcpfo.relationshipname": (22, value),
    "dhcpfo.serverflag": (23, key("value")),
    "dhcpfo.serverstatus": (24, code_of(tables.SERVER_STATES)),
    "dhcpfo.starttimeofstate": (25, value),
    "dhcpfo.tls_reply": (26, code_of(tables.TLS_REPLY)),
    "dhcpfo.tls_request": (27, code_of(tables.TLS_REQUEST)),
    "dhcpfo.vendorclass": (28, value),
}
FIELDS = HEADER + list(VALUE_FIELDS)


def run_tshark(path: Path) -> dict[int, dict[str, list[str]]]:
    """frame -> field -> every occurrence in the frame (all its failover messages, in order)."""
    args = [TSHARK, "-n", "-r", str(path), "-Y", "dhcpfo", "-T", "fields", "-E", "occurrence=a",
            "-E", "aggregator=|", "-E", "separator=/t"]
    for field in FIELDS:
        args += ["-e", field]
    out = subprocess.run(args, capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC"},
                         encoding="latin-1").stdout
    frames = {}
    for line in out.splitlines():
        cells = line.split("\t")
        frames[int(cells[0])] = {f: (c.split("|") if c else []) for f, c in zip(FIELDS, cells)}
    return frames


def ours(path: Path) -> dict[int, dict[str, list[str]]]:
    """The same view built from the pipeline's FailoverRecords."""
    frames: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rec in iter_records([str(path)]):
        if not isinstance(rec, FailoverRecord):
            continue
        view, msg = frames[rec.frame], rec.msg
        view["frame.number"] = [str(rec.frame)]
        for field, value in (("ip.src", rec.src), ("tcp.srcport", rec.sport), ("ip.dst", rec.dst),
                             ("tcp.dstport", rec.dport)):
            view[field] = [str(value)]
        view["dhcpfo.type"].append(str(msg.type))
        view["dhcpfo.xid"].append(f"0x{msg.xid:08x}")
        view["dhcpfo.time"].append(str(msg.time))
        view["dhcpfo.length"].append(str(msg.length))
        for opt in msg.options:
            view["dhcpfo.optioncode"].append(str(opt.code))
            view["dhcpfo.optionlength"].append(str(len(opt.raw)))
        for field, (code, show) in VALUE_FIELDS.items():
            view[field] += [show(opt) for opt in msg.options if opt.code == code]
    return frames


def epoch(tshark_time: str) -> str:
    """'Nov 28, 2026 09:25:18.000000000 UTC' -> '1795857918'."""
    stamp = datetime.strptime(tshark_time.split(".")[0], "%b %d, %Y %H:%M:%S").replace(tzinfo=timezone.utc)
    return str(int(stamp.timestamp()))


@pytest.fixture(scope="module")
def tshark():
    if TSHARK is None:
        pytest.skip("tshark is not installed")
    return TSHARK


@pytest.mark.parametrize("path", CAPTURES, ids=[p.name for p in CAPTURES])
def test_every_failover_message_agrees_with_tshark(tshark, path):
    if not path.exists():
        pytest.skip(f"{path} not present")
    theirs, mine = run_tshark(path), ours(path)
    if not theirs and not mine:
        pytest.skip(f"{path.name} has no failover traffic")
    assert sorted(mine) == sorted(theirs)
    for frame, want in theirs.items():
        want["dhcpfo.time"] = [epoch(t) for t in want["dhcpfo.time"]]
        got = mine[frame]
        for field in FIELDS:
            # compared as tshark prints them: occurrences joined by "|" (an empty one then vanishes)
            assert "|".join(got.get(field, [])) == "|".join(want[field]), f"{path.name} frame {frame} {field}"


def test_tshark_swaps_the_7_9_labels_and_has_no_state_254(tshark):
    values = subprocess.run([tshark, "-G", "values"], capture_output=True, text=True, check=True).stdout
    table = defaultdict(dict)
    for line in values.splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and cells[0] == "V" and cells[1] in ("dhcpfo.type", "dhcpfo.serverstatus"):
            table[cells[1]][int(cells[2])] = cells[3]
    for code, label in TSHARK_WRONG_TYPE_LABELS.items():
        assert table["dhcpfo.type"][code] == label
    assert 254 not in table["dhcpfo.serverstatus"]
    # and the project names them as ISC does, on the real type-7 messages of the lab capture
    path = CORPUS / "fo-capture.pcap"
    if not path.exists():
        pytest.skip("shared corpus not present")
    names = {rec.msg.type_name for rec in iter_records([str(path)])
             if isinstance(rec, FailoverRecord) and rec.msg.type == 7}
    assert names == {"UPDREQALL"}


def test_ip_flags_reserved_lease_is_reserved_here_and_not_in_tshark(tshark):
    # fo-capture frame 514: a BNDUPD for an infinite-lease reservation (dhcpd "Infinite-leasetime
    # reservation made"), ip-flags 0x0001.
    path = CORPUS / "fo-capture.pcap"
    if not path.exists():
        pytest.skip("shared corpus not present")
    theirs = run_tshark(path)[514]
    assert theirs["dhcpfo.ipflags"] == ["0x0001"] and theirs["dhcpfo.ipflags.reserved"] == ["0"]
    flags = [rec.msg.get("ip-flags") for rec in iter_records([str(path)])
             if isinstance(rec, FailoverRecord) and rec.frame == 514]
    assert flags == [{"value": 1, "names": ["RESERVED"]}]
