"""Every piece of engine work the editor started, as the jobs panel shows it: progress, cancel, and
failures with their sentence and a retry.

Job events arrive on Dask's threads; a queued signal carries them to the main thread, where the job's
result is handed to its `done` callback (which may write the project) and the panel redraws.
"""

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal

from dubstudio.errors import DubStudioError
from dubstudio.jobs import JobHandle
from dubstudio.jobs.errors import JobCancelledError
from dubstudio.jobs.events import Done, Progress, Started

log = logging.getLogger(__name__)


@dataclass
class Work:
    """One row of the jobs panel: an engine job, or a client-side task made of several (a first pass)."""

    id: int
    label: str
    status: str = "queued"            # queued, running, finished, error, cancelled
    done: int = 0
    total: int | None = None
    message: str = ""
    error: str = ""
    cancel: Callable[[], None] | None = None
    retry: Callable[[], None] | None = None
    handle: JobHandle | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


def sentence(error: BaseException) -> str:
    """What a failure says to the user: our errors are one sentence already; others point at the log."""
    if isinstance(error, DubStudioError):
        return str(error)
    return f"{type(error).__name__}: {error} (details in the log)."


class JobList(QObject):
    """The work the editor is waiting for, newest last. Only touched on the main thread."""

    changed = Signal(object)  # the Work row that changed (added, progressed or ended)
    _event = Signal(object, object)  # (Work, job event), posted from Dask threads

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[Work] = []
        self._ids = itertools.count(1)
        self._on_done: dict[int, tuple[Callable, Callable | None]] = {}
        self._event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)

    def track(self, handle: JobHandle, label: str, done: Callable[[object], None],
              failed: Callable[[BaseException], None] | None = None,
              retry: Callable[[], None] | None = None) -> Work:
        """Follow a submitted job; `done(result)` runs on the main thread when it finishes."""
        work = Work(next(self._ids), label, cancel=handle.cancel, retry=retry, handle=handle)
        self.rows.append(work)
        self._on_done[work.id] = (done, failed)
        self.changed.emit(work)
        handle.subscribe(lambda event: self._event.emit(work, event))
        return work

    def task(self, label: str, cancel: Callable[[], None] | None = None) -> Work:
        """A row for client-side work; the caller moves it with update() and end()."""
        work = Work(next(self._ids), label, status="running", cancel=cancel)
        self.rows.append(work)
        self.changed.emit(work)
        return work

    def update(self, work: Work, done: int, total: int | None, message: str = "") -> None:
        work.done, work.total, work.message = done, total, message
        self.changed.emit(work)

    def end(self, work: Work, status: str, error: str = "") -> None:
        work.status, work.error, work.cancel = status, error, None
        if status == "finished" and work.total:
            work.done = work.total
        self.changed.emit(work)

    def clear_finished(self) -> None:
        self.rows = [work for work in self.rows if work.active or work.status == "error"]
        self.changed.emit(None)

    def _on_event(self, work: Work, event) -> None:
        if isinstance(event, Started):
            work.status = "running"
        elif isinstance(event, Progress):
            work.status, work.done, work.total, work.message = "running", event.done, event.total, event.message
        elif isinstance(event, Done):
            self._finish(work)
            return
        self.changed.emit(work)

    def _finish(self, work: Work) -> None:
        done, failed = self._on_done.pop(work.id, (None, None))
        try:
            result = work.handle.result(timeout=0)
        except JobCancelledError:
            self.end(work, "cancelled")
            return
        except Exception as error:  # the job's failure, shown in its row with a retry
            log.info("job %s failed", work.label, exc_info=error)
            self.end(work, "error", sentence(error))
            if failed is not None:
                failed(error)
            return
        try:
            done(result)
        except Exception as error:  # storing the result failed: the row says why, nothing else is lost
            log.exception("storing the result of %s", work.label)
            self.end(work, "error", sentence(error))
            return
        self.end(work, "finished")
