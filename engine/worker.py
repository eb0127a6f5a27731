"""What a worker process says about itself for `dubstudio engine status`."""

import os

import psutil
from dubstudio.engine.cache import models
from dubstudio.engine.registry import default_registry


def report(worker) -> dict:
    """pid, memory (bytes), running jobs, loaded models and backend availability of this worker."""
    return {"pid": os.getpid(), "memory": psutil.Process().memory_info().rss,
            "running": worker.state.executing_count, "models": models().stats(),
            "budget": models().budget, "backends": default_registry().availability()}
