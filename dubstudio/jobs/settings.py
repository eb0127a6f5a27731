"""Job bus settings shared by the local engine and a farm's scheduler."""

import math

# Dask runs the highest priority first: a line the user is waiting for overtakes a film's batch.
INTERACTIVE = 10
BATCH = 0

# Attempts on a fresh worker before a job whose worker keeps dying (crash, out of memory) fails.
CRASH_TRIES = 3

# Every job's Dask key starts with this, so the dashboard and `engine status` group them.
JOB_PREFIX = "dubstudio-job"


def scheduler_config(crash_tries: int = CRASH_TRIES) -> dict:
    """Dask settings a DubStudio scheduler starts with."""
    if crash_tries < 1:
        raise ValueError(f"crash_tries must be at least 1, not {crash_tries}")
    return {
        # Hand every job to a worker as soon as it is submitted: a worker runs its ready jobs highest
        # priority first, so an interactive job waits only for the job already running there. With
        # Dask's scheduler-side queue, batch jobs handed out earlier would still run before it.
        "distributed.scheduler.worker-saturation": math.inf,
        "distributed.scheduler.allowed-failures": crash_tries - 1,
    }


def http_off(host: str) -> dict:
    """Scheduler options for no dashboard. A Dask scheduler always serves HTTP (health, metrics):
    on the scheduler's own interface and a free port, rather than on 8787 for everyone."""
    return {"dashboard": False, "dashboard_address": f"{host}:0"}


# The local engine's cluster lives in the client process, which reads this while it runs (so it is
# set for the whole process). A nanny restarts its dead worker itself; LocalCluster also closes a
# nanny whose worker is still missing this long after a loss, checked on a timer that can fire in
# the middle of a later restart (a crash loop, a busy machine), which would leave the engine with
# no worker at all. So it never gives up on one.
LOCAL_CLUSTER_CONFIG = {"distributed.deploy.lost-worker-timeout": "30 days"}


# The environment a nanny starts its worker process with, over Dask's. Dask sets glibc's
# MALLOC_TRIM_THRESHOLD_ to 64 KiB so that freed memory goes back to the system; that also stops
# glibc raising its mmap threshold, so every array over 128 KiB (a vocoder's activations: tens of
# MB, hundreds per line) was a fresh mapping that faulted its pages in anew: Kokoro rendered 2.7
# times slower. Arrays up to 64 MiB now come from the heap, and the worker keeps up to 256 MiB free.
WORKER_ENVIRON = {"MALLOC_MMAP_THRESHOLD_": 64 * 2**20, "MALLOC_TRIM_THRESHOLD_": 256 * 2**20}
WORKER_CONFIG = {f"distributed.nanny.pre-spawn-environ.{name}": value for name, value in WORKER_ENVIRON.items()}
