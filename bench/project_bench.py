"""Project file benchmark: opening a 5,000-line project and committing one edit.

Targets (issue 3, on the team's 2-core machine): open under 0.5 s, one committed edit under 10 ms.
"Open" is what the editor does before it can show the script: open the file, read every line and
every translation. An edit is a user operation committed with fsync (synchronous=FULL) and written to
the undo history. The page cache is warm (the file was just written): a first open after a reboot
also pays for reading the file from disk.

    .venv/bin/python bench/project_bench.py [--lines 5000] [--edits 200]
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dubstudio.project import NewLine, Project, Word

OPEN_TARGET_S = 0.5
EDIT_TARGET_S = 0.010
RATE = 48_000


def build(path: Path, count: int, takes: int) -> None:
    rng = random.Random(3)
    with Project.create(path, source_language="en", target_languages=["es", "fr"],
                        frame_rate="24000/1001", title="Benchmark") as project:
        speakers = [project.add_speaker(f"Speaker {n}") for n in range(1, 7)]
        new_lines, start = [], 0
        for n in range(count):
            length = rng.randint(RATE, 5 * RATE)
            words = tuple(Word(start + i * length // 8, start + (i + 1) * length // 8, f"word{i}") for i in range(8))
            new_lines.append(NewLine(start, start + length, " ".join(w.text for w in words),
                                     rng.choice(speakers), words))
            start += length + rng.randint(0, RATE)
        project.add_lines(new_lines)
        ids = [line.id for line in project.lines()]
        for language in ("es", "fr"):
            project.set_machine_translations(language, {i: f"traducción de la línea {i}" for i in ids},
                                             {i: [f"alternativa {i}"] for i in ids})
        audio = np.random.default_rng(1).integers(-3000, 3000, RATE // 2, dtype=np.int16)
        for line_id in ids[:takes]:
            project.add_take(line_id, "es", audio, RATE, text="traducción", backend="bench",
                             params={"seed": line_id})


def time_open(path: Path, languages: tuple[str, ...]) -> tuple[float, int]:
    started = time.perf_counter()
    with Project.open(path) as project:
        lines = project.lines()
        for language in languages:
            project.translations(language)
        elapsed = time.perf_counter() - started
    return elapsed, len(lines)


def time_edits(path: Path, edits: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per edit: the difference is waiting for the disk (fsync)."""
    rng = random.Random(5)
    wall, cpu = [], []
    with Project.open(path) as project:
        ids = [line.id for line in project.lines()]
        for n in range(edits):
            line_id = rng.choice(ids)
            started, started_cpu = time.perf_counter(), time.process_time()
            project.edit_translation(line_id, "es", f"texto revisado {n}")
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return sorted(wall), sorted(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--takes", type=int, default=500, help="lines that get a take (0.5 s of audio)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dubstudio-bench-") as folder:
        path = Path(folder) / "bench.dubproj"
        started = time.perf_counter()
        build(path, args.lines, args.takes)
        print(f"built a {args.lines}-line project with {args.takes} takes in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.1f} MB)")
        opens = [time_open(path, ("es", "fr")) for _ in range(5)]
        assert all(count == args.lines for _, count in opens)
        open_s = sorted(elapsed for elapsed, _ in opens)
        edits, cpu = time_edits(path, args.edits)
    p95 = edits[int(0.95 * (len(edits) - 1))]
    # The verdicts use medians: a typical open, a typical edit. Worst cases are printed because on a
    # shared machine they measure the neighbours' disk traffic as much as this code.
    open_ok = statistics.median(open_s) < OPEN_TARGET_S
    edit_ok = statistics.median(edits) < EDIT_TARGET_S
    print(f"open + read script: median {statistics.median(open_s) * 1e3:.0f} ms, worst {open_s[-1] * 1e3:.0f} ms "
          f"(target < {OPEN_TARGET_S * 1e3:.0f} ms) {'OK' if open_ok else 'MISSED'}")
    print(f"one edit committed: median {statistics.median(edits) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms, "
          f"worst {edits[-1] * 1e3:.2f} ms over {len(edits)} edits (target < {EDIT_TARGET_S * 1e3:.0f} ms) "
          f"{'OK' if edit_ok else 'MISSED'}")
    print(f"  of which CPU: median {statistics.median(cpu) * 1e3:.2f} ms, p95 {cpu[int(0.95 * (len(cpu) - 1))] * 1e3:.2f} "
          "ms; the rest is waiting for fsync (synchronous=FULL)")
    return 0 if open_ok and edit_ok else 1


if __name__ == "__main__":
    sys.exit(main())
