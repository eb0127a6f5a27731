"""The task wrapper's side of a job: progress, partials, cancellation between items, models."""

import pytest
from dubstudio.engine import kinds
from dubstudio.engine.cache import ModelCache
from dubstudio.engine.tasks import JobCancelled, JobContext

from dubstudio.jobs import Finished, Partial, Progress, UnknownJobKindError
from dubstudio.jobs.events import from_message, to_message


class Recorder:
    def __init__(self):
        self.sent, self.cancelled = [], False

    def context(self, cache=None) -> JobContext:
        return JobContext("job", self.sent.append, lambda: self.cancelled, cache or ModelCache(2**30))


def test_progress_within_a_step_is_throttled_but_its_end_always_sent():
    recorder = Recorder()
    job = recorder.context()
    for done in range(1001):
        job.progress("align", done, 1000)
    job.progress("mix", 0, 1)
    dones = [(e.step, e.done) for e in recorder.sent]
    assert dones[0] == ("align", 0) and dones[-2:] == [("align", 1000), ("mix", 0)]
    assert len(dones) < 20


def test_items_stop_at_the_next_item_once_cancelled():
    recorder = Recorder()
    job = recorder.context()
    seen = []
    with pytest.raises(JobCancelled):
        for item in job.items(["a", "b", "c", "d"], "lines"):
            seen.append(item)
            job.partial(item)
            if item == "b":
                recorder.cancelled = True
    assert seen == ["a", "b"]
    assert [e.value for e in recorder.sent if isinstance(e, Partial)] == ["a", "b"]


def test_models_come_from_the_cache_and_loads_are_counted():
    cache = ModelCache(2**30)
    first, second = Recorder().context(cache), Recorder().context(cache)
    assert first.model("m", lambda: "M") == second.model("m", lambda: "other") == "M"
    assert list(first.loads) == ["m"] and first.hits == []
    assert second.loads == {} and second.hits == ["m"]


def test_events_survive_the_trip_and_ignore_what_the_scheduler_adds():
    for event in (Progress("j", "s", 1, 2, "m"), Partial("j", 0, {"text": "hola"}), Finished("j", 1.5, {"m": 1.0}, ("n",))):
        assert from_message(to_message(event) | {"worker": "tcp://127.0.0.1:1"}) == event
    assert from_message({"action": "update-graph"}) is None


def test_a_partial_too_large_for_the_event_stream_is_refused():
    with pytest.raises(ValueError, match="byte limit"):
        to_message(Partial("j", 0, b"x" * 100_000))


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(UnknownJobKindError, match="no 'dance' job: update DubStudio on the engine's machines"):
        kinds.resolve("dance")
    assert callable(kinds.resolve("noop"))
