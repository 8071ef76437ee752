"""Build a large benchmark capture from the real lab samples.

Two mixes. The DHCP mix (`build`): every DHCP and failover frame of the samples is replicated with fresh client MACs and xids (DHCP) and
fresh TCP ports (failover), so the engine sees many distinct clients and failover connections; each
replica is shifted in time, and background TCP/UDP noise is interleaved so that DHCP + failover make
up `--share` of the packets (10 % by default), with frame sizes typical of a campus SPAN port.

The failover mix (`build_resync`, `--mix failover`): the real pool resync of samples/resync.pcap (a
fresh ISC pair: UPDREQALL answered by one BNDUPD per address, each BNDACKed, several messages per
frame) replayed by `--relationships` pairs at once, each pair with its own server addresses, again
and again (each wave is the pairs reconnecting and resyncing), with noise so that the failover
frames are `--share` of the packets (8 % by default: ~80k frames carrying ~900k messages in 1M).

    python benchmarks/make_capture.py --packets 1000000 -o bench/1m.pcap samples/*.pcap
    python benchmarks/make_capture.py --mix failover --packets 1000000 -o bench/fo-1m.pcap samples/resync.pcap
"""
from __future__ import annotations

import argparse
import random
import struct
import sys
from pathlib import Path

import dpkt

NOISE_SIZES = (66, 66, 66, 74, 90, 150, 420, 590, 1090, 1514, 1514)   # ACKs, DNS-ish, bulk TCP


def relevant_frames(paths: list[str]) -> list[tuple[float, bytes]]:
    """The DHCP (UDP 67/68), ICMP-error and failover (TCP 647) Ethernet frames of the samples."""
    frames = []
    for path in paths:
        with open(path, "rb") as fh:
            for ts, buf in dpkt.pcap.Reader(fh):
                eth = dpkt.ethernet.Ethernet(buf)
                ip = eth.data
                if not isinstance(ip, dpkt.ip.IP):
                    continue
                l4 = ip.data
                if isinstance(l4, dpkt.udp.UDP) and {l4.sport, l4.dport} & {67, 68} \
                        or isinstance(l4, dpkt.tcp.TCP) and 647 in (l4.sport, l4.dport) \
                        or isinstance(l4, dpkt.icmp.ICMP):
                    frames.append((ts, bytes(buf)))
    frames.sort(key=lambda f: f[0])
    return frames


def failover_time_fields(frames: list[tuple[float, bytes]]) -> dict[int, list[int]]:
    """Frame index -> offsets (in the frame) of the 4-byte `time` field of failover messages it carries,
    found by walking each direction's stream by its 2-byte length prefixes (ISC framing)."""
    where: dict[int, list[int]] = {}
    streams: dict[tuple, list] = {}        # direction -> [pending bytes, [(frame index, frame offset)...]]
    for index, (_, frame) in enumerate(frames):
        if frame[23] != 6:
            continue
        l4 = 14 + (frame[14] & 0x0F) * 4
        data_at = l4 + (frame[l4 + 12] >> 4) * 4
        key = (frame[26:34], frame[l4:l4 + 4])
        if frame[l4 + 13] & 0x02:          # SYN: a new stream in this direction
            streams[key] = [b"", []]
        pending, spots = streams.setdefault(key, [b"", []])
        payload = frame[data_at:14 + struct.unpack_from("!H", frame, 16)[0]]
        spots = spots + [(index, data_at + i) for i in range(len(payload))]
        pending += payload
        while len(pending) >= 12:
            length = struct.unpack_from("!H", pending)[0]
            if length < 12 or len(pending) < length:
                break
            owner = {spots[4][0], spots[7][0]}
            if len(owner) == 1:            # the time field lies within one frame
                where.setdefault(spots[4][0], []).append(spots[4][1])
            pending, spots = pending[length:], spots[length:]
        streams[key] = [pending, spots]
    return where


def replicate(frame: bytes, k: int, time_at: list[int] = (), shift: int = 0,
              addresses: dict[bytes, bytes] | None = None) -> bytes:
    """Copy k of a frame: DHCP gets a new xid and client MAC, failover a new TCP client port and its
    messages' sender times moved by the replica's time shift (so the peers' clocks stay consistent)."""
    buf = bytearray(frame)
    for at in time_at:
        struct.pack_into("!I", buf, at, (struct.unpack_from("!I", buf, at)[0] + shift) & 0xFFFFFFFF)
    if addresses:                          # IPv4 source and destination (checksums are not checked)
        for at in (26, 30):
            buf[at:at + 4] = addresses.get(bytes(buf[at:at + 4]), buf[at:at + 4])
    ihl = (buf[14] & 0x0F) * 4
    l4 = 14 + ihl
    proto = buf[23]
    if proto == 17:
        payload = l4 + 8
        if len(buf) >= payload + 34:
            struct.pack_into("!I", buf, payload + 4, struct.unpack_from("!I", buf, payload + 4)[0] ^ (k * 2654435761 & 0xFFFFFFFF))
            old_mac = bytes(buf[payload + 28:payload + 34])
            new_mac = old_mac[:3] + struct.pack("!I", (int.from_bytes(old_mac[3:], "big") + k * 7919) & 0xFFFFFF)[1:]
            buf[:] = bytes(buf).replace(old_mac, new_mac)          # chaddr, Ethernet address, client-id
    elif proto == 6:
        sport, dport = struct.unpack_from("!HH", buf, l4)
        shift = lambda p: p if p == 647 else 1024 + (p + k * 97) % 60000   # noqa: E731
        struct.pack_into("!HH", buf, l4, shift(sport), shift(dport))
    return bytes(buf)


def noise_frame(rng: random.Random) -> bytes:
    size = rng.choice(NOISE_SIZES)
    tcp = rng.random() < 0.8
    src = bytes((10, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)))
    dst = bytes((172, 16, rng.randrange(256), rng.randrange(1, 255)))
    sport, dport = rng.randrange(1024, 65535), rng.choice((80, 443, 53, 8080, 22, 3306))
    if tcp:
        l4 = dpkt.tcp.TCP(sport=sport, dport=dport, seq=rng.randrange(1 << 32), flags=0x18)
        l4.data = b"\0" * max(0, size - 54)
    else:
        l4 = dpkt.udp.UDP(sport=sport, dport=dport)
        l4.data = b"\0" * max(0, size - 42)
        l4.ulen = 8 + len(l4.data)
    ip = dpkt.ip.IP(src=src, dst=dst, p=6 if tcp else 17, data=l4)
    ip.len = 20 + len(bytes(l4))
    eth = dpkt.ethernet.Ethernet(src=b"\x02\0\0\0\0\1", dst=b"\x02\0\0\0\0\2", data=ip)
    return bytes(eth)


def write_with_noise(writer, frame: bytes, t: float, written: int, per_relevant: int,
                     noise_pool: list[bytes], spacing: float) -> int:
    """Write one relevant frame and the `per_relevant` noise frames after it, `spacing` s apart;
    returns the number of packets written so far."""
    writer.writepkt(frame, t)
    written += 1
    for i in range(per_relevant):
        writer.writepkt(noise_pool[(written + i) % len(noise_pool)], t + (i + 1) * spacing)
    return written + per_relevant


def build(paths: list[str], out: Path, packets: int, share: float, seed: int = 1) -> dict:
    rng = random.Random(seed)
    base = relevant_frames(paths)
    if not base:
        sys.exit("no DHCP/failover frames in the given samples")
    noise_pool = [noise_frame(rng) for _ in range(2000)]
    per_relevant = max(0, round(1 / share) - 1)
    span = int(base[-1][0] - base[0][0]) + 1
    time_fields = failover_time_fields(base)
    written = relevant = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        writer = dpkt.pcap.Writer(fh, snaplen=65535)
        k = 0
        while written < packets:
            for index, (ts, frame) in enumerate(base):
                t = ts + k * span
                written = write_with_noise(writer, replicate(frame, k, time_fields.get(index, ()),
                                                             k * span), t, written, per_relevant,
                                           noise_pool, 1e-5)
                relevant += 1
                if written >= packets:
                    break
            k += 1
    return {"packets": written, "relevant": relevant, "replicas": k, "bytes": out.stat().st_size}


def build_resync(paths: list[str], out: Path, packets: int, share: float = 0.08,
                 relationships: int = 64, seed: int = 1) -> dict:
    """The failover mix: `relationships` pairs resyncing at once (replicas of the samples' failover
    frames, pair r's servers at 10.r.0.2/.3 ...), wave after wave, noise in between."""
    rng = random.Random(seed)
    base = [(ts, frame) for ts, frame in relevant_frames(paths) if frame[23] == 6]
    if not base:
        sys.exit("no failover frames in the given samples")
    servers = sorted({frame[at:at + 4] for _, frame in base for at in (26, 30)})
    noise_pool = [noise_frame(rng) for _ in range(2000)]
    per_relevant = max(0, round(1 / share) - 1)
    start = base[0][0]
    span = int(base[-1][0] - start) + 2           # whole seconds: the header times move by it
    time_fields = failover_time_fields(base)
    written = relevant = wave = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        writer = dpkt.pcap.Writer(fh, snaplen=65535)
        while written < packets:
            frames = []
            for r in range(relationships):
                k = wave * relationships + r
                addresses = {ip: bytes((10, r >> 8 & 255, r & 255, ip[3])) for ip in servers}
                for index, (ts, frame) in enumerate(base):
                    # the pairs start a millisecond apart, so their messages interleave
                    t = ts + wave * span + r * 1e-3
                    frames.append((t, replicate(frame, k, time_fields.get(index, ()), wave * span,
                                                addresses)))
            frames.sort(key=lambda f: f[0])
            for t, frame in frames:
                written = write_with_noise(writer, frame, t, written, per_relevant, noise_pool, 1e-7)
                relevant += 1
                if written >= packets:
                    break
            wave += 1
    return {"packets": written, "relevant": relevant, "waves": wave, "relationships": relationships,
            "bytes": out.stat().st_size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("samples", nargs="+")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--mix", choices=("dhcp", "failover"), default="dhcp")
    ap.add_argument("--share", type=float, help="share of DHCP + failover frames (default 0.10; "
                                                "failover mix 0.08)")
    ap.add_argument("--relationships", type=int, default=64, help="failover mix: pairs at once")
    args = ap.parse_args()
    if args.mix == "failover":
        print(build_resync(args.samples, args.output, args.packets, args.share or 0.08,
                           args.relationships))
    else:
        print(build(args.samples, args.output, args.packets, args.share or 0.10))


if __name__ == "__main__":
    main()
