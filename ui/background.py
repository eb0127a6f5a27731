"""Pipeline work on a worker thread (a first pass, a render): a Reporter whose progress is posted to the
main thread (session.later), stopped between items when the user cancels, the outcome handed back the
same way."""

import logging
import threading
from collections.abc import Callable

from dubstudio.ui.jobs import sentence

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The user cancelled the work."""


class PostedReporter:
    """The Reporter the pipeline's stages talk to; every call lands on the main thread as
    on_progress(stage, done, total, message) / on_stage_end(stage) / on_note(text)."""

    def __init__(self, later: Callable[[Callable[[], None]], None], stop: threading.Event,
                 on_progress, on_stage_end, on_note):
        self.later, self.stop = later, stop
        self.on_progress, self.on_stage_end, self.on_note = on_progress, on_stage_end, on_note

    def stage(self, name: str, total: int | None = None) -> "_Bar":
        return _Bar(self, name, total)

    def note(self, text: str) -> None:
        self.later(lambda: self.on_note(text))


class _Bar:
    def __init__(self, reporter: PostedReporter, name: str, total: int | None):
        self.reporter, self.name = reporter, name
        self.update(0, total)

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        reporter = self.reporter
        if reporter.stop.is_set():
            raise Cancelled()
        reporter.later(lambda: reporter.on_progress(self.name, done, total, message))

    def close(self) -> None:
        self.reporter.later(lambda: self.reporter.on_stage_end(self.name))


def run_in_thread(work: Callable[[], object], later: Callable[[Callable[[], None]], None],
                  finished: Callable[[str, object], None], name: str) -> threading.Thread:
    """Run work() on a thread; finished(status, value) on the main thread after: ("finished", result),
    ("cancelled", None) or ("error", the sentence for the user)."""
    def body():
        try:
            result = work()
        except Cancelled:
            later(lambda: finished("cancelled", None))
        except Exception as error:  # shown in the dialog; the log keeps the details
            log.exception(name)
            message = sentence(error)
            later(lambda: finished("error", message))
        else:
            later(lambda: finished("finished", result))

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread
