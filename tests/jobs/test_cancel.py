"""Cancelling: a running job stops at its next item, a queued job never starts."""

import time

import pytest
from jobtools import wait_until

from dubstudio.jobs import INTERACTIVE, JobCancelledError


def test_cancelling_a_running_long_job_stops_it_within_a_second(engine):
    long = engine.submit("count", {"n": 2000, "delay": 0.05})  # 100 s if left alone
    wait_until(lambda: long.progress is not None and long.progress.done >= 2, timeout=60)
    cancelled_at = time.monotonic()
    long.cancel()
    # The worker has one thread: the next job can only start once the long one has stopped.
    probe = engine.submit("noop", priority=INTERACTIVE)
    wait_until(lambda: probe.status != "queued", timeout=30, step=0.005)
    assert time.monotonic() - cancelled_at < 1.0
    probe.result(timeout=30)
    with pytest.raises(JobCancelledError, match="cancelled"):
        long.result(timeout=30)
    assert long.status == "cancelled"
    assert long.progress.done < 2000


def test_a_cancelled_queued_job_never_starts(engine):
    running = engine.submit("count", {"n": 20, "delay": 0.05})
    queued = engine.submit("count", {"n": 1, "delay": 0})
    queued.cancel()
    running.result(timeout=60)
    with pytest.raises(JobCancelledError):
        queued.result(timeout=30)
    assert queued.worker is None and queued.partials == []
