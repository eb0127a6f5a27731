"""A farm started with the CLI on localhost: a scheduler and two workers, one with a GPU."""

import os
import select
import signal
import subprocess
import sys
import time

import psutil
import pytest
from jobtools import assert_all_gone, descendants, environment

from dubstudio.jobs import Engine, EngineUnreachableError
from dubstudio.jobs.settings import WORKER_ENVIRON

DUBSTUDIO = [sys.executable, "-m", "dubstudio"]


def start(*args: str, log) -> subprocess.Popen:
    return subprocess.Popen([*DUBSTUDIO, *args], stdout=subprocess.PIPE, stderr=log, text=True)


def first_line(process: subprocess.Popen, timeout: float = 60.0) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"no output after {timeout} s"
    return process.stdout.readline().strip()


@pytest.fixture
def farm(tmp_path):
    """The scheduler's address; the scheduler and workers are stopped and gone afterwards."""
    with open(tmp_path / "farm.log", "w") as log:
        processes = [start("engine", "scheduler", "--port", "0", log=log)]
        try:
            line = first_line(processes[0])
            address = line.rsplit(" ", 1)[-1]
            assert line.startswith("DubStudio engine scheduler at tcp://127.0.0.1:"), line
            processes.append(start("engine", "worker", "--scheduler", address, "--name", "cpu", log=log))
            processes.append(start("engine", "worker", "--scheduler", address, "--gpus", "1", "--name", "gpu",
                                   log=log))
            for worker in processes[1:]:
                assert f"joined {address}" in first_line(worker)
            yield address
        finally:
            everything = [psutil.Process(p.pid) for p in processes if p.poll() is None]
            everything += [child for p in everything for child in descendants(p)]
            for process in reversed(processes):  # workers first, then the scheduler
                if process.poll() is None:
                    os.kill(process.pid, signal.SIGTERM)
                    time.sleep(0.2)
            exits = [process.wait(60) for process in processes]
            assert_all_gone(everything)
    assert exits == [0, 0, 0], (tmp_path / "farm.log").read_text()[-3000:]


def test_jobs_run_on_both_workers_and_gpu_jobs_on_the_gpu_worker(farm):
    with Engine.connect(farm, shared_storage=True) as engine:
        engine.wait_for_workers(2, timeout=60)
        names = {worker.address: worker.name for worker in engine.status().workers}
        assert sorted(names.values()) == ["cpu", "gpu"]

        jobs = [engine.submit("count", {"n": 3, "delay": 0.1}) for _ in range(8)]
        ran_on = {names[job.result(timeout=120)["worker"]] for job in jobs}
        assert ran_on == {"cpu", "gpu"}

        gpu_jobs = [engine.submit("count", {"n": 1, "delay": 0}, resources={"GPU": 1}) for _ in range(4)]
        assert {names[job.result(timeout=120)["worker"]] for job in gpu_jobs} == {"gpu"}
        if sys.platform.startswith("linux"):  # large arrays stay on the heap (test_worker_environment)
            started = environment(gpu_jobs[0].result()["pid"])
            assert {name: started.get(name) for name in WORKER_ENVIRON} == {k: str(v) for k, v in WORKER_ENVIRON.items()}

    out = subprocess.run([*DUBSTUDIO, "engine", "status", "--scheduler", farm], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert f"scheduler {farm}: 2 workers" in out.stdout
    assert "(gpu): 1 thread, GPU 1, memory" in out.stdout
    assert out.stdout.count("backend piper: installed") == 2


def test_connecting_to_a_scheduler_that_is_not_there_says_so():
    with pytest.raises(EngineUnreachableError, match="no engine scheduler answers at tcp://127.0.0.1:9"):
        Engine.connect("tcp://127.0.0.1:9", timeout=1)
