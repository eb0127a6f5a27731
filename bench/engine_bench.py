"""Engine benchmark: the round trip of a no-op job on the local engine, and a model kept warm.

    .venv/bin/python bench/engine_bench.py [--jobs 200]

Prints the no-op round trip (submit to result in the client, target: median under 50 ms) and two
`warm` jobs for the same model: the first loads it, the second must find it in the worker's cache.
"""

import argparse
import statistics
import time

from dubstudio.jobs import INTERACTIVE, Engine

ROUND_TRIP_TARGET_MS = 50.0
MODEL = "piper"


def round_trips(engine: Engine, count: int) -> list[float]:
    times = []
    for number in range(count):
        start = time.perf_counter()
        engine.submit("noop", {"n": number}, priority=INTERACTIVE).result(timeout=60)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200, help="no-op jobs to time (default 200)")
    args = parser.parse_args()

    start = time.perf_counter()
    with Engine.local() as engine:
        engine.wait_for_workers(1)
        print(f"local engine started in {time.perf_counter() - start:.2f} s ({engine.address})")
        round_trips(engine, 10)  # the worker imports the engine's code on its first job
        times = sorted(round_trips(engine, args.jobs))
        median = statistics.median(times)
        print(f"no-op round trip over {args.jobs} jobs: median {median:.1f} ms, "
              f"p90 {times[int(0.9 * len(times))]:.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms "
              f"(target < {ROUND_TRIP_TARGET_MS:.0f} ms: {'met' if median < ROUND_TRIP_TARGET_MS else 'MISSED'})")

        runs = []
        for attempt in ("first", "second"):
            begun = time.perf_counter()
            job = engine.submit("warm", {"backends": [MODEL]}, priority=INTERACTIVE)
            job.result(timeout=300)
            runs.append(job.stats)
            load = job.stats.loads.get(MODEL)
            print(f"{attempt} job with model {MODEL}: round trip {(time.perf_counter() - begun) * 1000:.1f} ms, "
                  f"on the worker {job.stats.seconds * 1000:.1f} ms, "
                  + (f"model loaded in {load * 1000:.0f} ms" if load is not None else "model load skipped (cached)"))
        skipped = MODEL in runs[0].loads and MODEL not in runs[1].loads and MODEL in runs[1].hits
        print(f"second job skipped the model load: {'yes' if skipped else 'NO'}")
        for line in engine.status().workers[0].models:
            print(f"worker cache: {line['name']} {line['size'] / 2**20:.0f} MB, {line['hits']} reuse(s)")
    return 0 if median < ROUND_TRIP_TARGET_MS and skipped else 1


if __name__ == "__main__":
    raise SystemExit(main())
