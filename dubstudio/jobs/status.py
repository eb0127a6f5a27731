"""`dubstudio engine status`: the workers, the models each holds, memory, and the job queue."""

from collections import Counter
from dataclasses import dataclass, field

from dubstudio.jobs.settings import JOB_PREFIX

MB = 2**20


@dataclass
class WorkerStatus:
    address: str
    name: str
    threads: int
    resources: dict
    memory: int  # bytes the worker process holds
    memory_limit: int | None
    running: int
    models: list[dict] = field(default_factory=list)  # ModelCache.stats()
    model_budget: int = 0  # bytes the model cache may hold
    backends: dict[str, str] = field(default_factory=dict)  # name -> "installed" or "missing: ..."
    error: str = ""  # why the worker did not report


@dataclass
class EngineStatus:
    scheduler: str
    workers: list[WorkerStatus]
    jobs: dict[str, int]  # Dask task state -> number of jobs in it

    @property
    def running(self) -> int:
        return sum(worker.running for worker in self.workers)

    @property
    def waiting(self) -> int:
        # A job handed to a worker is "processing" for the scheduler while it waits there.
        waiting = sum(self.jobs.get(state, 0) for state in ("processing", "queued", "no-worker", "waiting"))
        return max(0, waiting - self.running)


def _job_states(dask_scheduler) -> dict[str, int]:
    return dict(Counter(ts.state for key, ts in dask_scheduler.tasks.items()
                        if isinstance(key, str) and key.startswith(JOB_PREFIX)))


def _worker_report(dask_worker) -> dict:
    from dubstudio.engine.worker import report

    return report(dask_worker)


def gather(client) -> EngineStatus:
    info = client.scheduler_info(n_workers=-1)
    reports = client.run(_worker_report, on_error="return")
    workers = []
    for address, worker in sorted(info["workers"].items()):
        report = reports.get(address)
        error = "" if isinstance(report, dict) else f"no report from this worker ({report!r})"
        report = report if isinstance(report, dict) else {}
        workers.append(WorkerStatus(
            address=address, name=str(worker.get("name", address)), threads=worker.get("nthreads", 0),
            resources=worker.get("resources", {}),
            memory=report.get("memory", worker.get("metrics", {}).get("memory", 0)),
            memory_limit=worker.get("memory_limit") or None, running=report.get("running", 0),
            models=report.get("models", []), model_budget=report.get("budget", 0),
            backends=report.get("backends", {}), error=error))
    return EngineStatus(info.get("address", ""), workers, client.run_on_scheduler(_job_states))


def lines(status: EngineStatus) -> list[str]:
    """The status as the CLI prints it."""
    count = len(status.workers)
    header = (f"scheduler {status.scheduler}: {count} worker{'s' * (count != 1)}, "
              f"jobs: {status.running} running, {status.waiting} waiting")
    out = [header]
    for worker in status.workers:
        limit = f" of {worker.memory_limit / MB:.0f} MB" if worker.memory_limit else ""
        resources = "".join(f", {name} {amount:g}" for name, amount in sorted(worker.resources.items()))
        named = f" ({worker.name})" if worker.name != worker.address else ""
        out.append(f"worker {worker.address}{named}: {worker.threads} thread"
                   f"{'s' * (worker.threads != 1)}{resources}, memory {worker.memory / MB:.0f} MB{limit}, "
                   f"{worker.running} running")
        if worker.error:
            out.append(f"  {worker.error}")
            continue
        models = ", ".join(f"{m['name']} ({m['size'] / MB:.0f} MB, {m['hits']} reuses)" for m in worker.models)
        out.append(f"  models (budget {worker.model_budget / MB:.0f} MB): {models or 'none loaded'}")
        for name, availability in sorted(worker.backends.items()):
            out.append(f"  backend {name}: {availability}")
    return out
