"""Job kinds that exercise the engine itself (see dubstudio.engine.kinds)."""

import hashlib
import os
import time
from pathlib import Path


def noop(inputs: dict, job) -> dict:
    """Returns its inputs as it received them; files as {path, size, sha256}."""

    def describe(value):
        if isinstance(value, Path):
            data = value.read_bytes()
            return {"path": str(value), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if isinstance(value, dict):
            return {key: describe(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [describe(item) for item in value]
        return value

    return describe(inputs)


def count(inputs: dict, job) -> dict:
    """Counts 0..n-1, one number every `delay` seconds, each a partial result; says where it ran."""
    n, delay = int(inputs.get("n", 10)), float(inputs.get("delay", 0.1))
    for number in job.items(range(n), "count"):
        time.sleep(delay)
        job.partial(number)
    return {"n": n, "worker": job.worker, "pid": os.getpid()}
