"""A worker that dies in a job is restarted and the job retried; after the set tries it fails clearly."""

import os
import signal

import dask
import psutil
import pytest
from dask.utils import parse_timedelta
from jobtools import CRASH_TRIES, wait_until

from dubstudio.jobs import EngineCrashError, Started


def test_killing_the_worker_during_a_job_completes_it_on_a_new_worker(engine):
    starts = []
    job = engine.submit("count", {"n": 20, "delay": 0.1})
    job.subscribe(lambda event: starts.append(event) if isinstance(event, Started) else None)
    wait_until(lambda: job.progress is not None and job.progress.done >= 3, timeout=60)
    killed = starts[0].pid
    os.kill(killed, signal.SIGKILL)
    result = job.result(timeout=120)
    assert result["n"] == 20 and result["pid"] != killed
    assert not psutil.pid_exists(killed) or psutil.Process(killed).status() == psutil.STATUS_ZOMBIE
    assert [start.pid for start in starts] == [killed, result["pid"]]
    assert engine.submit("noop", {"after": "crash"}).result(timeout=60) == {"after": "crash"}


def test_a_job_whose_worker_always_dies_fails_with_a_clear_error(engine):
    job = engine.submit("count", {"n": 50, "delay": 0.1})
    # Kill every worker that starts the job, as a segfault or the OOM killer would.
    job.subscribe(lambda event: os.kill(event.pid, signal.SIGKILL) if isinstance(event, Started) else None)
    with pytest.raises(EngineCrashError, match=f"died each of the {CRASH_TRIES} times it ran this count job"):
        job.result(timeout=180)
    assert job.status == "error"
    assert engine.submit("noop", {"still": "here"}).result(timeout=120) == {"still": "here"}


def test_the_local_engine_never_gives_up_on_a_restarting_worker(engine):
    # LocalCluster closes a nanny whose worker is missing this long after any loss, judged on a timer
    # that can fire during a later restart: in a crash loop the engine would be left with no worker.
    assert parse_timedelta(dask.config.get("distributed.deploy.lost-worker-timeout")) >= 86400
