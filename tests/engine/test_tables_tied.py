"""One copy of the protocol's numbers: the engine takes failover names from the dissector's
tables (dissectors/failover/tables.py, per era). What must still be spelled twice is tied here:
engine-side names that checks compare against, and the framing's fast header pattern."""
from __future__ import annotations

from dhcpanalyze.engine import failover
from dhcpanalyze.engine.checks.outcomes import NOT_RESPONDING
from dhcpanalyze.engine.checks.states import WARN_STATES
from dhcpanalyze.engine.wireview import BINDING_STATES, FO_STATES, fo_state_name, hba_split, \
    reject_text
from dissectors.failover import framing, tables, values
from tests.lab.labrun import ISC_STATE_CODES


def test_state_names_are_dhcpds_in_both_eras():
    # ISC_STATE_CODES is the lab's own table of `I move from A to B` names and wire values
    assert FO_STATES[False] == {code: name for name, code in ISC_STATE_CODES.items()}
    legacy = {tables.LEGACY_SERVER_STATES[code]: name for code, name in FO_STATES[True].items()}
    # 3.0.x had every state 4.x has but conflict-done
    assert {fo_state_name(code, True) for code in tables.LEGACY_SERVER_STATES} == \
        set(FO_STATES[False].values()) - {"conflict-done"}
    assert legacy["PARTNER-DOWN"] == "partner-down" and fo_state_name(10, True) == "startup"


def test_names_the_checks_compare_are_engine_state_names():
    names = set(FO_STATES[False].values())
    assert set(NOT_RESPONDING) <= names and WARN_STATES <= names
    assert set(BINDING_STATES.values()) >= {"free", "active", "backup", "released", "abandoned"}


def test_reject_texts_per_era():
    named = set(tables.REJECT_REASONS.values()) - {"reserved"}
    assert set(tables.REJECT_REASON_TEXTS) == named
    # 4.x 16 is 3.0.x 17: the same ISC text whatever the era numbered it
    assert reject_text(16, False) == reject_text(17, True) == "Less critical binding information."
    assert reject_text(15, True) == "Missing binding information."
    assert reject_text(99, False) is None


def test_tracked_message_types_have_one_number_in_both_eras():
    for code in (failover.BNDUPD, failover.BNDACK, failover.CONNECT, failover.CONNECTACK,
                 failover.STATE, failover.CONTACT, failover.DISCONNECT):
        assert tables.MESSAGE_TYPES[code] == tables.LEGACY_MESSAGE_TYPES[code]


def test_framing_header_pattern_covers_every_type_and_length():
    pattern = framing._HEADER_START
    for code in tables.MESSAGE_TYPES:
        for length in (tables.MIN_LENGTH, tables.MAX_LENGTH):
            head = length.to_bytes(2, "big") + bytes((code, tables.HEADER_SIZE))
            assert pattern.match(head), (code, length)
    assert not pattern.match(b"\x00\x0c" + bytes((max(tables.MESSAGE_TYPES) + 1, 12)))


def test_one_hba_split():
    assert hba_split is values.hba_split
