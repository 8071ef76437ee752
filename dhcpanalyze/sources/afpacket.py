"""Live capture without any capture program: a Linux AF_PACKET socket with a classic BPF program.

    socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) -> reject-all filter -> bind(IF) -> drain
        -> SO_ATTACH_FILTER(program) -> drop root

Only the filter runs per packet in the kernel; what passes is read with recvmsg and stamped by
the kernel (SO_TIMESTAMPNS). Until it is bound the socket sees every frame of every interface,
so it rejects all until then and what slipped in before is drained (libpcap does the same). On `lo` the kernel
hands each packet up twice (pkttype OUTGOING, then HOST): the OUTGOING copy is skipped there; on
any other interface OUTGOING is the host's own traffic and is kept. Drops come from
PACKET_STATISTICS (it resets on each read, so the counts are summed). An interface that goes
down gives ENETDOWN once; if it is gone for good, the capture ends with an issue.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import time

from dhcpanalyze.sources.bpf import SNAPLEN, pack_program
from dhcpanalyze.sources.pipe import CaptureStartError, LiveItem

ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
RCVBUF_BYTES = 8 << 20
SO_TIMESTAMPNS = SCM_TIMESTAMPNS = 35
SOL_PACKET, PACKET_STATISTICS = 263, 6
SIOCGIFINDEX = 0x8933
PACKET_OUTGOING = 4
ARPHRD_ETHER, ARPHRD_LOOPBACK = 1, 772
LINKTYPE_ETHERNET = 1
BATCH = 512                       # packets read per readiness, at most
NOBODY = 65534
_TIMESPEC = struct.Struct("=qq")
_RECORD = struct.Struct("=IIII")
REJECT_ALL = [(0x06, 0, 0, 0)]    # ret #0
PCAP_HEADER = struct.pack("=IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET)  # ns pcap


class SocketSource:
    """Packets of one interface from an AF_PACKET socket; same read/stop/close as PipeSource."""

    program = "socket"

    def __init__(self, interface: str, program: list[tuple[int, int, int, int]],
                 drop_privileges: bool = False) -> None:
        self.interface = interface
        self.issues: list[str] = []
        self.stats = {"received": 0, "dropped": 0}
        self.header = PCAP_HEADER
        self.linktype = LINKTYPE_ETHERNET
        self._stopped = False
        self.sock = _open(interface, program)
        self._skip_outgoing = self.sock.getsockname()[3] == ARPHRD_LOOPBACK
        self._ifindex = self._index()
        if drop_privileges:
            drop_root()

    def read(self, timeout: float) -> list[LiveItem] | None:
        if self.sock.fileno() < 0:
            return None
        if self._stopped:
            items = self._drain()
            self._close_counting()
            return items or None
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if ready:
            return self._drain()
        if not self._still_there():
            self.issues.append(f"interface {self.interface} was removed; the capture has stopped")
            self._stopped = True
        return []

    def _still_there(self) -> bool:
        """After a quiet spell: is it the same interface (a deleted one gives ENETDOWN only once)?"""
        return self._index() == self._ifindex

    def _index(self) -> int | None:
        """The interface's index as the socket's own network namespace knows it (SIOCGIFINDEX)."""
        ifreq = struct.pack("16si", self.interface.encode()[:15], 0)
        try:
            return struct.unpack_from("16si", fcntl.ioctl(self.sock.fileno(), SIOCGIFINDEX, ifreq))[1]
        except OSError:
            return None

    def _drain(self) -> list[LiveItem]:
        items = []
        for _ in range(BATCH):
            try:
                data, ancdata, _flags, addr = self.sock.recvmsg(65535, 64, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            except OSError as exc:
                self._lost(exc)
                break
            if addr[2] == PACKET_OUTGOING and self._skip_outgoing:
                continue
            sec, nsec = _stamp(ancdata)
            items.append((sec + nsec * 1e-9, data, LINKTYPE_ETHERNET, len(data),
                          _RECORD.pack(sec, nsec, len(data), len(data)) + data))
        return items

    def _lost(self, exc: OSError) -> None:
        """ENETDOWN: the interface went down (it may come back up, or be gone: see _still_there)."""
        if exc.errno == errno.ENETDOWN:
            self.issues.append(f"interface {self.interface} went down")
            return
        self.issues.append(f"capture on {self.interface} failed ({os.strerror(exc.errno or 0)}); "
                           "the capture has stopped")
        self._stopped = True

    def stop(self) -> None:
        self._stopped = True

    def _close_counting(self) -> None:
        self.stats_now()
        self.sock.close()

    def stats_now(self) -> dict:
        """Add what the kernel counted since the last call (it resets the counters on read)."""
        if self.sock.fileno() >= 0:
            packets, drops = struct.unpack("II", self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
            self.stats["received"] += packets
            self.stats["dropped"] += drops
        return self.stats

    def close(self) -> None:
        if self.sock.fileno() >= 0:
            self._close_counting()


def _open(interface: str, program: list) -> socket.socket:
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    except PermissionError:
        raise CaptureStartError(f"no permission to open a packet socket on {interface}",
                                "privilege") from None
    try:
        attach_filter(sock, REJECT_ALL)      # until bound: the socket sees every interface
        _grow_buffer(sock)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.bind((interface, 0))
        _discard_queued(sock)
        attach_filter(sock, program)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.ENODEV, errno.ENXIO):
            raise CaptureStartError(f"no interface named {interface!r} (-D lists them)",
                                    "interface") from None
        raise CaptureStartError(f"cannot capture on {interface}: {exc.strerror}", "other") from None
    hatype = sock.getsockname()[3]
    if hatype not in (ARPHRD_ETHER, ARPHRD_LOOPBACK):
        sock.close()
        raise CaptureStartError(f"{interface} is not Ethernet (ARPHRD {hatype}); the socket backend "
                                "reads Ethernet only: use --capture-backend dumpcap", "other")
    return sock


def _grow_buffer(sock: socket.socket) -> None:
    """RCVBUF_BYTES of kernel queue, as dumpcap's 2 MB and more: with the default (~200 KB) the
    socket dropped 4 % of a 10,000 frames/s stream while Python was off the CPU (measured)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF_BYTES)   # root: past rmem_max
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)


def attach_filter(sock: socket.socket, program: list) -> None:
    """SO_ATTACH_FILTER takes a struct sock_fprog: u16 length, then a pointer to the instructions."""
    code = ctypes.create_string_buffer(pack_program(program))
    fprog = struct.pack("HL", len(program), ctypes.addressof(code))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)


def _discard_queued(sock: socket.socket) -> None:
    """Frames queued before the filter and the bind took effect (any interface, any protocol)."""
    while True:
        try:
            sock.recv(65535, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return


def _stamp(ancdata: list) -> tuple[int, int]:
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SCM_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            return _TIMESPEC.unpack_from(data)
    now = time.time_ns()
    return now // 1_000_000_000, now % 1_000_000_000


def drop_root() -> None:
    """After the socket is open root is no longer needed: become the sudo user, else nobody."""
    if os.geteuid() != 0:
        return
    uid = int(os.environ.get("SUDO_UID", NOBODY))
    gid = int(os.environ.get("SUDO_GID", NOBODY))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
