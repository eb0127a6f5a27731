"""The jobs panel over real engine jobs: progress arrives on the main thread, a result is handed to its
callback there, Cancel stops a job, and a failure shows its sentence with a Retry that works."""

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def engine(local_engine):
    return local_engine


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


def test_progress_and_result_reach_the_main_thread(qapp, engine):
    from dubstudio.ui.jobs import JobList
    from dubstudio.ui.jobs_panel import JobsPanel

    jobs = JobList()
    panel = JobsPanel(jobs)
    seen, threads = [], []

    def done(result):
        seen.append(result)
        threads.append(threading.current_thread() is threading.main_thread())

    work = jobs.track(engine.submit("count", {"n": 5, "delay": 0.05}), "Count to five", done)
    row = panel.row(work)
    progressed = []
    jobs.changed.connect(lambda w: progressed.append(w.done) if w is work else None)
    wait_until(lambda: work.status == "finished")
    assert seen[0]["n"] == 5 and threads == [True]
    assert max(progressed) == 5 and work.done == work.total == 5
    assert "done" in row.label.text() and not row.cancel.isVisible()


def test_cancel_stops_a_running_job(qapp, engine):
    from dubstudio.ui.jobs import JobList
    from dubstudio.ui.jobs_panel import JobsPanel

    jobs = JobList()
    panel = JobsPanel(jobs)
    results = []
    work = jobs.track(engine.submit("count", {"n": 200, "delay": 0.05}), "Long count", results.append)
    wait_until(lambda: work.done >= 2)
    panel.row(work).cancel.click()
    wait_until(lambda: not work.active)
    assert work.status == "cancelled" and results == []
    assert panel.row(work).retry.isHidden() or work.retry is None


def test_a_failure_says_why_and_retry_runs_again(qapp, engine):
    from dubstudio.ui.jobs import JobList
    from dubstudio.ui.jobs_panel import JobsPanel

    jobs = JobList()
    panel = JobsPanel(jobs)
    panel.show()
    results = []

    def retry():
        jobs.track(engine.submit("count", {"n": 2, "delay": 0.01}), "Count (again)", results.append)

    failing = jobs.track(engine.submit("count", {"n": "lots"}), "Count", results.append, retry=retry)
    wait_until(lambda: failing.status == "error")
    row = panel.row(failing)
    assert "lots" in failing.error and row.detail.text() == failing.error
    assert row.retry.isVisible()
    row.retry.click()
    wait_until(lambda: results)
    assert results[0]["n"] == 2 and len(jobs.rows) == 2
