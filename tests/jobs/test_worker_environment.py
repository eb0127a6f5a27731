"""Local engine workers start with glibc keeping large arrays on its heap. Dask's own setting hands every
array over 128 KiB back to the system, so a vocoder's activations page-faulted in anew on every line
(Kokoro 2.7 times slower); a restarted worker starts the same way. (test_farm checks a farm's.)"""

import os
import signal
import sys

import pytest
from jobtools import environment, wait_until

from dubstudio.jobs.settings import WORKER_ENVIRON

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's settings")


def test_local_workers_keep_large_arrays_on_the_heap_also_after_a_restart(engine):
    pid = engine.submit("count", {"n": 1}).result(timeout=60)["pid"]
    expected = {name: str(value) for name, value in WORKER_ENVIRON.items()}
    assert {name: environment(pid).get(name) for name in expected} == expected
    assert environment(pid).get("OMP_NUM_THREADS") == "1"  # Dask's other settings stay
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: engine.submit("count", {"n": 1}).result(timeout=120)["pid"] != pid, timeout=120)
    restarted = engine.submit("count", {"n": 1}).result(timeout=60)["pid"]
    assert {name: environment(restarted).get(name) for name in expected} == expected
