"""The worker's model cache: load once, reuse, evict the least recently used under the budget."""

import mmap
import threading
import time

from dubstudio.engine.cache import ModelCache

MB = 2**20


class Loader:
    def __init__(self, delay: float = 0.0):
        self.calls, self.delay = [], delay

    def __call__(self, name):
        def load():
            self.calls.append(name)
            time.sleep(self.delay)
            return f"model {name}"

        return load


def test_a_model_loads_on_first_use_and_is_reused():
    cache, loader = ModelCache(budget=100 * MB), Loader()
    model, seconds = cache.fetch("a", loader("a"), size=10 * MB)
    assert model == "model a" and seconds is not None
    assert cache.fetch("a", loader("a"), size=10 * MB) == ("model a", None)
    assert loader.calls == ["a"]
    assert cache.stats()[0] | {"last_used": 0} == {"name": "a", "size": 10 * MB, "load_seconds": seconds,
                                                   "hits": 1, "last_used": 0}


def test_the_least_recently_used_model_is_evicted_to_stay_under_the_budget():
    cache, loader = ModelCache(budget=100 * MB), Loader()
    cache.get("a", loader("a"), size=40 * MB)
    cache.get("b", loader("b"), size=40 * MB)
    cache.get("a", loader("a"), size=40 * MB)  # a is now more recent than b
    cache.get("c", loader("c"), size=40 * MB)
    assert cache.names() == ["a", "c"] and cache.used == 80 * MB
    cache.get("b", loader("b"), size=40 * MB)
    assert cache.names() == ["c", "b"]
    assert loader.calls == ["a", "b", "c", "b"]


def test_a_model_larger_than_the_budget_is_kept_alone():
    cache, loader = ModelCache(budget=50 * MB), Loader()
    cache.get("small", loader("small"), size=10 * MB)
    cache.get("huge", loader("huge"), size=80 * MB)
    assert cache.names() == ["huge"]


def fresh_pages(size: int) -> mmap.mmap:
    """size bytes of new memory, every page written: the process grows by that much even where its
    heap holds freed memory an allocation could reuse (after a test that loaded a model)."""
    memory = mmap.mmap(-1, size)
    memory.write(b"\1" * size)
    return memory


def test_an_undeclared_size_is_measured_from_the_process_growth():
    cache = ModelCache(budget=1000 * MB)
    cache.get("array", lambda: fresh_pages(64 * MB))
    assert cache.stats()[0]["size"] >= 32 * MB


def test_threads_asking_for_the_same_model_load_it_once():
    cache, loader = ModelCache(budget=100 * MB), Loader(delay=0.2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("a", loader("a"), 1))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["model a"] * 4 and loader.calls == ["a"]


def test_a_warm_job_loads_the_runner_synthesis_uses():
    """Voices keeps its runners in the cache under their registry names: the GUI's `warm` job for
    "piper" (or "kokoro") loads the very model the next synthesize job renders with."""
    from dubstudio.engine.cache import models
    from dubstudio.engine.tasks import JobContext
    from dubstudio.engine.voices import Voices
    from dubstudio.engine.warmup import warm

    job = JobContext("warm-1", lambda event: None, lambda: False, models(), "in-process")
    warm({"backends": ["piper"]}, job)
    assert Voices().runner("piper") is models().get("piper", lambda: None)
