"""RFC 3074 load balancing exactly as ISC dhcpd 4.4 applies it: which peer should answer a DISCOVER.

failover-wire.md §6: the key is option 61 (all bytes, type byte included) if present, else the
first hlen bytes of chaddr; Pearson hash walked from the last byte to the first; bucket b is the
primary's when bit (b & 7) of HBA byte (b >> 3) is set (ISC's HBA is the complement of draft-12's).
Only DISCOVERs are balanced, only in NORMAL, and not when secs > `load balance max seconds`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .relationship import Relationship
from .wireview import DhcpView

# RFC 3074 §6 mixing table (identical to ISC server/failover.c and Kea query_filter.cc)
PEARSON = bytes((
    251, 175, 119, 215, 81, 14, 79, 191, 103, 49, 181, 143, 186, 157, 0, 232,
    31, 32, 55, 60, 152, 58, 17, 237, 174, 70, 160, 144, 220, 90, 57, 223,
    59, 3, 18, 140, 111, 166, 203, 196, 134, 243, 124, 95, 222, 179, 197, 65,
    180, 48, 36, 15, 107, 46, 233, 130, 165, 30, 123, 161, 209, 23, 97, 16,
    40, 91, 219, 61, 100, 10, 210, 109, 250, 127, 22, 138, 29, 108, 244, 67,
    207, 9, 178, 204, 74, 98, 126, 249, 167, 116, 34, 77, 193, 200, 121, 5,
    20, 113, 71, 35, 128, 13, 182, 94, 25, 226, 227, 199, 75, 27, 41, 245,
    230, 224, 43, 225, 177, 26, 155, 150, 212, 142, 218, 115, 241, 73, 88, 105,
    39, 114, 62, 255, 192, 201, 145, 214, 168, 158, 221, 148, 154, 122, 12, 84,
    82, 163, 44, 139, 228, 236, 205, 242, 217, 11, 187, 146, 159, 64, 86, 239,
    195, 42, 106, 198, 118, 112, 184, 172, 87, 2, 173, 117, 176, 229, 247, 253,
    137, 185, 99, 164, 102, 147, 45, 66, 231, 52, 141, 211, 194, 206, 246, 238,
    56, 110, 78, 248, 63, 240, 189, 93, 92, 51, 53, 183, 19, 171, 72, 50,
    33, 104, 101, 69, 8, 252, 83, 120, 76, 135, 85, 54, 202, 125, 188, 213,
    96, 235, 136, 208, 162, 129, 190, 132, 156, 38, 47, 1, 7, 254, 24, 4,
    216, 131, 89, 21, 28, 133, 37, 153, 149, 80, 170, 68, 6, 169, 234, 151,
))


def pearson_bucket(key: bytes) -> int:
    """RFC 3074 hash of `key` as ISC walks it: h = len mod 256, then T[h ^ byte], last byte first."""
    h = len(key) & 0xFF
    for byte in reversed(key):
        h = PEARSON[h ^ byte]
    return h


def hash_key(view: DhcpView) -> bytes:
    """What ISC hashes: the client-identifier option if sent, else chaddr without htype."""
    return view.client_id() or bytes(view.msg.chaddr[: view.msg.hlen])


def primary_serves(hba: bytes, bucket: int) -> bool:
    """ISC HBA: a set bit (LSB-first within each byte) means the primary owns the bucket."""
    byte = bucket >> 3
    return byte < len(hba) and bool(hba[byte] & (1 << (bucket & 7)))


def effective_secs(secs: int, check_byte_order: bool) -> int:
    """dhcpd's reading of secs: ntohs, swapped only with check-secs-byte-order for `NN 00`."""
    if check_byte_order and secs > 255 and secs & 0xFF == 0:
        return secs >> 8
    return secs


def looks_little_endian(secs: int) -> bool:
    """Bytes `NN 00` with NN > 0: a client writing a small secs value in host (LE) order."""
    return secs > 255 and secs & 0xFF == 0


@dataclass(slots=True, frozen=True)
class Balance:
    """The load-balancing verdict for one DISCOVER."""

    bucket: int
    owner: str             # the peer the hash designates
    balanced: bool         # False: secs bypass, so both peers may answer
    secs_used: int         # secs as dhcpd read it
    judged: bool           # False when lb_max_secs is unknown and secs > 0 (no conclusion)

    def to_dict(self) -> dict:
        return {"bucket": self.bucket, "owner": self.owner, "balanced": self.balanced,
                "secs": self.secs_used, "judged": self.judged}


def verdict(key: bytes, secs: int, hba: bytes, primary: str, secondary: str,
            lb_max_secs: int | None, check_byte_order: bool) -> Balance:
    """Who should answer a DISCOVER with this client key and secs under the pair's HBA."""
    bucket = pearson_bucket(key)
    owner = primary if primary_serves(hba, bucket) else secondary
    used = effective_secs(secs, check_byte_order)
    if lb_max_secs is None:
        # unknown max: any setting >= 1 balances secs 0; 0 (unset) balances nothing, and that
        # shows as loadbalance.disabled, so only secs 0 can be judged
        return Balance(bucket, owner, used == 0, used, judged=used == 0)
    # ISC answers regardless of the hash when max is 0 or strictly below secs (§6.3)
    return Balance(bucket, owner, 0 < lb_max_secs and used <= lb_max_secs, used, judged=True)


def service_mode(rel: Relationship, ts: float) -> tuple[str, str | None]:
    """How the pair serves at `ts`: ('balanced', None), ('alone', peer in partner-down), or
    ('independent', None) when out of touch or in other states (failover-wire.md §5.8)."""
    link_up = rel.link_up_at(ts)
    if link_up is False:
        return "independent", None
    primary, secondary = rel.state_at(rel.primary, ts), rel.state_at(rel.secondary, ts)
    if primary == "partner-down":
        return "alone", rel.primary
    if secondary == "partner-down":
        return "alone", rel.secondary
    if primary == "normal" and secondary == "normal":
        return "balanced", None
    # a session caught mid-stream with no STATE seen: ISC peers that talk are normally NORMAL
    if primary is None and secondary is None and link_up:
        return "balanced", None
    return "independent", None


def designate(txn, rel: Relationship | None, settings) -> None:
    """Set the transaction's balance verdict and expected server from its first DISCOVER."""
    if not txn.discovers or txn.lb_key is None or rel is None or rel.hba is None \
            or not (rel.primary and rel.secondary):
        return
    ts, _frame, secs = txn.discovers[0]
    txn.balance = verdict(txn.lb_key, secs, rel.hba_at(ts), rel.primary, rel.secondary,
                          settings.lb_max_secs, settings.check_secs_byte_order)
    mode, peer = service_mode(rel, ts)
    txn.service_mode = mode
    if mode == "alone":
        txn.expected_server = peer
    elif mode == "balanced" and txn.balance.balanced and txn.balance.judged:
        txn.expected_server = txn.balance.owner
