"""Helpers for the job bus tests: waiting with a deadline, checking that processes are gone, reading a
worker's environment."""

import time
from pathlib import Path

import psutil

CRASH_TRIES = 2  # the engine fixture's: a job fails once its worker died twice


def wait_until(condition, timeout: float, step: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not true after {timeout} s"
        time.sleep(step)


def descendants(process: psutil.Process) -> list[psutil.Process]:
    """Child processes, less multiprocessing's resource tracker (it ends with its parent)."""
    found = []
    for child in process.children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def assert_all_gone(processes: list[psutil.Process], timeout: float = 30.0) -> None:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    assert alive == [], f"left running: {[p.pid for p in alive]}"


def environment(pid: int) -> dict[str, str]:
    """A process's environment as it started (Linux)."""
    entries = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
    return dict(entry.split("=", 1) for entry in entries if "=" in entry)
