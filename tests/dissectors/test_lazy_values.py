"""Option values the dissectors leave to be decoded later must be ones that cannot fail: a failure
found only when the value is read would be a problem the decoder never reported as an issue."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dissectors.dhcp import decode_dhcp
from dissectors.dhcp.compound import SHAPES
from dissectors.dhcp.shapes import FITS, BadValue
from dissectors.failover.tables import LEGACY, MODERN
from dissectors.failover.values import DECODERS
from dissectors.failover.values import FITS as FAILOVER_FITS
from dissectors.options import LATER, Option

COOKIE_AT = 236


@pytest.mark.parametrize("shape", sorted(FITS))
@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=40))
def test_dhcp_data_that_fits_always_decodes(shape: str, data: bytes) -> None:
    if FITS[shape](data):
        SHAPES[shape](data)                 # must not raise BadValue
    else:
        with pytest.raises(BadValue):       # and the check is not stricter than the decoder
            SHAPES[shape](data)


@pytest.mark.parametrize("era", [MODERN, LEGACY], ids=["draft-12", "isc-3.0"])
@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=40))
def test_failover_data_that_fits_always_decodes(era, data: bytes) -> None:
    for spec in era.options.values():
        sized = data[:spec.size].ljust(spec.size, b"\0") if spec.size is not None else data
        fits = FAILOVER_FITS.get(spec.shape)
        if fits is None or fits(sized):             # shapes without a check never fail
            DECODERS[spec.shape](sized, era)        # must not raise
        else:
            with pytest.raises(ValueError):         # and the check is not stricter than the decoder
                DECODERS[spec.shape](sized, era)


def test_failover_shapes_with_a_check_really_can_fail() -> None:
    for shape, fits in FAILOVER_FITS.items():
        assert not fits(b"")
        with pytest.raises(ValueError):
            DECODERS[shape](b"", MODERN)


def test_a_bad_value_is_an_issue_at_decode_time_not_later() -> None:
    # option 51 (lease time) with 3 bytes, option 19 (ip forwarding, bool) with value 7
    payload = bytes(COOKIE_AT) + b"\x63\x82\x53\x63" + b"\x35\x01\x05\x33\x03\x00\x00\x10\x13\x01\x07\xff"
    msg = decode_dhcp(payload)
    assert msg.issues == ["option 51 (dhcp-lease-time) length 3, expected 4",
                          "option 19 (ip-forwarding) value 7 is not 0 or 1"]
    assert [o.value for o in msg.options] == ["ACK", "000010", "07"]


def test_deferred_value_is_decoded_on_read_and_equal_to_a_given_one() -> None:
    later = tuple.__new__(Option, (54, "dhcp-server-identifier", b"\xc0\xa8\x64\x02", LATER,
                                   SHAPES["ip"]))
    given_ = Option(54, "dhcp-server-identifier", b"\xc0\xa8\x64\x02", "192.168.100.2")
    assert later.value == "192.168.100.2"
    assert later == given_ and not later != given_
    assert repr(later) == repr(given_)


def test_recurring_options_are_one_shared_object_per_code_and_bytes() -> None:
    from dissectors.dhcp import dhcp_options
    from dissectors.failover import failover_options
    first, again = dhcp_options([(54, b"\xc0\xa8\x64\x02")]), dhcp_options([(54, b"\xc0\xa8\x64\x02")])
    assert first[0] is again[0] and first[0].value == "192.168.100.2"
    assert dhcp_options([(54, b"\xc0\xa8\x64\x03")])[0].value == "192.168.100.3"
    # the eras number failover options differently: 11 is the HBA in draft-12, vendor class in ISC 3.0
    modern, legacy = failover_options([(11, b"isc-V3.0")], False), failover_options([(11, b"isc-V3.0")], True)
    assert (modern[0].name, legacy[0].name) == ("hash-bucket-assignment", "vendor-class-identifier")


def test_shared_options_are_bounded() -> None:
    from dissectors.options import SharedOptions
    made = []
    shared = SharedOptions(lambda code, raw: made.append(raw) or Option(code, "x", raw, raw.hex()), limit=3)
    for i in range(7):
        shared[(1, bytes([i]))]
        assert len(shared) <= 3
    shared[(1, b"\x06")]                    # still there: not made again
    assert len(made) == 7
    big = (1, bytes(65))                    # larger than max_bytes: made, not kept
    assert shared[big].raw == bytes(65) and big not in shared and len(made) == 8
