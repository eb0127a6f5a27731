"""Running ffmpeg: argument lists only (never a shell), progress from `-progress`, cancellation, and
outputs that appear under their final name only when complete.

Two shapes of run:
- `run()`: ffmpeg writes files; progress comes from `-progress pipe:1` as media time written, in
  microseconds, against the expected total.
- `read_stream()`: ffmpeg writes raw data to its stdout, which the caller consumes block by block
  (decoded audio); the caller counts progress itself, in the units it knows exactly (samples).

Progress callbacks take `(step, done, total)`; cancellation is any object with `is_set()` (a
`threading.Event`), checked at least every 100 ms.
"""

import collections
import contextlib
import os
import queue
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from dubstudio import tools
from dubstudio.media.errors import CancelledError, FFmpegError

Progress = Callable[[str, int, int], None]
POLL_S = 0.1
STDERR_LINES = 20


class Cancel(Protocol):
    def is_set(self) -> bool: ...


def file_arg(path: str | os.PathLike) -> str:
    """A path as ffmpeg must see it: 'file:' and absolute, so that a name with a colon is never taken
    for a protocol and a name starting with '-' never for an option."""
    return "file:" + str(Path(path).absolute())


def base_command() -> list[str]:
    return [tools.require("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error"]


class StderrTail:
    """Drains a process's stderr in a thread (a full pipe would stall ffmpeg) and keeps its last lines."""

    def __init__(self, stream):
        self.lines: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        for raw in stream:
            line = raw.decode(errors="replace").strip()
            if line:
                self.lines.append(line)

    def last(self) -> str:
        self._thread.join(timeout=5)
        return self.lines[-1] if self.lines else "no message"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def _failed(what: str, stderr: StderrTail) -> FFmpegError:
    return FFmpegError(f"ffmpeg could not {what} ({stderr.last()}): check the input files and the free disk space.")


def run(args: Sequence[str], *, what: str, total_us: int = 0, progress: Progress | None = None,
        cancel: Cancel | None = None) -> None:
    """Run ffmpeg with args (inputs, filters, outputs); what names the job in messages ("mux the master")."""
    command = [*base_command(), "-nostats", "-progress", "pipe:1", *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    stderr = StderrTail(process.stderr)
    lines: queue.Queue[str | None] = queue.Queue()

    def read_progress() -> None:
        for raw in process.stdout:
            lines.put(raw.decode(errors="replace").strip())
        lines.put(None)

    threading.Thread(target=read_progress, daemon=True).start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                _stop(process)
                raise CancelledError(f"Cancelled before ffmpeg could {what}: run it again to finish.")
            try:
                line = lines.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if line is None:
                break
            key, _, value = line.partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit() and progress is not None:
                done = max(0, int(value))
                progress(what, min(done, total_us) if total_us else done, total_us)
    finally:
        _stop(process)
    if process.returncode != 0:
        raise _failed(what, stderr)
    if progress is not None and total_us:
        progress(what, total_us, total_us)


def read_stream(args: Sequence[str], block_bytes: int, *, what: str,
                cancel: Cancel | None = None) -> Iterator[bytearray]:
    """ffmpeg's stdout in blocks of exactly block_bytes (the last one shorter). Closing the generator
    early stops ffmpeg."""
    command = [*base_command(), "-nostats", *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, bufsize=0)
    stderr = StderrTail(process.stderr)
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise CancelledError(f"Cancelled before ffmpeg could {what}: run it again to finish.")
            block = bytearray(block_bytes)
            view, filled = memoryview(block), 0
            while filled < block_bytes:
                got = process.stdout.readinto(view[filled:])
                if not got:
                    break
                filled += got
            if filled:
                yield block if filled == block_bytes else block[:filled]
            if filled < block_bytes:
                break
        if process.wait() != 0:
            raise _failed(what, stderr)
    finally:
        _stop(process)


def partial_name(path: Path) -> Path:
    """A unique temporary name beside path with the same extension (so ffmpeg picks the same format):
    two processes making the same file never write into each other's."""
    return path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.partial{path.suffix}")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """A partial name for path, renamed to path when the block succeeds and removed when it fails or
    is cancelled: a file under its final name is always complete."""
    partial = partial_name(Path(path))
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
