"""Link layers down to IPv4: where in a frame the IPv4 header starts, for every link type we read.

Ethernet (with 802.1Q / 802.1ad / QinQ tags), Linux cooked capture v1 (SLL) and v2 (SLL2), raw IP,
BSD loopback (NULL, LOOP), and 802.11 data frames (bare or behind radiotap) with LLC/SNAP.
Returns -1 for anything that is not IPv4 (ARP, IPv6, LLDP, 802.11 management, a cut header).
"""
from __future__ import annotations

# LINKTYPE_* values from https://www.tcpdump.org/linktypes.html
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_RAW_BSD = 12          # DLT_RAW as some BSD-written files store it
LINKTYPE_RAW_OPENBSD = 14
LINKTYPE_IEEE802_11 = 105
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IEEE802_11_RADIOTAP = 127
LINKTYPE_IPV4 = 228
LINKTYPE_LINUX_SLL2 = 276

ETHERTYPE_IPV4 = 0x0800
VLAN_TPIDS = (0x8100, 0x88A8, 0x9100, 0x9200)   # 802.1Q, 802.1ad, and pre-standard QinQ tags
AF_INET = 2
LLC_SNAP = b"\xaa\xaa\x03\x00\x00\x00"


def ipv4_offset(data: bytes, linktype: int) -> int:
    """Offset of the IPv4 header in `data`, or -1."""
    if linktype == LINKTYPE_ETHERNET:
        return _ethernet(data, 12)
    if linktype == LINKTYPE_LINUX_SLL:
        return 16 if data[14:16] == b"\x08\x00" else -1
    if linktype == LINKTYPE_LINUX_SLL2:
        return 20 if data[0:2] == b"\x08\x00" else -1
    if linktype in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_RAW_BSD, LINKTYPE_RAW_OPENBSD):
        return 0 if data[:1] and data[0] >> 4 == 4 else -1
    if linktype == LINKTYPE_NULL:                  # address family in the writer's byte order
        return 4 if data[0:4] in (b"\x02\x00\x00\x00", b"\x00\x00\x00\x02") else -1
    if linktype == LINKTYPE_LOOP:
        return 4 if data[0:4] == b"\x00\x00\x00\x02" else -1
    if linktype == LINKTYPE_IEEE802_11_RADIOTAP:
        return _ieee80211(data, int.from_bytes(data[2:4], "little")) if len(data) >= 4 else -1
    if linktype == LINKTYPE_IEEE802_11:
        return _ieee80211(data, 0)
    return -1


def _ethernet(data: bytes, type_at: int) -> int:
    """Walk VLAN tags from the EtherType at `type_at`; the IPv4 header follows the last type."""
    while len(data) >= type_at + 2:
        ethertype = (data[type_at] << 8) | data[type_at + 1]
        if ethertype == ETHERTYPE_IPV4:
            return type_at + 2
        if ethertype not in VLAN_TPIDS:
            return -1
        type_at += 4
    return -1


def _ieee80211(data: bytes, start: int) -> int:
    """802.11 data frame -> LLC/SNAP -> IPv4 (IEEE 802.11-2016 §9.2.3)."""
    if len(data) < start + 24:
        return -1
    fc0, fc1 = data[start], data[start + 1]
    if (fc0 >> 2) & 3 != 2:                        # not a data frame
        return -1
    header = 24
    if fc1 & 0x03 == 0x03:                         # ToDS and FromDS: a fourth address
        header += 6
    if fc0 & 0x80:                                 # QoS data subtype: QoS control
        header += 2
        if fc1 & 0x80:                             # +HTC/order bit: HT control field
            header += 4
    if fc1 & 0x40:                                 # protected frame: payload is encrypted
        return -1
    snap = start + header
    if data[snap:snap + 6] != LLC_SNAP or data[snap + 6:snap + 8] != b"\x08\x00":
        return -1
    return snap + 8
