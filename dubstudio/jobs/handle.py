"""A submitted job as its client sees it: progress while it runs, partial results, then its outcome.

Events arrive on the Dask client's threads. Subscribers are called there, so a GUI posts them on
to its main thread (a queued signal) and never touches a widget from a callback.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator

from distributed.scheduler import KilledWorker

from dubstudio.jobs.errors import EngineCrashError, JobCancelledError
from dubstudio.jobs.events import Done, Finished, Partial, Progress, Started
from dubstudio.jobs.journal import JobJournal

log = logging.getLogger(__name__)

Event = Started | Progress | Partial | Finished | Done


class JobHandle:
    def __init__(self, job_id: str, kind: str, priority: int, journal: JobJournal | None,
                 on_done: Callable[["JobHandle"], None]):
        self.id, self.kind, self.priority = job_id, kind, priority
        self._journal = journal
        self._on_done = on_done
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._future = None
        self._status = "queued"
        self._worker: str | None = None
        self._progress: Progress | None = None
        self._stats: Finished | None = None
        self._partials: list = []
        self._subscribers: list[Callable[[Event], None]] = []
        self._value = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        return f"<JobHandle {self.kind} {self.id} {self.status}>"

    # -- what the job has told us so far

    @property
    def status(self) -> str:
        """queued, running, finished, error or cancelled."""
        return self._status

    @property
    def worker(self) -> str | None:
        """Address of the worker that runs (or ran) the job."""
        return self._worker

    @property
    def progress(self) -> Progress | None:
        return self._progress

    @property
    def partials(self) -> list:
        with self._lock:
            return list(self._partials)

    @property
    def stats(self) -> Finished | None:
        """Run time and model loads reported when the job function returned."""
        return self._stats

    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        """Call callback(event) for each event from now on, ending with Done (at once if already done)."""
        with self._lock:
            if not self._finished.is_set():
                self._subscribers.append(callback)
                return
        callback(Done(self.id, self._status))

    def unsubscribe(self, callback: Callable[[Event], None]) -> None:
        with self._lock:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """The job's events from now until Done, for a caller that can block (the CLI)."""
        inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.subscribe(inbox.put)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    event = inbox.get(timeout=left)
                except queue.Empty:
                    raise TimeoutError(f"the {self.kind} job {self.id} was not done after {timeout} s") from None
                yield event
                if isinstance(event, Done):
                    return
        finally:
            self.unsubscribe(inbox.put)

    # -- outcome

    def result(self, timeout: float | None = None):
        """The job's result; raises its error, JobCancelledError or EngineCrashError.

        Taking the outcome finishes the job in its journal: a client that dies before this resumes
        the job when the project is reopened.
        """
        if not self._finished.wait(timeout):
            raise TimeoutError(f"the {self.kind} job {self.id} was not done after {timeout} s")
        self._finish_journal()
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> None:
        """Stop the job: a queued job never starts, a running one stops at its next item."""
        if self._future is not None and not self._finished.is_set():
            self._future.cancel()
        self._finish_journal()

    # -- called by the engine

    def _attach(self, future) -> None:
        self._future = future
        future.add_done_callback(self._resolve)

    def _deliver(self, event: Event) -> None:
        with self._lock:
            if self._finished.is_set():
                return
            if isinstance(event, Started):
                self._status, self._worker = "running", event.worker
            elif isinstance(event, Progress):
                self._progress = event
            elif isinstance(event, Partial):
                self._partials.append(event.value)
            elif isinstance(event, Finished):
                self._stats = event
            subscribers = list(self._subscribers)
        self._notify(subscribers, event)

    def _resolve(self, future) -> None:
        """Runs on Dask's callback thread once the future is finished, failed or cancelled."""
        status = future.status
        value = error = None
        if status == "finished":
            try:
                value = future.result()
            except Exception as failure:  # the result could not be fetched (client closing)
                status, error = "error", failure
        elif status == "cancelled":
            error = JobCancelledError(f"the {self.kind} job was cancelled: run it again to get its result.")
        else:
            status, error = "error", future.exception()
            if isinstance(error, KilledWorker):
                error = EngineCrashError(
                    f"the engine's worker process died each of the {error.allowed_failures + 1} times it ran "
                    f"this {self.kind} job (a crash, or not enough memory): free some memory or give the "
                    f"engine more, then run the job again.")
        # Once fetched, the result must not stay on the worker: if that worker died, Dask would
        # recompute every result it still holds.
        future.release()
        with self._lock:
            self._value, self._error, self._status = value, error, status
            self._finished.set()
            subscribers, self._subscribers = self._subscribers, []
        self._on_done(self)
        self._notify(subscribers, Done(self.id, status))

    def _notify(self, subscribers, event: Event) -> None:
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # a subscriber's bug must not stop the other jobs' events
                log.exception("job event subscriber %r failed on %r", callback, event)

    def _finish_journal(self) -> None:
        journal, self._journal = self._journal, None
        if journal is not None:
            journal.finish(self.id)
