"""The local engine's shape is configurable: worker processes, threads, and resources such as a GPU."""

import psutil
from jobtools import assert_all_gone, descendants

from dubstudio.jobs import Engine


def test_a_local_engine_with_two_workers_of_two_threads_and_a_gpu_each():
    others = {process.pid for process in descendants(psutil.Process())}  # e.g. the shared engine's
    with Engine.local(workers=2, threads=2, resources={"GPU": 1}) as engine:
        engine.wait_for_workers(2, timeout=60)
        report = engine.status()
        assert [(w.threads, w.resources) for w in report.workers] == [(2, {"GPU": 1})] * 2
        job = engine.submit("count", {"n": 1, "delay": 0}, resources={"GPU": 1})
        assert job.result(timeout=60)["worker"] in {w.address for w in report.workers}
        workers = [process for process in descendants(psutil.Process()) if process.pid not in others]
        assert len(workers) == 2
    assert_all_gone(workers)
