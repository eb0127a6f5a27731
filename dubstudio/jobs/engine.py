"""The client's door to the engine: start the local engine or connect to a farm, submit jobs.

The local engine is a Dask LocalCluster whose scheduler lives in this process and whose workers are
separate processes (one by default), so a crash or a leak in a model never takes the client down;
a dead worker is restarted by its nanny and its job retried. A farm is a scheduler started with
`dubstudio engine scheduler` and workers started with `dubstudio engine worker`.
"""

import uuid
from typing import Self

import dask
from distributed import Client, LocalCluster

from dubstudio.jobs import events, files, status
from dubstudio.jobs.errors import EngineUnreachableError
from dubstudio.jobs.handle import JobHandle
from dubstudio.jobs.journal import JobJournal, decode_inputs, encode_inputs
from dubstudio.jobs.settings import (
    BATCH,
    CRASH_TRIES,
    JOB_PREFIX,
    LOCAL_CLUSTER_CONFIG,
    WORKER_CONFIG,
    http_off,
    scheduler_config,
)


def _run_on_worker(job_id: str, kind: str, inputs: dict, shipped: dict, topic: str):
    # Imported here, on the worker: the client never loads the engine's code.
    from dubstudio.engine.tasks import execute

    return execute(job_id, kind, inputs, shipped, topic)


class Engine:
    def __init__(self, client: Client, cluster: LocalCluster | None = None, ship_files: bool = False):
        self.client = client
        self.ship_files = ship_files
        self._cluster = cluster
        self._handles: dict[str, JobHandle] = {}
        # Workers send job events to the topic named after this client: the scheduler keeps each
        # topic's recent events, and forgets the client's own topic after the client has gone.
        self._topic = client.id
        client.subscribe_topic(self._topic, self._on_event)

    @classmethod
    def local(cls, workers: int = 1, threads: int = 1, memory_limit: str | int = "auto",
              crash_tries: int = CRASH_TRIES, resources: dict | None = None, ship_files: bool = False) -> Self:
        """Start the local engine: `workers` processes of `threads` threads, on 127.0.0.1 only.

        ship_files sends input files' bytes with each job as for workers on other machines.
        """
        dask.config.set(LOCAL_CLUSTER_CONFIG)
        with dask.config.set({**scheduler_config(crash_tries), **WORKER_CONFIG}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                   host="127.0.0.1", scheduler_port=0, dashboard_address=None,
                                   scheduler_kwargs=http_off("127.0.0.1"), memory_limit=memory_limit,
                                   resources=resources)
        try:
            client = Client(cluster)
        except BaseException:
            cluster.close()
            raise
        return cls(client, cluster, ship_files)

    @classmethod
    def connect(cls, address: str, shared_storage: bool = False, timeout: float = 10.0) -> Self:
        """Connect to a farm's scheduler. Without shared_storage, input files travel with each job."""
        try:
            client = Client(address, timeout=timeout)
        except OSError as error:
            raise EngineUnreachableError(
                f"no engine scheduler answers at {address}: start one there with 'dubstudio engine "
                f"scheduler', or check the address.") from error
        return cls(client, None, ship_files=not shared_storage)

    @property
    def address(self) -> str:
        return self.client.scheduler.address

    def submit(self, kind: str, inputs: dict | None = None, *, priority: int = BATCH,
               resources: dict | None = None, journal: JobJournal | None = None,
               job_id: str | None = None) -> JobHandle:
        """Queue a job of a kind the engine knows (dubstudio.engine.kinds) and return its handle.

        priority: INTERACTIVE for what the user waits for, BATCH for the rest. resources: what a worker
        must have, e.g. {"GPU": 1}. journal: where the job is recorded until its outcome is taken.
        """
        inputs = dict(inputs or {})
        job_id = job_id or uuid.uuid4().hex
        if journal is None:
            return self._submit(job_id, kind, inputs, priority, resources, None)
        journal.record(job_id, kind, encode_inputs(inputs), priority)
        try:
            return self._submit(job_id, kind, inputs, priority, resources, journal)
        except BaseException:
            journal.finish(job_id)  # refused (an input file): nothing to resume
            raise

    def resume(self, journal: JobJournal) -> list[JobHandle]:
        """Submit again the journal's unfinished jobs (a client died, or closed, before taking them)."""
        handles = []
        for record in journal.unfinished():
            job_id = record["job_id"]
            handle = self._handles.get(job_id) or self._submit(
                job_id, record["kind"], decode_inputs(record["inputs"]), record["priority"], None, journal)
            handles.append(handle)
        return handles

    def _submit(self, job_id, kind, inputs, priority, resources, journal) -> JobHandle:
        shipped = files.ship(self.client, inputs) if self.ship_files else {}
        handle = JobHandle(job_id, kind, priority, journal, on_done=self._forget)
        self._handles[job_id] = handle
        # A fresh key per submission: a resumed job must not meet what a dead client left on a farm.
        key = f"{JOB_PREFIX}-{job_id}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(_run_on_worker, job_id, kind, inputs, shipped, self._topic, key=key,
                                    priority=priority, resources=resources, pure=False)
        handle._attach(future)
        return handle

    def _forget(self, handle: JobHandle) -> None:
        self._handles.pop(handle.id, None)

    def _on_event(self, event) -> None:
        """Runs on the client's event loop thread for every event on this client's topic."""
        decoded = events.from_message(event[1])
        if decoded is not None and (handle := self._handles.get(decoded.job_id)) is not None:
            handle._deliver(decoded)

    def wait_for_workers(self, count: int = 1, timeout: float = 60.0) -> None:
        self.client.wait_for_workers(count, timeout=timeout)

    def status(self) -> status.EngineStatus:
        """Workers, their loaded models and memory, and the job queue."""
        return status.gather(self.client)

    def close(self) -> None:
        """Disconnect; the local engine stops. Jobs not taken stay unfinished in their journals."""
        try:
            self.client.unsubscribe_topic(self._topic)
        except ValueError:
            pass  # already unsubscribed: close was called before
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_engine(scheduler: str | None = None, shared_storage: bool = False, **local_options) -> Engine:
    """The farm at `scheduler` if given, else a new local engine."""
    if scheduler:
        return Engine.connect(scheduler, shared_storage=shared_storage)
    return Engine.local(**local_options)
