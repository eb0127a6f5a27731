"""Progress and partial results stream while a job runs; results and errors reach the client."""

import time

import pytest

from dubstudio.jobs import Done, Finished, Partial, Progress, Started, UnknownJobKindError


def test_progress_and_partials_arrive_while_the_job_runs(engine):
    seen = []
    job = engine.submit("count", {"n": 4, "delay": 0.3})
    job.subscribe(lambda event: seen.append((time.monotonic(), event)))
    result = job.result(timeout=60)
    assert result["n"] == 4 and result["worker"] == job.worker

    events = [event for _, event in seen]
    assert isinstance(events[-1], Done) and events[-1].status == "finished"
    assert isinstance(events[-2], Finished)
    assert [e.value for e in events if isinstance(e, Partial)] == [0, 1, 2, 3] == job.partials
    assert [e.done for e in events if isinstance(e, Progress)] == [0, 1, 2, 3, 4]
    assert job.progress == Progress(job.id, "count", 4, 4)
    first_partial = next(t for t, e in seen if isinstance(e, Partial))
    assert seen[-1][0] - first_partial > 0.3, "partials must stream, not arrive with the result"
    assert not any(isinstance(e, Started) for e in events[1:]), "started once, before anything else"


def test_events_iterator_ends_with_done(engine):
    job = engine.submit("count", {"n": 2, "delay": 0.05})
    kinds = [type(event).__name__ for event in job.events(timeout=60)]
    assert kinds[-2:] == ["Finished", "Done"]
    assert job.status == "finished"


def test_a_job_error_is_raised_by_result(engine):
    job = engine.submit("no-such-kind")
    with pytest.raises(UnknownJobKindError, match="no 'no-such-kind' job"):
        job.result(timeout=60)
    assert job.status == "error"


def test_noop_returns_its_inputs(engine):
    assert engine.submit("noop", {"text": "hola", "n": [1, 2]}).result(timeout=60) == {"text": "hola", "n": [1, 2]}
