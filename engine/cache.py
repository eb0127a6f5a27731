"""Models kept warm in a worker process: loaded on first use, reused by every later job, the least
recently used evicted when the total passes the memory budget.

A model's size is what its backend declares, else what the process grew by while loading it.
"""

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import psutil

log = logging.getLogger(__name__)

BUDGET_FRACTION = 0.6  # of the worker's memory limit; the rest is for the jobs' own data


@dataclass
class _Entry:
    model: object
    size: int
    load_seconds: float
    hits: int = 0
    last_used: float = 0.0


def _rss() -> int:
    return psutil.Process().memory_info().rss


class ModelCache:
    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def get(self, name: str, loader: Callable[[], object], size: int | None = None) -> object:
        return self.fetch(name, loader, size)[0]

    def fetch(self, name: str, loader: Callable[[], object], size: int | None = None) -> tuple[object, float | None]:
        """(model, seconds it took to load), or (model, None) when it was already loaded."""
        model = self._hit(name)
        if model is not None:
            return model, None
        with self._lock:
            gate = self._loading.setdefault(name, threading.Lock())
        with gate:  # one load per model, however many threads want it
            model = self._hit(name)
            if model is not None:
                return model, None
            if size:
                self._evict(room=size, keep=None)
            before, start = _rss(), time.perf_counter()
            model = loader()
            seconds = time.perf_counter() - start
            entry = _Entry(model, size or max(0, _rss() - before), seconds, last_used=time.time())
            with self._lock:
                self._entries[name] = entry
                self._loading.pop(name, None)
            log.info("loaded model %s in %.2f s (%.0f MB)", name, seconds, entry.size / 2**20)
            self._evict(room=0, keep=name)
            return model, seconds

    def _hit(self, name: str):
        with self._lock:
            entry = self._entries.get(name)
            if entry is None:
                return None
            self._entries.move_to_end(name)
            entry.hits += 1
            entry.last_used = time.time()
            return entry.model

    def _evict(self, room: int, keep: str | None) -> None:
        """Drop least recently used models until `room` more bytes fit in the budget (never `keep`)."""
        dropped = []
        with self._lock:
            for name in list(self._entries):
                if self.used + room <= self.budget:
                    break
                if name != keep:
                    dropped.append((name, self._entries.pop(name).size))
        for name, size in dropped:
            log.info("evicted model %s (%.0f MB) to stay under %.0f MB", name, size / 2**20, self.budget / 2**20)
        if dropped:
            gc.collect()  # models hold native memory behind reference cycles (sessions, graphs)

    @property
    def used(self) -> int:
        return sum(entry.size for entry in self._entries.values())

    def names(self) -> list[str]:
        """Loaded models, least recently used first."""
        with self._lock:
            return list(self._entries)

    def stats(self) -> list[dict]:
        with self._lock:
            return [{"name": name, "size": e.size, "load_seconds": e.load_seconds, "hits": e.hits,
                     "last_used": e.last_used} for name, e in self._entries.items()]


_models: ModelCache | None = None
_models_lock = threading.Lock()


def _memory_limit() -> int:
    try:
        from distributed import get_worker

        limit = get_worker().memory_manager.memory_limit
    except ValueError:  # not in a worker: a test or a tool running a job function in-process
        limit = None
    return limit or psutil.virtual_memory().total


def models() -> ModelCache:
    """This process's model cache, its budget a fraction of the worker's memory limit."""
    global _models
    with _models_lock:
        if _models is None:
            _models = ModelCache(int(_memory_limit() * BUDGET_FRACTION))
        return _models
