"""A render on a worker thread: the pipeline's render with a Reporter whose progress is posted to the main
thread (session.later), stopped between items when the user cancels, its outcome handed back the same way.
"""

import logging
import threading
from collections.abc import Callable

from dubstudio.ui.jobs import sentence

log = logging.getLogger(__name__)


class RenderCancelled(Exception):
    """The user cancelled the render."""


class RenderReporter:
    """The Reporter the pipeline's render talks to; every call lands on the main thread as
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
    def __init__(self, reporter: RenderReporter, name: str, total: int | None):
        self.reporter, self.name = reporter, name
        self.update(0, total)

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        reporter = self.reporter
        if reporter.stop.is_set():
            raise RenderCancelled()
        reporter.later(lambda: reporter.on_progress(self.name, done, total, message))

    def close(self) -> None:
        self.reporter.later(lambda: self.reporter.on_stage_end(self.name))


def run_render(work: Callable[[], object], later: Callable[[Callable[[], None]], None],
               finished: Callable[[str, object], None]) -> threading.Thread:
    """Run work() on a thread; finished(status, value) on the main thread after: ("finished", result),
    ("cancelled", None) or ("error", the sentence for the user)."""
    def body():
        try:
            result = work()
        except RenderCancelled:
            later(lambda: finished("cancelled", None))
        except Exception as error:  # shown in the dialog; the log keeps the details
            log.exception("render")
            message = sentence(error)
            later(lambda: finished("error", message))
        else:
            later(lambda: finished("finished", result))

    thread = threading.Thread(target=body, name="dubstudio-render", daemon=True)
    thread.start()
    return thread
