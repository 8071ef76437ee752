"""The seed sample's frames, for crafted captures that need real DHCP and failover bytes."""
from __future__ import annotations

import struct

from tests.conftest import SAMPLES


def seed_frames() -> list[tuple[float, bytes]]:
    """(ts, frame) of every record of samples/seed.pcap (little-endian µs pcap)."""
    blob = (SAMPLES / "seed.pcap").read_bytes()
    pos, frames = 24, []
    while pos + 16 <= len(blob):
        sec, usec, caplen, _ = struct.unpack_from("<IIII", blob, pos)
        frames.append((sec + usec / 1e6, blob[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return frames
