"""RFC 3074 load balancing as ISC applies it: the worked examples of failover-wire.md §6.4."""
from __future__ import annotations

import pytest

from dhcpanalyze.engine.loadbalance import effective_secs, looks_little_endian, pearson_bucket, \
    primary_serves, verdict
from dhcpanalyze.engine.wireview import hba_split

from .helpers import hba_split as make_hba
from .helpers import mac_bytes

# (hash input, bucket, HBA byte, mask, owner under split 128, owner under split 100)
WORKED = [
    ("02:00:00:00:00:01", 133, 16, 0x20, "secondary", "secondary"),
    ("02:00:00:00:00:05", 13, 1, 0x20, "primary", "primary"),
    ("01:02:00:00:00:00:01", 14, 1, 0x40, "primary", "primary"),
    ("01:02:00:00:00:00:05", 242, 30, 0x04, "secondary", "secondary"),
    ("02:00:00:00:00:02", 45, 5, 0x20, "primary", "primary"),
    ("02:00:00:00:00:03", 182, 22, 0x40, "secondary", "secondary"),
    ("02:00:00:00:01:07", 122, 15, 0x04, "primary", "secondary"),
    ("02:00:00:00:01:02", 27, 3, 0x08, "primary", "primary"),
    ("02:00:00:00:02:0b", 143, 17, 0x80, "secondary", "secondary"),
    ("02:00:00:00:03:01", 57, 7, 0x02, "primary", "primary"),
    ("00:11:22:33:44:55", 135, 16, 0x80, "secondary", "secondary"),
    ("52:54:00:12:34:56", 156, 19, 0x10, "secondary", "secondary"),
]


@pytest.mark.parametrize("key,bucket,byte,mask,split128,split100", WORKED,
                         ids=[w[0] for w in WORKED])
def test_worked_examples(key, bucket, byte, mask, split128, split100):
    assert pearson_bucket(mac_bytes(key)) == bucket
    assert (bucket >> 3, 1 << (bucket & 7)) == (byte, mask)
    for split, owner in ((128, split128), (100, split100)):
        assert ("primary" if primary_serves(make_hba(split), bucket) else "secondary") == owner


def test_field_guide_example_client_id_changes_the_bucket():
    # field-guide.md §2: chaddr 00:11:22:33:44:55 -> 135, its option 61 01:00:11:.. -> 223
    assert pearson_bucket(mac_bytes("00:11:22:33:44:55")) == 135
    assert pearson_bucket(mac_bytes("01:00:11:22:33:44:55")) == 223


def test_empty_key_is_bucket_zero():
    assert pearson_bucket(b"") == 0


@pytest.mark.parametrize("split", [0, 1, 100, 128, 255, 256])
def test_split_read_back_from_hba(split):
    assert hba_split(make_hba(split)) == split


def test_wire_hba_for_split_100_has_0f_byte():
    hba = make_hba(100)
    assert hba[:12] == b"\xff" * 12 and hba[12] == 0x0F and hba[13:] == b"\0" * 19


def test_custom_hba_has_no_split():
    assert hba_split(b"\x55" * 32) is None


# failover-wire.md §6.3 with load balance max seconds 3: raw secs bytes -> both answer?
SECS = [(0x0003, False, True), (0x0004, False, False), (0x0100, False, False),
        (0x0100, True, True), (0x0300, True, True), (0x0400, True, False), (0x0101, True, False)]


@pytest.mark.parametrize("secs,check,balanced", SECS,
                         ids=[f"{s:04x}-check{int(c)}" for s, c, _ in SECS])
def test_secs_bypass_and_byte_order(secs, check, balanced):
    v = verdict(mac_bytes("02:00:00:00:00:05"), secs, make_hba(128), "P", "S", 3, check)
    assert v.balanced is balanced
    assert v.owner == "P" and v.judged


def test_unknown_max_judges_only_secs_zero():
    key, hba = mac_bytes("02:00:00:00:00:01"), make_hba(128)
    assert verdict(key, 0, hba, "P", "S", None, False).judged
    assert not verdict(key, 2, hba, "P", "S", None, False).judged
    assert not verdict(key, 0, hba, "P", "S", 0, False).balanced     # max 0 = disabled


def test_little_endian_detection():
    assert looks_little_endian(0x0300) and not looks_little_endian(0x0003)
    assert not looks_little_endian(0x0101)
    assert effective_secs(0x0400, True) == 4 and effective_secs(0x0400, False) == 1024
