"""Interactive work overtakes queued batch work."""

from jobtools import wait_until

from dubstudio.jobs import BATCH, INTERACTIVE, Done


def test_an_interactive_job_submitted_after_20_batch_jobs_finishes_before_them(engine):
    finished = []

    def track(job):
        job.subscribe(lambda event: finished.append(job.id) if isinstance(event, Done) else None)
        return job

    # The worker has one thread: a running batch job is not preempted, so one runs while the others
    # queue behind it (long enough for every submission below, even on a busy machine).
    running = track(engine.submit("count", {"n": 20, "delay": 0.1}, priority=BATCH))
    wait_until(lambda: running.status == "running", timeout=60)
    queued = [track(engine.submit("count", {"n": 1, "delay": 0.05}, priority=BATCH)) for _ in range(20)]
    line = track(engine.submit("noop", {"line": 7}, priority=INTERACTIVE))

    assert line.result(timeout=60) == {"line": 7}
    for job in [running, *queued]:
        job.result(timeout=60)
    assert finished[:2] == [running.id, line.id]
    assert sorted(finished[2:]) == sorted(job.id for job in queued)
