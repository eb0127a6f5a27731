"""Translation throughput in lines per second, on the sample script's lines with a glossary:
Apertium (one call per line, batched, pivoted through Spanish) and a tiny random Marian model
through transformers and through CTranslate2.

Run: .venv/bin/python bench/translation_bench.py [--repeat 10]

Apertium's figures are real. The tiny models' measure our code path (tokenising, beam search
bookkeeping, n-best, restoring), not the speed of a real Opus-MT model.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "translation"))

from tiny_models import ENGLISH, build_marian

GLOSSARY = {"train station": "estación de tren", "Maya": None, "Daniel": None}


def lines_per_second(translator, lines: list[str], target: str = "es", n_best: int = 1,
                     per_line: bool = False, runs: int = 3) -> float:
    from dubstudio.translation.glossary import Glossary
    from dubstudio.translation.translate import translate_lines

    glossary = Glossary.of(GLOSSARY)
    batches = [[line] for line in lines] if per_line else [lines]
    translate_lines(translator, lines[:2], "en", target, glossary, n_best)  # warm up
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for batch in batches:
            translate_lines(translator, batch, "en", target, glossary, n_best)
        best = min(best, time.perf_counter() - started)
    return len(lines) / best


def main() -> None:
    from dubstudio.engine.backends.apertium import Apertium
    from dubstudio.engine.backends.marian import MarianTranslator
    from dubstudio.engine.backends.marian_ct2 import OpusMTCT2, convert

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="copies of the 11-line script in a batch")
    lines = ENGLISH * parser.parse_args().repeat
    print(f"{len(lines)} lines, {sum(map(len, lines)) / len(lines):.0f} characters each on average")

    apertium = Apertium()
    report("Apertium en->es, one call per line", lines_per_second(apertium, ENGLISH, per_line=True),
           "lines/s")
    report("Apertium en->es, one call for all", lines_per_second(apertium, lines), "lines/s")
    report("Apertium en->fr through es, one call each", lines_per_second(apertium, lines, "fr"), "lines/s")

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        folder = build_marian(Path(work) / "marian", Path(work))
        report("tiny Marian: build and save (with imports)", time.perf_counter() - started, "s")
        started = time.perf_counter()
        marian = MarianTranslator(folder, beam_size=4, threads=1)
        report("tiny Marian: load (transformers)", time.perf_counter() - started, "s")
        for n_best in (1, 4):
            report(f"tiny Marian transformers, beam 4, {n_best}-best",
                   lines_per_second(marian, lines, n_best=n_best), "lines/s")
        ct2 = OpusMTCT2(convert(folder, Path(work) / "ct2"), beam_size=4, threads=1)
        for n_best in (1, 4):
            report(f"tiny Marian CTranslate2 int8, beam 4, {n_best}-best",
                   lines_per_second(ct2, lines, n_best=n_best), "lines/s")


if __name__ == "__main__":
    main()
