"""Decoding in a second process, so that reading and dissecting run on one CPU while the engine and
the renderer run on another.

    decoder = ForkedDecoder(DecodeOptions())      # same interface as dhcpanalyze.decode.Decoder
    for record in decoder.records(paths): ...     # the same records, in the same order
    decoder.frames_read                           # set once the records are exhausted

The child is a plain `os.fork()` of the caller (no re-import, no multiprocessing machinery; stdin
stays readable, so '-' works). It runs `Decoder.records` and writes the records to a pipe in
batches, packed as tuples (recordpack), each batch a 4-byte length and a `marshal` of them (on
these batches marshal dumps about twice and loads about 1.3 times as fast as pickle). The pipe's
buffer is the only queue, so memory stays flat: a child ahead of the parent waits on the write.
marshal data is only ever read from our own child, never from a file or the network.

Only for batch runs (`report`): forking a process that runs threads (a TUI) is not safe.
"""
from __future__ import annotations

import marshal
import os
import signal
import struct
import traceback
from collections.abc import Iterator

from dhcpanalyze.decode import CaptureError, DecodeOptions, Decoder
from dhcpanalyze.model import Record
from dhcpanalyze.recordpack import pack, unpack

BATCH = 256                 # records per pipe write: a few hundred syscalls for a whole campus day
_LENGTH = struct.Struct("!I")
_END, _CAPTURE_ERROR, _BUG = "end", "capture-error", "bug"


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork")


def default_jobs() -> int:
    """2 when there is a second CPU for the decoding process, idle enough to run it, and a way to
    start it, else 1.

    The second process pays for handing records over (packing and rebuilding them: about a third
    more CPU in all on failover-heavy input, BENCHMARKS.md) and gains only by running beside
    this one. On a machine whose CPUs are already busy (load average above CPUs - 1) it gains
    nothing and the extra work makes the report slower, so then one process does it all."""
    if not can_fork():
        return 1
    cpus = usable_cpus()
    return 2 if cpus >= 2 and _load() <= cpus - 1 else 1


def _load() -> float:
    """How busy the CPUs are: runnable processes averaged over the last minute (0 where the
    system does not tell), unless fewer besides this one are runnable right now. The average
    lags: for a minute after a CPU-bound job ends it still counts it (a benchmark's previous run,
    a build just finished), while the CPU is idle."""
    try:
        average = os.getloadavg()[0]
    except (AttributeError, OSError):
        average = 0.0
    now = _runnable_now()
    return average if now is None else min(average, now)


def _runnable_now() -> int | None:
    """Other processes runnable at this moment (Linux /proc/loadavg), None where not known."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(running - 1, 0)          # this process is one of them


class DecoderProcessError(RuntimeError):
    """The decoding process failed for a reason other than the input (a bug: its traceback)."""


class DecoderProcessLost(DecoderProcessError):
    """The decoding process ended without finishing (killed, e.g. by the OOM killer)."""


class ForkedDecoder:
    """`Decoder.records` run in a child process; records come back through a pipe."""

    def __init__(self, opts: DecodeOptions) -> None:
        self.opts = opts
        self.frames_read = 0

    def records(self, paths: list[str]) -> Iterator[Record]:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:                                    # the child: never returns from here
            status = 1
            try:
                os.close(read_fd)
                status = _child(paths, self.opts, write_fd)
            finally:
                os._exit(status)
        os.close(write_fd)
        pipe = os.fdopen(read_fd, "rb")
        finished = False
        try:
            yield from self._receive(pipe, pid)
            finished = True
        finally:
            pipe.close()                                # a child still writing gets EPIPE and ends
            _reap(pid, finished)

    def _receive(self, pipe, pid: int) -> Iterator[Record]:
        while True:
            head = pipe.read(_LENGTH.size)
            size = _LENGTH.unpack(head)[0] if len(head) == _LENGTH.size else -1
            data = pipe.read(size) if size >= 0 else b""
            if len(data) != size:               # the child died, maybe in the middle of a batch
                raise DecoderProcessLost(f"the decoding process (pid {pid}) ended without finishing: "
                                         f"{_ending(pid)}")
            message = marshal.loads(data)
            if type(message) is list:
                yield from map(unpack, message)
                continue
            what, detail = message
            if what == _END:
                self.frames_read = detail
                return
            if what == _CAPTURE_ERROR:
                raise CaptureError(detail)
            raise DecoderProcessError(f"the decoding process failed:\n{detail}")


def _child(paths: list[str], opts: DecodeOptions, fd: int) -> int:
    """Decode and send; the exit status is 0 unless even reporting the failure failed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is the parent's; it ends us
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)       # the parent stopped reading: end quietly
    with os.fdopen(fd, "wb") as pipe:
        batch: list[tuple] = []
        try:
            decoder = Decoder(opts)
            for record in decoder.records(paths):
                batch.append(pack(record))
                if len(batch) >= BATCH:
                    _send(pipe, batch)
                    batch = []
            end = (_END, decoder.frames_read)
        except CaptureError as exc:             # what was decoded before it still counts
            end = (_CAPTURE_ERROR, str(exc))
        except Exception:       # noqa: BLE001 - a bug: the parent shows it, we must not print
            end = (_BUG, traceback.format_exc())
        if batch:
            _send(pipe, batch)
        _send(pipe, end)
    return 0


def _send(pipe, message: object) -> None:
    data = marshal.dumps(message)
    pipe.write(_LENGTH.pack(len(data)))
    pipe.write(data)
    pipe.flush()


def _ending(pid: int) -> str:
    """How a child that closed its pipe ended (it is reaped here)."""
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "already reaped"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by signal {number} ({signal.Signals(number).name})"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _reap(pid: int, finished: bool) -> None:
    """Wait for the child. One that sent its last message is exiting by itself; one still running
    (the parent stopped early, or gave up on it) is ended first."""
    try:
        if not finished and os.waitpid(pid, os.WNOHANG)[0] == 0:
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except ChildProcessError:       # already reaped by _ending
        pass
