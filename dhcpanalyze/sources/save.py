"""Keep a live capture's raw packets as pcap (`--save FILE`), optionally as a ring of files.

dumpcap refuses a ring buffer (-b) when it writes to stdout, so the ring turns here: each file is a
complete pcap with its own header, named like dumpcap's ring files (`NAME_00001_20261206194400.pcap`);
a new one starts when the next packet would pass `filesize` MB, and only the newest `files` are kept.
The records are written byte for byte as the capture program wrote them, so the saved file read
offline gives the same frames, timestamps and report. A write error (disk full) stops the saving
with an issue; the analysis goes on.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Ring:
    files: int
    filesize_mb: float


def parse_ring(text: str) -> Ring:
    """`files:N,filesize:MB` (either order) as dumpcap's -b spells its conditions."""
    given = {}
    for part in text.split(","):
        key, sep, value = part.partition(":")
        if not sep or key.strip() not in ("files", "filesize"):
            raise ValueError(f"expected files:N,filesize:MB, got {text!r}")
        given[key.strip()] = value.strip()
    if set(given) != {"files", "filesize"}:
        raise ValueError(f"both files:N and filesize:MB are needed, got {text!r}")
    ring = Ring(int(given["files"]), float(given["filesize"]))
    if ring.files < 1 or ring.filesize_mb <= 0:
        raise ValueError(f"files must be 1 or more and filesize above 0, got {text!r}")
    return ring


class PcapSaver:
    """Writes pcap records to one file, or to a ring of files."""

    def __init__(self, path: str, ring: Ring | None = None) -> None:
        self.path, self.ring = Path(path), ring
        self.issues: list[str] = []
        self.written: list[Path] = []       # every file started (older ring files may be gone)
        self._header = b""
        self._file = None
        self._size = 0
        self._limit = int(ring.filesize_mb * 1_000_000) if ring else 0

    def open(self) -> None:
        """Create the first file before the capture starts (and before the socket backend gives
        up root), so a bad path fails at once (OSError)."""
        self._open_next()

    def start(self, header: bytes) -> None:
        """The capture's pcap header: the first bytes of every file."""
        self._header = header
        self._file.write(header)
        self._size = len(header)
        self._file.flush()

    def write(self, record: bytes) -> None:
        if self._file is None:
            return
        try:
            if self._limit and self._size > len(self._header) and \
                    self._size + len(record) > self._limit:
                self._rotate()
            self._file.write(record)
            self._size += len(record)
        except OSError as exc:
            self.issues.append(f"saving to {self.written[-1]} stopped: {exc.strerror or exc}")
            self._close_file()

    def _open_next(self) -> None:
        name = self.path
        if self.ring:
            stamp = time.strftime("%Y%m%d%H%M%S", time.localtime())
            name = self.path.with_name(f"{self.path.stem}_{len(self.written) + 1:05d}_{stamp}"
                                       f"{self.path.suffix or '.pcap'}")
        self._file = open(name, "wb")
        self._file.write(self._header)
        self._size = len(self._header)
        self.written.append(name)

    def _rotate(self) -> None:
        self._close_file()
        self._open_next()
        oldest_kept = len(self.written) - self.ring.files
        if oldest_kept > 0:
            os.unlink(self.written[oldest_kept - 1])

    def flush(self) -> None:
        if self._file is not None:
            try:
                self._file.flush()
            except OSError as exc:
                self.issues.append(f"saving stopped: {exc.strerror or exc}")
                self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None

    def close(self) -> None:
        self._close_file()

    def kept(self) -> list[str]:
        """The files that hold the capture now (a ring keeps only the newest)."""
        return [str(p) for p in self.written[-self.ring.files if self.ring else -1:]]
