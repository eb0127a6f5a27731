"""Shared by the benchmarks: the sample clip (made once into the cache) and a figure printer."""

import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def sample_clip():
    from dubstudio import paths
    from dubstudio.sample.make import make_sample

    return make_sample(paths.cache_dir("bench-sample"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<52} {value:>10.3f} {unit:<6} {target}{verdict}", flush=True)
