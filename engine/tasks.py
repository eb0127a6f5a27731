"""The task wrapper: how a job function runs on a worker.

A job function is `run(inputs: dict, job: JobContext) -> result`, a pure function of its inputs that
never opens the project. Through `job` it reports progress, hands over partial results, gets its
models from the worker's cache, and learns that it was cancelled: between items it calls
`job.check()` (or loops with `job.items(...)`), which raises JobCancelled once the client has
cancelled the job or gone away.
"""

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator

from dubstudio.engine import inputs as job_inputs
from dubstudio.engine import kinds
from dubstudio.engine.cache import ModelCache, models
from dubstudio.engine.registry import default_registry

from dubstudio.jobs.events import Finished, Partial, Progress, Started, to_message

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds: progress within a step is sent at most this often


class JobCancelled(Exception):
    """Raised inside a job function at its next check once the job was cancelled."""


class JobContext:
    def __init__(self, job_id: str, send: Callable[[object], None], is_cancelled: Callable[[], bool],
                 cache: ModelCache, worker: str = ""):
        self.job_id = job_id
        self.worker = worker
        self.loads: dict[str, float] = {}
        self.hits: list[str] = []
        self._send = send
        self._is_cancelled = is_cancelled
        self._cache = cache
        self._partials = 0
        self._last: tuple[str, float] | None = None  # step and time of the last progress sent

    @property
    def cancelled(self) -> bool:
        return self._is_cancelled()

    def check(self) -> None:
        """Raise JobCancelled if the job was cancelled; call it between items."""
        if self._is_cancelled():
            raise JobCancelled(self.job_id)

    def progress(self, step: str, done: int, total: int | None = None, message: str = "") -> None:
        """Report progress (and check for cancellation). Within a step, sends at most every 50 ms."""
        self.check()
        now = time.monotonic()
        last = self._last
        if last and last[0] == step and done != total and now - last[1] < PROGRESS_INTERVAL:
            return
        self._last = (step, now)
        self._send(Progress(self.job_id, step, done, total, message))

    def partial(self, value) -> None:
        """Hand a partial result to the client now (small values: at most 64 KiB pickled)."""
        self._send(Partial(self.job_id, self._partials, value))
        self._partials += 1

    def items(self, iterable: Iterable, step: str, total: int | None = None) -> Iterator:
        """Yield each item, checking for cancellation before it and reporting progress after it."""
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.progress(step, 0, total)
        for done, item in enumerate(iterable, 1):
            self.check()
            yield item
            self.progress(step, done, total)

    def model(self, name: str, loader: Callable[[], object] | None = None, size: int | None = None):
        """A model from this worker's cache, loaded on first use: a registered backend's by its name,
        or any model given its loader (and its size in bytes if known)."""
        if loader is None:
            backend = default_registry().get(name)
            loader = backend.loader()
            size = size or (backend.memory_mb or 0) * 2**20 or None
        model, seconds = self._cache.fetch(name, loader, size)
        if seconds is None:
            self.hits.append(name)
        else:
            self.loads[name] = seconds
        return model


def execute(job_id: str, kind: str, inputs: dict, shipped: dict, topic: str):
    """Run one job on this Dask worker, its events going to the client's topic."""
    from distributed import get_worker

    worker = get_worker()
    key = worker.get_current_task()

    def send(event) -> None:
        worker.log_event(topic, to_message(event))

    def is_cancelled() -> bool:
        # Cancelling the future (or the client going away) makes Dask release the task here.
        task = worker.state.tasks.get(key)
        return task is None or task.state not in ("executing", "long-running")

    send(Started(job_id, worker.address, os.getpid()))
    function = kinds.resolve(kind)
    job = JobContext(job_id, send, is_cancelled, models(), worker.address)
    start = time.perf_counter()
    try:
        result = function(job_inputs.resolve(inputs, shipped, worker.local_directory), job)
    except JobCancelled:
        log.info("%s job %s stopped: cancelled", kind, job_id)
        raise
    send(Finished(job_id, time.perf_counter() - start, job.loads, tuple(job.hits)))
    return result
